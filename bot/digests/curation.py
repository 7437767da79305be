"""Organisers shaping themes: name, demand, merge, split, hide; every change logged.

Each change holds the theme lock and reloads the in-memory theme index afterwards, so a
report arriving meanwhile is never placed in a theme that has just been merged away.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.themes import ThemeService
from nlp.analysis import vector_from_bytes, vector_to_bytes
from nlp.cluster import cluster_vectors, normalise
from storage import curation as store
from storage import themes as theme_store
from storage.db import Database
from storage.models import Theme

SPLIT_GRANULARITIES = (2.0, 4.0, 8.0)


class CurationError(Exception):
    """The change cannot be made; the message says why."""


class Curator:
    def __init__(self, db: Database, themes: ThemeService) -> None:
        self.db = db
        self.themes = themes

    async def _live(self, session: AsyncSession, theme_id: int) -> Theme:
        theme = await theme_store.get_theme(session, theme_id)
        if theme is None:
            raise CurationError(f"There's no theme #{theme_id}.")
        return theme

    async def set_text(self, actor: str, theme_id: int, field: str, text: str) -> Theme:
        async with self.db.transaction() as session:
            theme = await self._live(session, theme_id)
            before = getattr(theme, field)
            await store.set_theme_text(session, theme_id, field, text)
            await store.log(session, actor, field, theme_id, detail={"from": before, "to": text})
            await session.refresh(theme)
        return theme

    async def hide_theme(self, actor: str, theme_id: int) -> None:
        async with self.db.transaction() as session:
            await self._live(session, theme_id)
            await store.hide_theme(session, theme_id)
            await store.log(session, actor, "hide", theme_id)

    async def hide_report(self, actor: str, report_id: int) -> bool:
        async with self.db.transaction() as session:
            hidden = await store.hide_report(session, report_id)
            if hidden:
                await store.log(session, actor, "hide_report", report_id=report_id)
        return hidden

    async def move_report(
        self, actor: str, report_id: int, theme_id: int | None, subtheme_id: int | None = None
    ) -> tuple[int, int]:
        """Put one report in a theme (its nearest sub-theme there) or in a given sub-theme,
        including a report kept out as "not a barrier". Logged, so re-clustering keeps it."""
        async with self.themes.lock:
            async with self.db.transaction() as session:
                target = await self._target(session, report_id, theme_id, subtheme_id)
                await store.place_report(session, report_id, *target)
                detail = {"subtheme": target[1]}
                await store.log(session, actor, "move", target[0], report_id, detail=detail)
            await self.themes.load()
        return target

    async def _target(
        self, session: AsyncSession, report_id: int, theme_id: int | None, subtheme_id: int | None
    ) -> tuple[int, int]:
        vector = await store.report_vector(session, report_id)
        if vector is None:
            raise CurationError(f"There's no report #{report_id}.")
        if subtheme_id is not None:
            sub = await theme_store.get_subtheme(session, subtheme_id)
            if sub is None:
                raise CurationError(f"There's no sub-theme #{subtheme_id}.")
            return sub.theme_id, sub.id
        assert theme_id is not None
        await self._live(session, theme_id)
        subs = await theme_store.subthemes_of(session, [theme_id])
        if not subs:
            made = await theme_store.create_subthemes(session, [(theme_id, "", b"", 0)])
            return theme_id, made[0]
        own = vector_from_bytes(vector)
        scores = [_similarity(own, sub.centroid) for sub in subs]
        return theme_id, subs[int(np.argmax(scores))].id

    async def promote(self, actor: str, subtheme_id: int) -> int:
        """A sub-theme becomes a theme of its own (keeping its reports); logged, so it stays
        one after re-clustering. Returns the new theme's id."""
        async with self.themes.lock:
            async with self.db.transaction() as session:
                sub = await theme_store.get_subtheme(session, subtheme_id)
                if sub is None:
                    raise CurationError(f"There's no sub-theme #{subtheme_id}.")
                old = await self._live(session, sub.theme_id)
                if len(await theme_store.subthemes_of(session, [old.id])) < 2:
                    raise CurationError(f"Sub-theme #{subtheme_id} is already all of its theme.")
                new_id = await store.promote_subtheme(session, sub, old)
                detail = {"subtheme": sub.id, "from": old.id}
                await store.log(session, actor, "promote", new_id, detail=detail)
            await self.themes.load()
        return new_id

    async def not_barriers(self) -> list[tuple[int, str]]:
        """(report id, raw text) of the latest messages kept out of themes; the caller
        scrubs the text before anyone sees it."""
        async with self.db.reading() as session:
            return [(r.id, r.text) for r in await store.not_barriers(session)]

    async def merge(self, actor: str, survivor_id: int, absorbed_id: int) -> Theme:
        if survivor_id == absorbed_id:
            raise CurationError("Those are the same theme.")
        async with self.themes.lock:
            async with self.db.transaction() as session:
                survivor = await self._live(session, survivor_id)
                absorbed = await self._live(session, absorbed_id)
                await store.move_reports(session, absorbed_id, survivor_id)
                await theme_store.move_endorsements(session, {absorbed_id: survivor_id})
                _absorb(survivor, absorbed)
                detail = {"absorbed": absorbed_id}
                await store.log(session, actor, "merge", survivor_id, detail=detail)
            await self.themes.load()
        return survivor

    async def split(self, actor: str, theme_id: int) -> list[int]:
        """Re-cluster inside one theme, finer each try; the largest part keeps the id."""
        async with self.themes.lock:
            async with self.db.transaction() as session:
                theme = await self._live(session, theme_id)
                rows = await store.theme_report_vectors(session, theme_id)
                parts = await _finer_clusters([v for _, v, _ in rows])
                if parts is None:
                    raise CurationError(f"Theme #{theme_id}'s reports are too alike to split.")
                ids = await self._write_split(session, theme, rows, parts)
                await store.log(session, actor, "split", theme_id, detail={"into": ids})
            await self.themes.load()
        return ids

    async def _write_split(
        self,
        session: AsyncSession,
        theme: Theme,
        rows: Sequence[tuple[int, bytes, list[str]]],
        parts: list[int],
    ) -> list[int]:
        order = [c for c, _ in Counter(parts).most_common()]
        theme_of = {order[0]: theme.id}
        sub_of: dict[int, int] = {}
        for cluster in order[1:]:
            theme_of[cluster] = (await theme_store.create_theme(session, "", b"")).id
            rows_of = [(theme_of[cluster], "", b"", 0)]
            sub_of[cluster] = (await theme_store.create_subthemes(session, rows_of))[0]
        placed = list(zip(rows, parts, strict=True))
        await store.assign_reports(
            session,
            {r: theme_of[c] for (r, _, _), c in placed},
            {r: sub_of[c] for (r, _, _), c in placed if c in sub_of},
        )
        await _refresh_parts(session, rows, parts, theme_of)
        return [theme_of[c] for c in order]


def _similarity(vector: NDArray[np.float32], centroid: bytes | None) -> float:
    if not centroid:
        return -1.0
    centre = vector_from_bytes(centroid)
    return float(normalise(vector) @ normalise(centre)) if len(centre) == len(vector) else -1.0


def _absorb(survivor: Theme, absorbed: Theme) -> None:
    """Centroids are stored as sums, so the merged centre is the sum of both."""
    if survivor.centroid and absorbed.centroid:
        total = vector_from_bytes(survivor.centroid) + vector_from_bytes(absorbed.centroid)
        survivor.centroid = vector_to_bytes(total)
    survivor.size = (survivor.size or 0) + (absorbed.size or 0)
    absorbed.merged_into = survivor.id


async def _finer_clusters(vectors: list[bytes]) -> list[int] | None:
    if len(vectors) < 2:
        return None
    matrix = np.vstack([vector_from_bytes(v) for v in vectors])
    for granularity in SPLIT_GRANULARITIES:
        labels = await asyncio.to_thread(cluster_vectors, matrix, granularity)
        if len(set(labels.tolist())) > 1:
            return [int(x) for x in labels]
    return None


async def _refresh_parts(
    session: AsyncSession,
    rows: Sequence[tuple[int, bytes, list[str]]],
    parts: list[int],
    theme_of: dict[int, int],
) -> None:
    """New centroids, sizes and labels for every part of a split."""
    sums: dict[int, NDArray[np.float32]] = {}
    phrases: dict[int, list[list[str]]] = defaultdict(list)
    for (_, vector, words), cluster in zip(rows, parts, strict=True):
        tid = theme_of[cluster]
        vec = vector_from_bytes(vector)
        sums[tid] = sums[tid] + vec if tid in sums else vec
        phrases[tid].append(words)
    for tid, total in sums.items():
        theme = await session.get(Theme, tid)
        assert theme is not None
        theme.centroid = vector_to_bytes(total)
        theme.size = len(phrases[tid])
        theme.label = ""  # re-derived after commit from enough reporters' words (nlp.labels)
