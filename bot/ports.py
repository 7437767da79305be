"""What the core offers an adapter and what it expects back: the only seam between them.

The composition root (``groundswell/``) builds the core, then hands each adapter these
ports through its constructor. Adapters depend on this module, never the other way round,
so the core can be read, run and tested without any platform library installed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from bot.messages import ChatKind, Incoming, Outgoing

Handled = Awaitable[None]
"""Completes once the core has handled an event and handed its replies to the adapters."""

Submit = Callable[[Incoming], Awaitable[Handled | None]]
"""How an adapter hands an event to the core: put it on the dispatcher's queue. What it
returns (if anything) tells an adapter that confirms receipt to its platform when to."""


class Seen(Protocol):
    """Platform update ids already handled, so a redelivered update counts once."""

    async def check(self, platform: str, update_id: str) -> bool:
        """``True`` if the update was recorded before (reads only)."""
        ...

    async def mark(self, platform: str, update_id: str) -> bool:
        """Record the update; ``True`` if it had been recorded before."""
        ...


class AdapterStartError(RuntimeError):
    """An adapter could not start (bad token, unreachable server): one line saying the fix."""


class Adapter(Protocol):
    """An adapter translates; it never decides. Built with settings and the ports below."""

    platform: str

    async def start(self) -> None: ...

    async def stop_receiving(self) -> None:
        """Take no new events; those already received go on to the core."""
        ...

    async def stop(self) -> None:
        """Once the core has drained: deliver what is still queued, then close."""
        ...

    async def send(self, message: Outgoing) -> None: ...


class CommandInfo(Protocol):
    """One entry of the core's command list, as a platform menu needs it."""

    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def usage(self) -> str: ...
    @property
    def about_caller(self) -> bool: ...
    @property
    def quiet(self) -> bool: ...
    @property
    def menus(self) -> tuple[ChatKind, ...]: ...
    @property
    def privileged(self) -> bool: ...


CommandList = Sequence[CommandInfo]
"""The core's commands, in the order the core lists them (``bot.router.Router.commands``)."""


class Lookup(Protocol):
    """Read-only names for autocomplete: only what the core already shows any member."""

    async def circle_names(self) -> list[str]: ...
    async def theme_choices(self) -> list[tuple[int, str]]: ...
    async def own_reports(self, platform: str, user_id: str) -> list[tuple[int, str, str]]:
        """That account's own reports as /mine lists them: (number, date, text). Only ever
        offered back to that same account."""
        ...
