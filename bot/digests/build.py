"""Building a digest from the database: rank by distinct people, then places and circles,
then recency; leave out anything fewer than ``min_people`` people share."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.digests.model import Digest, DigestTheme
from bot.nlp_worker import NlpWorker
from storage import digests as store
from storage.db import Database
from storage.digests import Scope, ThemeCounts
from storage.models import Theme


def trend_of(current: int, previous: int) -> str:
    if previous == 0:
        return "new"
    if current >= previous * 1.2 and current - previous >= 1:
        return "rising"
    if current <= previous * 0.8:
        return "falling"
    return "steady"


def rank_key(counts: ThemeCounts) -> tuple[int, int, int, float]:
    latest = counts.latest.timestamp() if counts.latest else 0.0
    return (-counts.people, -counts.places, -counts.circles, -latest)


class DigestBuilder:
    def __init__(self, db: Database, nlp: NlpWorker, min_people: int) -> None:
        self.db = db
        self.nlp = nlp
        self.min_people = min_people

    async def build(
        self, scope: Scope, scope_label: str, start: datetime, end: datetime, limit: int = 20
    ) -> Digest:
        previous_start = start - (end - start)
        async with self.db.transaction() as session:
            current = await store.theme_counts(session, scope, start, end)
            previous = await store.theme_counts(session, scope, previous_start, start)
            shown = sorted((c for c in current if c.people >= self.min_people), key=rank_key)[
                :limit
            ]
            ids = [c.theme_id for c in shown]
            themes = await store.themes_by_id(session, ids)
            places = await store.place_people(session, ids, start, end)
            candidates = await store.quote_candidates(session, ids, start, end)
        quotes = await self._quotes(candidates)
        before = {c.theme_id: c.people for c in previous}
        named = self._named_places(places)
        items = tuple(
            self._item(c, themes[c.theme_id], before.get(c.theme_id, 0), named, quotes)
            for c in shown
        )
        withheld = sum(1 for c in current if c.people < self.min_people)
        return Digest(scope_label, start, end, self.min_people, items, withheld)

    def _named_places(self, rows: list[tuple[int, str, int]]) -> dict[int, list[str]]:
        named: dict[int, list[str]] = defaultdict(list)
        for theme_id, place, people in sorted(rows, key=lambda r: (-r[2], r[1])):
            if people >= self.min_people:
                named[theme_id].append(place)
        return named

    async def _quotes(
        self, rows: list[tuple[int, int, str, int, str | None]]
    ) -> dict[int, list[str]]:
        """Up to two quotes a theme, from different people (and places where possible)."""
        chosen: dict[int, list[tuple[str, int, str | None]]] = defaultdict(list)
        for theme_id, _report, text, person, place in rows:
            picked = chosen[theme_id]
            if len(picked) < 2 and all(
                p != person and (pl != place or place is None) for _, p, pl in picked
            ):
                picked.append((text, person, place))
        flat = [(t, text) for t, items in chosen.items() for text, _, _ in items]
        scrubbed = await self.nlp.scrub([text for _, text in flat])
        out: dict[int, list[str]] = defaultdict(list)
        for (theme_id, _), clean in zip(flat, scrubbed, strict=True):
            out[theme_id].append(clean)
        return out

    def _item(
        self,
        c: ThemeCounts,
        theme: Theme,
        previous: int,
        named: dict[int, list[str]],
        quotes: dict[int, list[str]],
    ) -> DigestTheme:
        return DigestTheme(
            theme_id=c.theme_id,
            title=theme.name or theme.label,
            label=theme.label,
            demand=theme.demand,
            people=c.people,
            places=c.places,
            circles=c.circles,
            reports=c.reports,
            me_too=c.me_too,
            named_places=tuple(named.get(c.theme_id, [])),
            trend=trend_of(c.people, previous),
            previous_people=previous,
            quotes=tuple(quotes.get(c.theme_id, [])),
            latest=c.latest,
        )
