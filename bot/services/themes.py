"""Themes: assigning each new report to one, re-clustering, labels, and "me too"s.

The in-memory ``ThemeIndex`` mirrors the live themes' centroids so a new report is placed
without a pass over all reports; it is changed only after the database commit succeeds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from nlp.analysis import Analysis, vector_from_bytes, vector_to_bytes
from nlp.cluster import ThemeIndex, similarity_threshold
from nlp.labels import ReportPhrases
from storage import themes as store
from storage.db import Database
from storage.models import Theme

log = logging.getLogger("groundswell.themes")


@dataclass(frozen=True)
class Placement:
    theme_id: int
    similarity: float


@dataclass
class BatchPlan:
    """Where a batch's reports go, before the database has seen any of it."""

    chosen: list[tuple[int, float]] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)  # provisional ids of new themes
    added: dict[int, NDArray[np.float32]] = field(default_factory=dict)  # vectors per theme
    counts: dict[int, int] = field(default_factory=dict)

    def add(self, theme_id: int, similarity: float, analysis: Analysis) -> None:
        self.chosen.append((theme_id, similarity))
        before = self.added.get(theme_id)
        self.added[theme_id] = analysis.vector if before is None else before + analysis.vector
        self.counts[theme_id] = self.counts.get(theme_id, 0) + 1


class ThemesRetired(Exception):
    """Another process re-clustered while this one placed reports: reload and try again."""


class ThemeService:
    def __init__(self, db: Database, settings: Settings, dim: int) -> None:
        self.db = db
        self.settings = settings
        self.dim = dim  # the width of the vectors this process's pipeline makes
        self.index = ThemeIndex(dim=dim)
        self.lock = asyncio.Lock()  # one placement at a time keeps centroids consistent
        self.last_seen_id = 0

    @property
    def threshold(self) -> float:
        return similarity_threshold(self.settings.theme_granularity)

    async def load(self) -> None:
        async with self.db.reading() as session:
            themes = await store.live_themes(session)
        self.index.clear()
        self.last_seen_id = 0
        self._add_to_index(themes)

    def _add_to_index(self, themes: list[Theme]) -> None:
        """Themes whose centroids come from another representation (another model) are
        left out until `groundswell recluster` re-embeds their reports."""
        stale = 0
        for theme in themes:
            self.last_seen_id = max(self.last_seen_id, theme.id)
            if not theme.centroid:
                continue
            vector = vector_from_bytes(theme.centroid)
            if len(vector) != self.dim:
                stale += 1
                continue
            self.index.add(theme.id, vector)
        if stale:
            log.warning(
                "%d themes were made with another model; run `groundswell recluster`", stale
            )

    async def place_batch(self, session: AsyncSession, analyses: list[Analysis]) -> list[Placement]:
        """Place reports in one transaction (caller holds the lock), in a fixed handful of
        statements however large the batch. Other processes may share the database: their
        new themes are picked up first, and every touched theme's centre is read (row-locked)
        and written once. The index sees each placement at once so later reports can join
        themes opened earlier in the batch; the caller reloads it if the transaction fails."""
        self._add_to_index(await store.themes_after(session, self.last_seen_id))
        batch = self._assign(analyses)
        await self._grow_existing(session, batch)
        real_ids = await self._open_new(session, batch)
        return [
            Placement(real_ids.get(theme_id, theme_id), similarity)
            for theme_id, similarity in batch.chosen
        ]

    def _assign(self, analyses: list[Analysis]) -> BatchPlan:
        """Nearest theme for each report in memory; new themes get provisional ids below 0."""
        batch = BatchPlan()
        for analysis in analyses:
            theme_id, similarity = self.index.nearest(analysis.vector)
            if theme_id is None or similarity < self.threshold:
                theme_id, similarity = -1 - len(batch.opened), 1.0
                batch.opened.append(theme_id)
                self.index.add(theme_id, analysis.vector)
            else:
                self.index.absorb(theme_id, analysis.vector)
            batch.add(theme_id, similarity, analysis)
        return batch

    async def _grow_existing(self, session: AsyncSession, batch: BatchPlan) -> None:
        joined = [theme_id for theme_id in batch.added if theme_id > 0]
        current = await store.lock_centroids(session, joined)
        if len(current) < len(joined):
            raise ThemesRetired(sorted(set(joined) - current.keys()))
        grown = []
        for theme_id in joined:
            vector_sum = vector_from_bytes(current[theme_id]) + batch.added[theme_id]
            self.index.set_sum(theme_id, vector_sum)
            grown.append((theme_id, vector_to_bytes(vector_sum), batch.counts[theme_id]))
        await store.grow_themes(session, grown)

    async def _open_new(self, session: AsyncSession, batch: BatchPlan) -> dict[int, int]:
        """Insert the batch's new themes together and give them their real ids. A new theme
        has no label: labels come only from words enough reporters used (nlp.labels), and
        are derived after commit (ReportService.relabel)."""
        rows = [("", vector_to_bytes(batch.added[t]), batch.counts[t]) for t in batch.opened]
        created = await store.create_themes(session, rows)
        real_ids = dict(zip(batch.opened, created, strict=True))
        for provisional, real in real_ids.items():
            self.index.rename(provisional, real)
            self.last_seen_id = max(self.last_seen_id, real)
        return real_ids

    async def get(self, theme_id: int) -> Theme | None:
        async with self.db.reading() as session:
            return await store.get_theme(session, theme_id)

    async def endorse(self, theme_id: int, person_id: int, place_key: str | None) -> bool:
        async with self.db.transaction() as session:
            return await store.endorse(session, theme_id, person_id, place_key)

    async def relabel(self, session: AsyncSession, labels: dict[int, str]) -> None:
        """Store labels made by ``NlpWorker.labels`` (nlp.labels); a live theme that got
        none (its words are no longer shared by enough reporters) loses its old one."""
        for theme in await store.live_themes(session):
            theme.label = labels.get(theme.id, "")


def group_phrases(rows: list[tuple[int, int, list[str]]]) -> dict[int, list[ReportPhrases]]:
    """(theme, reporter, phrases) rows as nlp.labels takes them."""
    grouped: dict[int, list[ReportPhrases]] = defaultdict(list)
    for theme_id, reporter, phrases in rows:
        grouped[theme_id].append((reporter, list(phrases)))
    return grouped
