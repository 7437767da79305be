"""The digest schedule of each chat, as /schedule sets, shows and removes it (the clock
that runs them is ``bot.digests.schedule``)."""

from __future__ import annotations

from datetime import datetime

from bot.digests.schedule import Cadence
from storage import schedules as store
from storage.db import Database
from storage.models import Schedule


class ScheduleService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def next_run(self, platform: str, chat_id: str) -> datetime | None:
        """When this chat's digest is next posted; None when it has no schedule."""
        async with self.db.reading() as session:
            found = await store.get(session, platform, chat_id)
        return found.next_run_at if found is not None else None

    async def remove(self, platform: str, chat_id: str) -> bool:
        async with self.db.transaction() as session:
            return await store.remove(session, platform, chat_id)

    async def save(
        self,
        platform: str,
        chat_id: str,
        cadence: Cadence,
        first: datetime,
        circle_id: int | None,
        created_by: int | None,
    ) -> None:
        """One schedule per chat: a new cadence replaces the old one."""
        row = Schedule(
            platform=platform,
            chat_id=chat_id,
            circle_id=circle_id,
            frequency=cadence.frequency,
            weekday=cadence.weekday,
            at_time=f"{cadence.at:%H:%M}",
            next_run_at=first,
            created_by=created_by,
        )
        async with self.db.transaction() as session:
            await store.upsert(session, row)
