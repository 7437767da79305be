"""Re-clustering all reports: merges and splits themes while keeping ids stable."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from bot.nlp_worker import NlpWorker
from bot.services.themes import ThemeService, group_phrases
from nlp.analysis import vector_from_bytes, vector_to_bytes
from nlp.cluster import cluster_vectors, normalise
from nlp.stable import inherit_ids
from storage import curation as curation_store
from storage import locks
from storage import reports as report_store
from storage import themes as store
from storage.db import Database

VectorRow = tuple[int, bytes | None, int | None]
Matrix = NDArray[np.float32]


@dataclass(frozen=True)
class ReclusterSummary:
    reports: int
    themes_before: int
    themes_after: int
    kept_ids: int


def _theme_ids_for(
    clusters: NDArray[np.int64], inherited: dict[int, int], fresh: dict[int, int]
) -> list[int]:
    return [inherited.get(int(c), fresh.get(int(c), -1)) for c in clusters]


class Reclusterer:
    def __init__(self, db: Database, themes: ThemeService, nlp: NlpWorker) -> None:
        self.db = db
        self.themes = themes
        self.nlp = nlp

    async def run(self) -> ReclusterSummary:
        """The database lease keeps two processes (say a bot and a worker) from re-clustering
        at once and overwriting each other's theme assignments."""
        async with locks.held(self.db, "recluster"), self.themes.lock:
            summary = await self._run_locked()
            await self.themes.load()
        return summary

    async def _run_locked(self) -> ReclusterSummary:
        async with self.db.transaction() as session:
            rows = [r for r in await report_store.all_report_vectors(session) if r[1] is not None]
            before = len(await store.live_themes(session))
            pinned = await curation_store.curated_theme_ids(session)
        if not rows:
            return ReclusterSummary(0, before, before, 0)
        vectors = await self._current_vectors(rows)
        settings = self.themes.settings
        clusters = await asyncio.to_thread(
            cluster_vectors, vectors, settings.theme_granularity, settings.seed
        )
        clusters = pin_clusters([t for _, _, t in rows], clusters, pinned)
        inherited = inherit_ids([t for _, _, t in rows], [int(c) for c in clusters])
        async with self.db.transaction() as session:
            fresh = {}
            for cluster in sorted(set(int(c) for c in clusters) - set(inherited)):
                fresh[cluster] = (await store.create_theme(session, "", b"")).id
            theme_of = _theme_ids_for(clusters, inherited, fresh)
            await self._write(session, rows, vectors, theme_of)
            after = len(await store.live_themes(session))
        return ReclusterSummary(len(rows), before, after, len(inherited))

    async def _current_vectors(self, rows: list[VectorRow]) -> Matrix:
        """Stored vectors, re-embedding (and re-storing) any made by another model."""
        vectors = [vector_from_bytes(v) for _, v, _ in rows if v is not None]
        stale = [i for i, v in enumerate(vectors) if len(v) != self.themes.dim]
        if stale:
            ids = [rows[i][0] for i in stale]
            async with self.db.reading() as session:
                texts = await report_store.report_texts(session, ids)
            fresh = await self.nlp.analyse([texts[r] for r in ids])
            for position, analysis in zip(stale, fresh, strict=True):
                vectors[position] = analysis.vector
            async with self.db.transaction() as session:
                await report_store.set_vectors(
                    session, {r: vector_to_bytes(a.vector) for r, a in zip(ids, fresh, strict=True)}
                )
        return np.vstack(vectors)

    async def _write(
        self, session: AsyncSession, rows: list[VectorRow], vectors: Matrix, theme_of: list[int]
    ) -> None:
        report_ids = [r for r, _, _ in rows]
        sims = _similarities(vectors, theme_of)
        await store.replace_assignments(
            session, dict(zip(report_ids, theme_of, strict=True)), sims_by(report_ids, sims)
        )
        live = set(theme_of)
        moves = _retired_moves([t for _, _, t in rows], theme_of, live)
        await store.move_endorsements(session, moves)
        for theme in await store.live_themes(session):
            if theme.id not in live:
                theme.merged_into = moves.get(theme.id, -1)
        await _update_centroids(session, vectors, theme_of)
        phrases = group_phrases(await report_store.theme_phrases(session))
        labels = await self.nlp.labels(phrases, self.themes.settings.min_people)
        await self.themes.relabel(session, labels)


def pin_clusters(
    old_theme_of: list[int | None], clusters: NDArray[np.int64], pinned: set[int]
) -> NDArray[np.int64]:
    """Reports of a theme an organiser curated (named, merged, split, hid) keep it: each such
    theme becomes a cluster of its own, which ``inherit_ids`` then maps back to its id."""
    out = np.array(clusters, dtype=np.int64, copy=True)
    next_label = int(out.max(initial=-1)) + 1
    label_of: dict[int, int] = {}
    for i, old in enumerate(old_theme_of):
        if old is not None and old in pinned:
            if old not in label_of:
                label_of[old] = next_label
                next_label += 1
            out[i] = label_of[old]
    return out


def sims_by(report_ids: list[int], sims: list[float]) -> dict[int, float]:
    return dict(zip(report_ids, sims, strict=True))


def _similarities(vectors: NDArray[np.float32], theme_of: list[int]) -> list[float]:
    centroids = _centroids(vectors, theme_of)
    return [float(vectors[i] @ centroids[t]) for i, t in enumerate(theme_of)]


def _centroids(vectors: NDArray[np.float32], theme_of: list[int]) -> dict[int, NDArray[np.float32]]:
    sums: dict[int, NDArray[np.float32]] = {}
    for i, theme in enumerate(theme_of):
        sums[theme] = sums.get(theme, np.zeros(vectors.shape[1], np.float32)) + vectors[i]
    return {t: normalise(s) for t, s in sums.items()}


def _retired_moves(old: list[int | None], new: list[int], live: set[int]) -> dict[int, int]:
    """Each retired theme points at the theme that took most of its reports."""
    flows: dict[int, Counter[int]] = defaultdict(Counter)
    for o, n in zip(old, new, strict=True):
        if o is not None and o not in live:
            flows[o][n] += 1
    return {o: c.most_common(1)[0][0] for o, c in flows.items()}


async def _update_centroids(session: AsyncSession, vectors: Matrix, theme_of: list[int]) -> None:
    sums: dict[int, NDArray[np.float32]] = {}
    sizes: Counter[int] = Counter(theme_of)
    for i, theme_id in enumerate(theme_of):
        sums[theme_id] = sums.get(theme_id, np.zeros(vectors.shape[1], np.float32)) + vectors[i]
    for theme in await store.live_themes(session):
        if theme.id in sums:
            theme.centroid = vector_to_bytes(sums[theme.id])
            theme.size = sizes[theme.id]
