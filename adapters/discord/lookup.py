"""Autocomplete names read through storage's own queries (no SQL here).

Only what any member may already see is offered: approved circles, and themes that are
visible and shared by at least ``min_people`` people, so autocomplete never reveals a
theme the digest would hide.
"""

from __future__ import annotations

from bot.services.visible import VisibleThemes
from config.settings import Settings
from storage import circles as circle_store
from storage.db import Database


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
        """Exactly the themes /themes shows (bot.visibility's rule), by number."""
        shown = await VisibleThemes(self.db, self.min_people).all()
        return [(v.theme_id, v.title) for v in sorted(shown, key=lambda v: v.theme_id)]
