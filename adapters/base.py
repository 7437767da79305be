"""What every adapter looks like to the rest of the bot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.messages import Incoming, Outgoing

Handled = Awaitable[None]
"""Completes once the core has handled an event and handed its replies to the adapters."""

Submit = Callable[[Incoming], Awaitable[Handled | None]]
"""How an adapter hands an event to the core: put it on the dispatcher's queue. What it
returns (if anything) tells an adapter that confirms receipt when to do so."""


class AdapterStartError(RuntimeError):
    """An adapter could not start (bad token, unreachable server): one line saying the fix."""


class Adapter(Protocol):
    """An adapter translates; it never decides. Built with settings and ``submit``."""

    platform: str

    async def start(self) -> None: ...

    async def stop_receiving(self) -> None:
        """Take no new events; those already received go on to the core."""
        ...

    async def stop(self) -> None:
        """Once the core has drained: deliver what is queued, then close."""
        ...

    async def send(self, message: Outgoing) -> None: ...
