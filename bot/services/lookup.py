"""The read-only names an adapter may offer as suggestions (Discord's autocomplete).

Handed to adapters through their constructor (``bot.ports.Lookup``), so no adapter opens a
database of its own. Every call is a ``reading()`` transaction: a keystroke never takes
SQLite's write lock. Only what any member may already see is offered: approved circles,
and the themes the visibility rule shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.circles import CircleService
from storage import digests as digest_store
from storage.db import Database
from storage.digests import Scope

ALL_TIME = datetime(2000, 1, 1, tzinfo=UTC)


class NameLookup:
    def __init__(self, db: Database, circles: CircleService, min_people: int) -> None:
        self.db = db
        self.circles = circles
        self.min_people = min_people

    async def circle_names(self) -> list[str]:
        return [circle.name for circle in await self.circles.all()]

    async def theme_choices(self) -> list[tuple[int, str]]:
        """Visible themes shared by at least ``min_people`` people, by number.

        The threshold is the one the digest uses for what it names; #13's single
        visibility rule (``bot/visibility``) replaces this body when it lands.
        """
        end = datetime.now(UTC) + timedelta(days=1)
        async with self.db.reading() as session:
            counts = await digest_store.theme_counts(session, Scope(), ALL_TIME, end)
            shared = [c.theme_id for c in counts if c.people >= self.min_people]
            themes = await digest_store.themes_by_id(session, shared)
        return [
            (n, themes[n].name or themes[n].label)
            for n in sorted(shared)
            if n in themes and not themes[n].hidden
        ]
