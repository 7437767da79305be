"""Building a digest from the database: rank by distinct people, then places and circles,
then recency; leave out or mask anything fewer than ``min_people`` people share."""

from __future__ import annotations

import hashlib
from collections import OrderedDict, defaultdict
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from bot.digests.model import (
    CampaignStep,
    Digest,
    DigestTheme,
    GroupCount,
    NamedPlace,
    part_title,
)
from bot.digests.naming import name_places, quote_text
from bot.digests.scope import Scope
from bot.nlp_worker import NlpWorker
from bot.visibility import Cell, Visibility
from nlp.analysis import vector_from_bytes
from nlp.cluster import normalise
from nlp.places import Marked
from nlp.quotes import core_quotes
from nlp.unit import unit_rows
from storage import campaigns as campaign_store
from storage import digests as store
from storage import themes as theme_store
from storage.db import Database
from storage.digests import QuoteCandidate, ThemeCounts
from storage.models import CampaignUpdate, Theme

RISING, FALLING = 1.2, 0.8
SCRUB_CACHE = 4096
REMOVED_KEPT = 100_000  # removed report ids remembered, then the cache starts afresh
QUOTES_PER_THEME = 2
SUBTHEMES_PER_THEME = 3


def quote_space(
    pool: list[QuoteCandidate], theme: Theme
) -> tuple[NDArray[np.float32], NDArray[np.float32], list[int | None], list[int], list[str | None]]:
    """Vectors, centre and sub-themes for core_quotes. Where a vector is missing or from
    another model (before `groundswell recluster`), every score is 0 and the pool's own
    order stands."""
    people, places = [c.person_id for c in pool], [c.place_key for c in pool]
    groups = [c.subtheme_id for c in pool]
    centre = vector_from_bytes(theme.centroid) if theme.centroid else np.zeros(0, np.float32)
    vectors = [vector_from_bytes(c.vector) if c.vector else None for c in pool]
    if len(centre) == 0 or any(v is None or len(v) != len(centre) for v in vectors):
        flat = np.zeros((len(pool), 1), np.float32)
        return flat, np.zeros(1, np.float32), groups, people, places
    matrix = unit_rows(np.vstack([v for v in vectors if v is not None]))  # one call, not one a row
    return matrix, normalise(centre), groups, people, places


def trend_of(current: int, previous: int, rule: Visibility) -> str:
    """'new' only when nobody raised it in the previous period; one or two people then is
    'growing' (from a few), never their number: telling 1 from 2 would describe them."""
    if previous == 0:
        return "new"
    if rule.number(previous) is None:
        return "growing"
    if current >= previous * RISING and current > previous:
        return "rising"
    if current <= previous * FALLING:
        return "falling"
    return "steady"


def campaign_step(row: CampaignUpdate) -> CampaignStep:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return CampaignStep(row.status, row.text, at)


def cell_of(counts: ThemeCounts) -> Cell:
    return Cell(counts.reporters, counts.people, counts.me_too)


def rank_key(rule: Visibility, counts: ThemeCounts) -> tuple[int, int, int, float, int]:
    """Ranked by the people count shown, so the order itself says nothing more."""
    latest = counts.latest.timestamp() if counts.latest else 0.0
    people = rule.people(cell_of(counts)) or 0
    return (-people, -counts.places, -counts.circles, -latest, counts.theme_id)


class DigestBuilder:
    def __init__(self, db: Database, nlp: NlpWorker, min_people: int) -> None:
        self.db = db
        self.nlp = nlp
        self.min_people = min_people
        self.rule = Visibility(min_people)
        self._scrubbed: OrderedDict[tuple[int, bytes], Marked] = OrderedDict()
        self._removed: set[int] = set()  # reports withdrawn or forgotten: never kept again

    async def build(
        self, scope: Scope, scope_label: str, start: datetime, end: datetime, limit: int = 20
    ) -> Digest:
        previous_start = start - (end - start)
        circle, place = scope.circle_id, scope.place_key
        async with self.db.reading() as session:
            current, before = await store.period_counts(
                session, previous_start, start, end, circle_id=circle, place_key=place
            )
            visible = (c for c in current if self.rule.shows(c.reporters))
            shown = sorted(visible, key=lambda c: rank_key(self.rule, c))[:limit]
            ids = [c.theme_id for c in shown]
            themes = await store.themes_by_id(session, ids)
            places = await store.place_reporters(
                session, ids, start, end, circle_id=circle, place_key=place
            )
            candidates = await store.quote_candidates(
                session, ids, start, end, circle_id=circle, place_key=place
            )
            parts = await self._parts(session, ids, scope, start, end)
            campaigns = await campaign_store.updates_for(session, ids)
        named = name_places(places, self.rule)
        quotes = {
            theme_id: [quote_text(m, named.get(theme_id, [])) for m in marked]
            for theme_id, marked in (await self._quotes(candidates, themes)).items()
        }
        items = tuple(
            replace(
                self._item(c, themes[c.theme_id], before.get(c.theme_id, 0), named, quotes),
                subthemes=tuple(parts[0].get(c.theme_id, [])),
                services=tuple(parts[1].get(c.theme_id, [])),
                campaign=tuple(campaign_step(r) for r in campaigns.get(c.theme_id, [])),
            )
            for c in shown
        )
        return Digest(scope_label, start, end, self.min_people, items)

    async def _parts(
        self, session: AsyncSession, ids: list[int], scope: Scope, start: datetime, end: datetime
    ) -> tuple[dict[int, list[GroupCount]], dict[int, list[GroupCount]]]:
        """Each theme's biggest sub-themes and its spread across work areas, each part only
        where at least ``min_people`` reporters share it. They count the same reports as
        the theme lines (a circle's: its chats' and its members' since joining), so a part
        never outnumbers its theme; they never describe fewer people."""
        circle, place = scope.circle_id, scope.place_key
        subs = await theme_store.subtheme_spread(
            session, ids, start, end, circle_id=circle, place_key=place
        )
        areas = await theme_store.service_spread(
            session, ids, start, end, circle_id=circle, place_key=place
        )
        return self._shown(subs, SUBTHEMES_PER_THEME), self._shown(areas, None)

    def _shown(
        self, rows: list[theme_store.Spread], limit: int | None
    ) -> dict[int, list[GroupCount]]:
        out: dict[int, list[GroupCount]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: (-r.reporters, r.title, r.key)):
            if not self.rule.shows(row.reporters) or len(out[row.theme_id]) == (limit or -1):
                continue
            group = int(row.key) if row.key.isdigit() and limit else None
            out[row.theme_id].append(GroupCount(part_title(row.title), row.reporters, group))
        return out

    async def _quotes(
        self, candidates: list[QuoteCandidate], themes: dict[int, Theme]
    ) -> dict[int, list[Marked]]:
        """Up to two quotes a theme, from its core sub-theme (the same barrier, not a
        neighbour the theme also holds): near its centre, from different people and places
        where there are any, never two near-identical ones (nlp.quotes.core_quotes);
        scrubbed, their places still to be judged against the theme's named places
        (``quote_text``)."""
        pools: dict[int, list[QuoteCandidate]] = defaultdict(list)
        for candidate in candidates:
            pools[candidate.theme_id].append(candidate)
        chosen = [
            pool[row]
            for theme_id, pool in pools.items()
            for row in core_quotes(*quote_space(pool, themes[theme_id]), n=QUOTES_PER_THEME)
        ]
        scrubbed = await self.scrubbed([(c.report_id, c.text) for c in chosen])
        out: dict[int, list[Marked]] = defaultdict(list)
        for candidate, clean in zip(chosen, scrubbed, strict=True):
            out[candidate.theme_id].append(clean)
        return out

    async def scrubbed(self, reports: list[tuple[int, str]]) -> list[Marked]:
        """Scrubbing runs the NER model, the slowest step of a digest; a quote's scrubbed
        form is kept (keyed by report id and a hash of its text, never the raw text), so the
        next digest that quotes the same report does not scrub it again."""
        keys = [(report, hashlib.sha256(text.encode()).digest()) for report, text in reports]
        missing = [i for i, key in enumerate(keys) if key not in self._scrubbed]
        cleaned = await self.nlp.scrub([reports[i][1] for i in missing]) if missing else []
        fresh = dict(zip([keys[i] for i in missing], cleaned, strict=True))
        for key, clean in fresh.items():
            if key[0] not in self._removed:  # removed while this digest was scrubbing
                self._scrubbed[key] = clean
        out = [fresh[key] if key in fresh else self._scrubbed[key] for key in keys]
        while len(self._scrubbed) > SCRUB_CACHE:
            self._scrubbed.popitem(last=False)
        return out

    def forget_quotes(self, report_ids: list[int]) -> None:
        """Those reports were withdrawn or their author forgot everything: /forget leaves
        nothing built from their words, in memory either. A digest that read them before
        the removal committed may still be scrubbing them; it will not keep them."""
        if len(self._removed) + len(report_ids) > REMOVED_KEPT:
            self._removed.clear()  # with the whole cache, so nothing removed stays
            self._scrubbed.clear()
        self._removed.update(report_ids)
        for key in [k for k in self._scrubbed if k[0] in self._removed]:
            del self._scrubbed[key]

    def _item(
        self,
        c: ThemeCounts,
        theme: Theme,
        previous: int,
        named: dict[int, list[NamedPlace]],
        quotes: dict[int, list[str]],
    ) -> DigestTheme:
        rule = self.rule
        people = rule.people(cell_of(c)) or c.reporters
        return DigestTheme(
            theme_id=c.theme_id,
            title=theme.name or theme.label or f"theme #{c.theme_id}",
            label=theme.label,
            demand=theme.demand,
            people=people,
            places=c.places,
            circles=c.circles,
            reports=c.reports,
            me_too=rule.number(c.me_too),
            named_places=tuple(named.get(c.theme_id, [])),
            trend=trend_of(people, previous, rule),
            previous_people=rule.number(previous),
            quotes=tuple(quotes.get(c.theme_id, [])),
            latest=c.latest,
        )
