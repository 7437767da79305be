"""Themes: assigning each new report to one, re-clustering, labels, and "me too"s.

The in-memory ``ThemeIndex`` mirrors the live themes' centroids so a new report is placed
without a pass over all reports; it is changed only after the database commit succeeds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from nlp.analysis import Analysis, vector_from_bytes, vector_to_bytes
from nlp.cluster import ThemeIndex, similarity_threshold
from nlp.labels import label_themes
from storage import themes as store
from storage.db import Database
from storage.models import Theme

log = logging.getLogger("groundswell.themes")


@dataclass(frozen=True)
class Placement:
    theme_id: int
    similarity: float
    is_new: bool
    vector_sum: NDArray[np.float32]


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
        async with self.db.transaction() as session:
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
        """Place reports in one transaction (caller holds the lock). Other processes may share
        the database: their new themes are picked up first, and each touched theme's centre
        is read (row-locked) and written once, not once per report. The index sees each placement
        at once so later reports can join themes opened earlier in the batch; the caller
        reloads it if the transaction fails."""
        self._add_to_index(await store.themes_after(session, self.last_seen_id))
        sums: dict[int, NDArray[np.float32]] = {}
        grown: dict[int, int] = {}
        placements = []
        for analysis in analyses:
            placement = await self._place_in_batch(session, analysis, sums)
            if not placement.is_new:
                grown[placement.theme_id] = grown.get(placement.theme_id, 0) + 1
            placements.append(placement)
        for theme_id, count in grown.items():
            await store.grow_theme(session, theme_id, vector_to_bytes(sums[theme_id]), count)
        return placements

    async def _place_in_batch(
        self, session: AsyncSession, analysis: Analysis, sums: dict[int, NDArray[np.float32]]
    ) -> Placement:
        theme_id, similarity = self.index.nearest(analysis.vector)
        if theme_id is not None and similarity >= self.threshold and theme_id not in sums:
            current = await store.lock_centroid(session, theme_id)
            if current:
                sums[theme_id] = vector_from_bytes(current)
            else:
                self.index.remove(theme_id)  # retired by another process's re-clustering
                return await self._place_in_batch(session, analysis, sums)
        if theme_id is not None and similarity >= self.threshold:
            sums[theme_id] = sums[theme_id] + analysis.vector
            self.index.set_sum(theme_id, sums[theme_id])
            return Placement(theme_id, similarity, False, sums[theme_id])
        label = label_themes({0: [analysis.phrases]}).get(0, "unlabelled")
        theme = await store.create_theme(session, label, vector_to_bytes(analysis.vector))
        placement = Placement(theme.id, 1.0, True, analysis.vector)
        self.commit_placement(placement)
        return placement

    def commit_placement(self, placement: Placement) -> None:
        """After the transaction commits, let the index see the change."""
        if placement.theme_id not in self.index.ids:
            self.last_seen_id = max(self.last_seen_id, placement.theme_id)
            self.index.add(placement.theme_id, placement.vector_sum)
            return
        self.index.set_sum(placement.theme_id, placement.vector_sum)

    async def get(self, theme_id: int) -> Theme | None:
        async with self.db.transaction() as session:
            return await store.get_theme(session, theme_id)

    async def endorse(self, theme_id: int, person_id: int, place_key: str | None) -> bool:
        async with self.db.transaction() as session:
            return await store.endorse(session, theme_id, person_id, place_key)

    async def relabel(self, session: AsyncSession, phrases: dict[int, list[list[str]]]) -> None:
        labels = label_themes(phrases)
        for theme in await store.live_themes(session):
            if theme.id in labels:
                theme.label = labels[theme.id]


def group_phrases(rows: list[tuple[int, list[str]]]) -> dict[int, list[list[str]]]:
    grouped: dict[int, list[list[str]]] = defaultdict(list)
    for theme_id, phrases in rows:
        grouped[theme_id].append(list(phrases))
    return grouped
