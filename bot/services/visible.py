"""Themes as every member-facing path may show them: the lookup /themes, /metoo, the reply
to a report, introductions, autocomplete and exports go through, so none of them can show a
theme, a label or a number that ``bot.visibility`` would hide."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.visibility import Cell, Visibility
from storage import digests as store
from storage.db import Database
from storage.digests import ThemeCounts
from storage.models import Theme

ALL_TIME = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ThemeView:
    """A theme that may be shown, with the only numbers that may go with it."""

    theme_id: int
    title: str
    people: int
    places: int
    reporters: int


def title_of(theme: Theme) -> str:
    """The organiser's name, else the derived label, else just its number: a label is made
    only from words enough reporters used, so a shown theme may have none yet."""
    return theme.name or theme.label or f"theme #{theme.id}"


class VisibleThemes:
    def __init__(self, db: Database, min_people: int) -> None:
        self.db = db
        self.rule = Visibility(min_people)

    async def all(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> list[ThemeView]:
        """Every shown theme (over all time, or counted within a period), most people
        first."""
        views = await self._views(None, start, end)
        return sorted(views, key=lambda v: (-v.people, v.theme_id))

    async def one(self, theme_id: int) -> ThemeView | None:
        """The theme as it may be shown, or None: hidden, merged, unknown or too few
        reporters all look the same, so the answer cannot be used to probe."""
        views = await self._views([theme_id])
        return views[0] if views else None

    async def views_in(
        self, session: AsyncSession, theme_ids: Sequence[int]
    ) -> dict[int, ThemeView]:
        """These themes as they may be shown, read in the caller's transaction: a batch of
        chat reports reads its themes' views with its writes, so each reply shows the
        counts its own commit made, with no read of its own."""
        if not theme_ids:
            return {}
        views = await self._read(session, ALL_TIME, _tomorrow(), theme_ids)
        return {view.theme_id: view for view in views}

    async def reporters(self, theme_id: int) -> list[int]:
        async with self.db.reading() as session:
            return await store.theme_reporter_ids(session, theme_id)

    async def _views(
        self,
        theme_ids: Sequence[int] | None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[ThemeView]:
        async with self.db.reading() as session:
            return await self._read(session, start or ALL_TIME, end or _tomorrow(), theme_ids)

    async def _read(
        self,
        session: AsyncSession,
        start: datetime,
        end: datetime,
        theme_ids: Sequence[int] | None,
    ) -> list[ThemeView]:
        counts = await store.theme_counts(session, start, end, theme_ids)
        shown = [c for c in counts if self.rule.shows(c.reporters)]
        themes = await store.themes_by_id(session, [c.theme_id for c in shown])
        return [self._view(c, themes[c.theme_id]) for c in shown if c.theme_id in themes]

    def _view(self, counts: ThemeCounts, theme: Theme) -> ThemeView:
        cell = Cell(counts.reporters, counts.people, counts.me_too)
        people = self.rule.people(cell) or counts.reporters
        return ThemeView(counts.theme_id, title_of(theme), people, counts.places, counts.reporters)


def _tomorrow() -> datetime:
    """The end of "all time": later than any report stored so far."""
    return datetime.now(UTC) + timedelta(days=1)
