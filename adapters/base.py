"""What every adapter looks like to the rest of the bot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.messages import Incoming, Outgoing

Submit = Callable[[Incoming], Awaitable[None]]
"""How an adapter hands an event to the core: put it on the dispatcher's queue."""


class AdapterStartError(RuntimeError):
    """An adapter could not start (bad token, unreachable server): one line saying the fix."""


class Adapter(Protocol):
    """An adapter translates; it never decides. Built with settings and ``submit``."""

    platform: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, message: Outgoing) -> None: ...
