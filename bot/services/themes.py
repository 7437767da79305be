"""Themes: assigning each new report to one, re-clustering, labels, and "me too"s.

Two levels: a report joins the nearest *sub-theme* when it is close enough (the same
specific barrier), else the nearest *theme* when that is close enough (the same campaign,
in a new sub-theme), else it opens a theme of its own. Two in-memory ``ThemeIndex``es
mirror the live centroids so a new report is placed without a pass over all reports; they
are changed only after the database commit succeeds (reloaded if it fails).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from nlp.analysis import Analysis, vector_from_bytes, vector_to_bytes
from nlp.cluster import THEME_SIMILARITY, ThemeIndex, similarity_threshold, theme_join_threshold
from nlp.labels import ReportPhrases
from storage import people as people_store
from storage import themes as store
from storage.db import Database
from storage.models import Subtheme, Theme

log = logging.getLogger("groundswell.themes")


@dataclass(frozen=True)
class Placement:
    theme_id: int
    similarity: float
    subtheme_id: int | None = None


NOT_PLACED = Placement(0, 0.0, None)  # not a barrier: kept for review, in no theme


@dataclass
class LevelPlan:
    """What a batch adds to one level (themes or sub-themes), keyed by (provisional) id."""

    opened: list[int] = field(default_factory=list)  # provisional ids (below 0) of new ones
    added: dict[int, NDArray[np.float32]] = field(default_factory=dict)  # vector sums
    counts: dict[int, int] = field(default_factory=dict)

    def add(self, key: int, analysis: Analysis) -> None:
        before = self.added.get(key)
        self.added[key] = analysis.vector if before is None else before + analysis.vector
        self.counts[key] = self.counts.get(key, 0) + 1

    def label(self, key: int) -> str:
        """A new theme or sub-theme has one reporter, so no label: labels come only from
        words ``min_people`` reporters used (nlp.labels), derived after commit."""
        return ""


@dataclass
class BatchPlan:
    """Where a batch's reports go, before the database has seen any of it."""

    chosen: list[tuple[int, int, float]] = field(default_factory=list)  # theme, sub, sim
    themes: LevelPlan = field(default_factory=LevelPlan)
    subthemes: LevelPlan = field(default_factory=LevelPlan)
    parent: dict[int, int] = field(default_factory=dict)  # new sub-theme -> its theme

    def add(self, theme_id: int, subtheme_id: int, similarity: float, analysis: Analysis) -> None:
        self.chosen.append((theme_id, subtheme_id, similarity))
        self.themes.add(theme_id, analysis)
        self.subthemes.add(subtheme_id, analysis)


class ThemesRetired(Exception):
    """Another process re-clustered while this one placed reports: reload and try again."""


class ThemeService:
    def __init__(self, db: Database, settings: Settings, dim: int) -> None:
        self.db = db
        self.settings = settings
        self.dim = dim  # the width of the vectors this process's pipeline makes
        self.index = ThemeIndex(dim=dim)
        self.subindex = ThemeIndex(dim=dim)
        self.parent: dict[int, int] = {}  # sub-theme -> theme
        self.lock = asyncio.Lock()  # one placement at a time keeps centroids consistent
        self.last_seen_id = 0
        self.last_seen_sub = 0
        self.placed = 0  # reports in live themes, as this process knows it
        self.listeners: list[Callable[[int], None]] = []  # told of each committed placement
        self.stale = False  # placements were rolled back: rebuild before the next one

    @property
    def threshold(self) -> float:
        """To join a sub-theme: the same specific barrier."""
        return similarity_threshold(self.settings.theme_granularity)

    def theme_threshold(self, theme_id: int) -> float:
        """To join a theme in a new sub-theme: the same campaign. An established theme's
        centre averages many reports, so the bar follows its size (nlp.cluster)."""
        base = similarity_threshold(self.settings.theme_granularity, THEME_SIMILARITY)
        return theme_join_threshold(self.index.size(theme_id), base)

    async def load(self) -> None:
        async with self.db.reading() as session:
            themes = await store.live_themes(session)
            subthemes = await store.live_subthemes(session)
        for index in (self.index, self.subindex):
            index.clear()
        self.parent.clear()
        self.last_seen_id = self.last_seen_sub = 0
        self.placed = sum(theme.size or 0 for theme in themes)
        self._add_to_index(themes, subthemes)

    def committed(self, count: int) -> None:
        """Reports were placed and committed: listeners (the automatic re-cluster) may act."""
        self.placed += count
        for listener in self.listeners:
            listener(self.placed)

    def _add_to_index(self, themes: list[Theme], subthemes: list[Subtheme]) -> None:
        """Themes whose centroids come from another representation (another model) are
        left out until `groundswell recluster` re-embeds their reports."""
        stale = 0
        for theme in themes:
            self.last_seen_id = max(self.last_seen_id, theme.id)
            stale += not self._index_row(self.index, theme.id, theme.centroid, theme.size or 0)
        live = set(self.index.ids)
        for sub in subthemes:
            self.last_seen_sub = max(self.last_seen_sub, sub.id)
            if sub.theme_id in live and self._index_row(self.subindex, sub.id, sub.centroid):
                self.parent[sub.id] = sub.theme_id
        if stale:
            log.warning(
                "%d themes were made with another model; run `groundswell recluster`", stale
            )

    def _index_row(
        self, index: ThemeIndex, key: int, centroid: bytes | None, size: int = 0
    ) -> bool:
        """False when the stored centroid has another width (made by another model)."""
        if not centroid:
            return True
        vector = vector_from_bytes(centroid)
        if len(vector) != self.dim:
            return False
        index.add(key, vector, size)
        return True

    async def place_batch(self, session: AsyncSession, analyses: list[Analysis]) -> list[Placement]:
        """Place reports in one transaction (caller holds the lock), in a fixed handful of
        statements however large the batch. Other processes may share the database: their
        new themes are picked up first, and every touched centre is read (row-locked) and
        written once. The indexes see each placement at once so later reports can join
        themes opened earlier in the batch; the caller reloads them if the transaction
        fails (or, in a group commit, marks them stale: they are rebuilt here, in this
        transaction)."""
        if self.stale:
            for index in (self.index, self.subindex):
                index.clear()
            self.parent.clear()
            self.last_seen_id = self.last_seen_sub = 0
            self.stale = False
        self._add_to_index(
            await store.themes_after(session, self.last_seen_id),
            await store.subthemes_after(session, self.last_seen_sub),
        )
        batch = self._assign([a for a in analyses if not a.not_barrier])
        await self._grow_existing(session, batch)
        theme_ids = await self._open_themes(session, batch)
        sub_ids = await self._open_subthemes(session, batch, theme_ids)
        placed = iter(
            Placement(theme_ids.get(t, t), similarity, sub_ids.get(s, s))
            for t, s, similarity in batch.chosen
        )
        return [NOT_PLACED if a.not_barrier else next(placed) for a in analyses]

    def _assign(self, analyses: list[Analysis]) -> BatchPlan:
        """Nearest sub-theme, else nearest theme, else a new theme, for each report in
        memory; new ones get provisional ids below 0."""
        batch = BatchPlan()
        for analysis in analyses:
            vector = analysis.vector
            sub_id, sub_sim = self.subindex.nearest(vector)
            theme_id, similarity = self.index.nearest(vector)
            if sub_id is not None and sub_sim >= self.threshold:
                theme_id = self.parent[sub_id]
                similarity = max(similarity, sub_sim)
            else:
                if theme_id is None or similarity < self.theme_threshold(theme_id):
                    theme_id, similarity = -1 - len(batch.themes.opened), 1.0
                    batch.themes.opened.append(theme_id)
                    self.index.add(theme_id, np.zeros_like(vector))
                sub_id = -1 - len(batch.subthemes.opened)
                batch.subthemes.opened.append(sub_id)
                batch.parent[sub_id] = theme_id
                self.parent[sub_id] = theme_id
                self.subindex.add(sub_id, np.zeros_like(vector))
            self.index.absorb(theme_id, vector)
            self.subindex.absorb(sub_id, vector)
            batch.add(theme_id, sub_id, similarity, analysis)
        return batch

    async def _grow_existing(self, session: AsyncSession, batch: BatchPlan) -> None:
        joined = [theme_id for theme_id in batch.themes.added if theme_id > 0]
        current = await store.lock_centroids(session, joined)
        if len(current) < len(joined):
            raise ThemesRetired(sorted(set(joined) - current.keys()))
        await store.grow_themes(session, self._grown(self.index, batch.themes, joined, current))
        subs = [sub_id for sub_id in batch.subthemes.added if sub_id > 0]
        current = await store.lock_subtheme_centroids(session, subs)
        if len(current) < len(subs):
            raise ThemesRetired(sorted(set(subs) - current.keys()))
        grown = self._grown(self.subindex, batch.subthemes, subs, current)
        await store.grow_subthemes(session, grown)

    @staticmethod
    def _grown(
        index: ThemeIndex, plan: LevelPlan, keys: list[int], current: dict[int, bytes]
    ) -> list[tuple[int, bytes, int]]:
        rows = []
        for key in keys:
            vector_sum = vector_from_bytes(current[key]) + plan.added[key]
            index.set_sum(key, vector_sum)
            rows.append((key, vector_to_bytes(vector_sum), plan.counts[key]))
        return rows

    async def _open_themes(self, session: AsyncSession, batch: BatchPlan) -> dict[int, int]:
        """Insert the batch's new themes together and give them their real ids."""
        plan = batch.themes
        rows = [
            (plan.label(t), vector_to_bytes(plan.added[t]), plan.counts[t]) for t in plan.opened
        ]
        created = await store.create_themes(session, rows)
        real_ids = dict(zip(plan.opened, created, strict=True))
        for provisional, real in real_ids.items():
            self.index.rename(provisional, real)
            self.last_seen_id = max(self.last_seen_id, real)
        return real_ids

    async def _open_subthemes(
        self, session: AsyncSession, batch: BatchPlan, theme_ids: dict[int, int]
    ) -> dict[int, int]:
        plan = batch.subthemes
        rows = []
        for sub in plan.opened:
            theme = theme_ids.get(batch.parent[sub], batch.parent[sub])
            rows.append(
                (theme, plan.label(sub), vector_to_bytes(plan.added[sub]), plan.counts[sub])
            )
        created = await store.create_subthemes(session, rows)
        real_ids = dict(zip(plan.opened, created, strict=True))
        for provisional, real in real_ids.items():
            self.subindex.rename(provisional, real)
            self.parent[real] = theme_ids.get(
                self.parent.pop(provisional), batch.parent[provisional]
            )
            self.last_seen_sub = max(self.last_seen_sub, real)
        # sub-themes already known whose theme was opened in this batch cannot exist
        return real_ids

    def forget_index(self) -> None:
        """The group commit rolled back placements the index saw: the next placement
        rebuilds it inside its own transaction (no extra round trip, no lock to wait for)."""
        self.stale = True

    async def get(self, theme_id: int) -> Theme | None:
        async with self.db.reading() as session:
            return await store.get_theme(session, theme_id)

    async def subtheme_spread(
        self, theme_id: int, start: datetime, end: datetime
    ) -> list[store.Spread]:
        """Reporters per sub-theme of one theme in the period (callers apply min_people)."""
        async with self.db.reading() as session:
            return await store.subtheme_spread(session, [theme_id], start, end)

    async def endorse(self, theme_id: int, person_id: int, place_key: str | None) -> bool:
        async with self.db.transaction() as session:
            return await store.endorse(session, theme_id, person_id, place_key)

    async def backed_by(self, person_id: int) -> set[int]:
        """The themes the person already stands behind, by a report or a "me too": ids
        only, so /themes need not load their reports to leave those without a button."""
        async with self.db.reading() as session:
            reported = await people_store.theme_ids_of(session, person_id)
            endorsed = await store.endorsed_theme_ids(session, person_id)
        return {*reported, *endorsed}


def group_phrases(rows: list[tuple[int, int, list[str]]]) -> dict[int, list[ReportPhrases]]:
    """(theme or sub-theme, reporter, phrases) rows as nlp.labels takes them."""
    grouped: dict[int, list[ReportPhrases]] = defaultdict(list)
    for theme_id, reporter, phrases in rows:
        grouped[theme_id].append((reporter, list(phrases)))
    return grouped
