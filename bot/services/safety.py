"""Safety events as counts: what organisers may know about crisis, safeguarding and abusive
messages is how many there were, never what they said or who sent them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from nlp.safety import Concern
from storage import safety as store
from storage.db import Database

FILED = "safeguarding_filed"  # filed as a barrier without details
BARRIER_WITHOUT_DETAILS = (
    "I have a safeguarding concern about someone in our care and did not feel able to raise "
    "it safely at work."
)
"""What a safeguarding disclosure is stored as, when it is kept at all (the chat's "file as
a barrier, no details", an imported row): the barrier, none of the words."""


class SafetyLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, concern: Concern) -> None:
        await self._add(concern.value)

    async def record_filed(self) -> None:
        await self._add(FILED)

    async def _add(self, kind: str) -> None:
        """Rides along with the message's next write (or is done at its end): nothing in the
        message reads the count back, and a transaction here would claim the message's turn
        before "file as a barrier" analyses the report, holding everyone's batch meanwhile."""

        async def write(session: AsyncSession) -> None:
            await store.add_event(session, kind)

        await self.db.write_later(write)

    async def counts(self, days: int, now: datetime | None = None) -> dict[str, int]:
        since = (now or datetime.now(UTC)) - timedelta(days=days)
        async with self.db.reading() as session:
            return await store.count_events(session, since)
