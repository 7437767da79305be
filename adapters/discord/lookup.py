"""Autocomplete names read through storage's own queries (no SQL here).

Only what any member may already see is offered: approved circles, and themes that are
visible and shared by at least ``min_people`` people, so autocomplete never reveals a
theme the digest would hide.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from config.settings import Settings
from storage import circles as circle_store
from storage import digests as digest_store
from storage.db import Database
from storage.digests import Scope

ALL_TIME = datetime(2000, 1, 1, tzinfo=UTC)


class StorageLookup:
    def __init__(self, db: Database, min_people: int, owned: bool = False) -> None:
        self.db = db
        self.min_people = min_people
        self.owned = owned

    @classmethod
    def from_settings(cls, settings: Settings) -> StorageLookup:
        """For an adapter built with only settings: its own small connection pool."""
        return cls(Database(settings.database_url), settings.min_people, owned=True)

    async def close(self) -> None:
        if self.owned:
            await self.db.close()

    async def circle_names(self) -> list[str]:
        async with self.db.transaction() as session:
            return [c.name for c in await circle_store.list_circles(session)]

    async def theme_choices(self) -> list[tuple[int, str]]:
        """Counted in distinct people, as /themes and digests count them."""
        end = datetime.now(UTC) + timedelta(days=1)
        async with self.db.transaction() as session:
            counts = await digest_store.theme_counts(session, Scope(), ALL_TIME, end)
            shared = [c.theme_id for c in counts if c.people >= self.min_people]
            themes = await digest_store.themes_by_id(session, shared)
        return [
            (n, themes[n].name or themes[n].label)
            for n in sorted(shared)
            if n in themes and not themes[n].hidden
        ]
