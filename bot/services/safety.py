"""Safety events as counts: what organisers may know about crisis, safeguarding and abusive
messages is how many there were, never what they said or who sent them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
        async with self.db.transaction() as session:
            await store.add_event(session, kind)

    async def counts(self, days: int, now: datetime | None = None) -> dict[str, int]:
        since = (now or datetime.now(UTC)) - timedelta(days=days)
        async with self.db.reading() as session:
            return await store.count_events(session, since)
