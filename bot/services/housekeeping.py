"""Housekeeping the runtime runs on a schedule: pruning the seen-update log.

Every Telegram update id is recorded so a redelivery is handled once (``storage.updates``);
without pruning that table grows by one row per update forever. Telegram keeps an
unconfirmed update for at most 24 hours, so an id older than ``KEEP`` can never come back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.updates import forget_seen_before

log = logging.getLogger(__name__)

KEEP = timedelta(days=2)  # twice Telegram's 24-hour redelivery window
EVERY_SECONDS = 3600.0

Clock = Callable[[], datetime]


class SeenPruning:
    """Deletes seen-update ids older than ``keep``; ``tick`` is one pass."""

    def __init__(
        self,
        db: Database,
        keep: timedelta = KEEP,
        clock: Clock | None = None,
        every_seconds: float = EVERY_SECONDS,
    ) -> None:
        self.db = db
        self.keep = keep
        self.clock = clock or (lambda: datetime.now(UTC))
        self.every_seconds = every_seconds

    async def tick(self) -> int:
        """How many ids were deleted."""
        async with self.db.transaction() as session:
            return await forget_seen_before(session, self.clock() - self.keep)

    async def run(self, stop: asyncio.Event) -> None:
        """Prune at start and then every ``every_seconds`` until ``stop``; a failing pass
        is logged and tried again next time (a few extra rows harm nothing)."""
        while not stop.is_set():
            try:
                removed = await self.tick()
                log.debug("pruned %d seen update ids", removed)
            except Exception:
                log.exception("pruning the seen-update log failed; retrying later")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.every_seconds)
            except TimeoutError:
                continue
