"""Re-clustering all reports into themes and sub-themes, keeping ids stable at both levels
(names, demands, "me too"s and curation follow them) and organisers' curation in place."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from bot.background_cpu import BackgroundProcess
from bot.nlp_worker import NlpWorker
from bot.services.themes import ThemeService, group_phrases
from nlp.analysis import vector_from_bytes, vector_to_bytes
from nlp.labels import phrase_counts
from nlp.recluster import Levels, cluster_levels, group_sums, nearest_rows
from nlp.stable import inherit_ids, pin_levels
from nlp.unit import unit_rows
from storage import curation as curation_store
from storage import locks
from storage import reports as report_store
from storage import themes as store
from storage.db import Database
from storage.models import Subtheme, Theme

log = logging.getLogger("groundswell.recluster")

VectorRow = tuple[int, bytes | None, int | None, int | None]  # report, vector, theme, sub
AssignedRow = tuple[int, int | None, int | None]  # report, theme, sub-theme
Matrix = NDArray[np.float32]
LOCK_ATTEMPTS = 40  # pauses growing by LOCK_PAUSE up to half a second: about 18 s in all
LOCK_PAUSE = 0.05


@dataclass(frozen=True)
class Snapshot:
    """What the clustering saw: reports and their vectors, read before the theme lock."""

    report_ids: list[int]
    vectors: Matrix
    themes_before: int

    @property
    def rows(self) -> int:
        return len(self.report_ids)


@dataclass(frozen=True)
class ReclusterSummary:
    reports: int
    themes_before: int
    themes_after: int
    kept_ids: int
    subthemes_after: int = 0
    kept_subtheme_ids: int = 0


@dataclass(frozen=True)
class Assignment:
    """Every report's theme and sub-theme id after a re-cluster, in row order."""

    themes: list[int]
    subthemes: list[int]
    parent: dict[int, int]  # sub-theme id -> theme id


class Reclusterer:
    def __init__(
        self, db: Database, themes: ThemeService, nlp: NlpWorker, cpu: BackgroundProcess
    ) -> None:
        self.db = db
        self.themes = themes
        self.nlp = nlp
        self.cpu = cpu
        self.baseline: int | None = None  # reports placed at the last re-cluster
        self.task: asyncio.Task[None] | None = None
        themes.listeners.append(self.arrived)

    async def run(self, wait: float = 600.0) -> ReclusterSummary:
        """The database lease keeps two processes (say a bot and a worker) from re-clustering
        at once and overwriting each other's theme assignments. The clustering itself (a
        minute at 100,000 reports) runs on a snapshot in the background process *without* the theme
        lock, so reports keep being placed meanwhile; only applying the result takes the
        lock, and it first re-reads what changed since the snapshot (``_apply``). Labels
        are made after that commit (``_relabel``), so no lock is held while spaCy works."""
        async with locks.held(self.db, "recluster", wait=wait):
            snapshot = await self._snapshot()
            levels = await self._cluster(snapshot.vectors) if snapshot.rows else None
            async with self.themes.lock:
                summary = await _when_free(lambda: self._apply(snapshot, levels))
                await self.themes.load()
            try:
                await self._relabel()
            except store.ThemesBusy:  # the new themes are in place; only their names wait
                log.warning("themes stayed busy with reports; labels wait for the next relabel")
        self.baseline = self.themes.placed
        return summary

    def due(self, placed: int) -> bool:
        """Enough has arrived since the last re-cluster to change what people are told:
        ``auto_recluster_growth`` of the reports then, and at least ``_min_new`` of them."""
        growth = self.themes.settings.auto_recluster_growth
        if growth <= 0:
            return False
        if self.baseline is None:
            self.baseline = placed - 1  # this process starts counting at its first report
        needed = max(self.themes.settings.auto_recluster_min_new, growth * self.baseline)
        return placed - self.baseline >= needed

    def arrived(self, placed: int) -> None:
        """Start a re-cluster in the background when due: the clustering itself runs in a
        niced worker process, never on the event loop, and only one process at a time (the lease;
        a process that finds it taken skips this round)."""
        if self.task is None and self.due(placed):
            self.task = asyncio.get_running_loop().create_task(self._background())

    async def _background(self) -> None:
        try:
            await self.run(wait=0.0)
        except locks.LockBusy:
            log.info("another process is re-clustering; skipped this round")
        except store.ThemesBusy:  # a flood of reports: placing them matters more now
            log.warning("themes stayed busy with reports; re-clustering waits for more")
            self.baseline = self.themes.placed  # not again at once: after the usual growth
        except Exception:
            log.exception("automatic re-cluster failed; reports are still placed as they come")
        finally:
            self.task = None

    async def idle(self) -> None:
        """Wait for a background re-cluster to finish (tests, shutdown)."""
        while self.task is not None:
            await asyncio.shield(self.task)

    async def _snapshot(self) -> Snapshot:
        async with self.db.reading() as session:
            rows = [r for r in await report_store.all_report_vectors(session) if r[1] is not None]
            before = len(await store.live_themes(session))
        vectors = await self._current_vectors(rows) if rows else np.zeros((0, self.themes.dim))
        return Snapshot([r[0] for r in rows], vectors.astype(np.float32), before)

    async def _cluster(self, vectors: Matrix) -> Levels:
        """In the niced background process (bot.background_cpu), never this one."""
        settings = self.themes.settings
        return await self.cpu.run(
            cluster_levels, vectors, settings.theme_granularity, settings.seed
        )

    async def _apply(self, snapshot: Snapshot, levels: Levels | None) -> ReclusterSummary:
        """Under the theme lock: reports withdrawn since the snapshot are dropped, reports
        that arrived since join the nearest new sub-theme (and its theme), and curation
        and current assignments are read afresh, so a move made meanwhile is kept."""
        async with self.db.transaction() as session:
            await store.lock_live(session)  # before any write: see lock_live
            current = await report_store.report_assignments(session)
            pinned = await curation_store.curated_theme_ids(session)
            pinned_subs = await curation_store.curated_subtheme_ids(session)
            position = {r: i for i, r in enumerate(snapshot.report_ids)}
            arrived = [r for r, _, _ in current if r not in position]
            fresh = _same_width(
                await report_store.report_vectors(session, arrived), self.themes.dim
            )
            if levels is None and not fresh:
                return ReclusterSummary(0, snapshot.themes_before, snapshot.themes_before, 0)
            rows = [row for row in current if row[0] in position or row[0] in fresh]
            vectors, clusters = _merged(snapshot, levels, rows, fresh)
            old_themes, old_subs = [r[1] for r in rows], [r[2] for r in rows]
            themes, subs = pin_levels(*clusters, old_themes, old_subs, pinned, pinned_subs)
            inherited = inherit_ids(old_themes, themes)
            inherited_subs = inherit_ids(old_subs, subs)
            assignment = await _ids(session, themes, subs, inherited, inherited_subs)
            report_ids = [r[0] for r in rows]
            after = await self._write(session, report_ids, rows, vectors, assignment)
        return ReclusterSummary(
            len(rows),
            snapshot.themes_before,
            after,
            len(inherited),
            len(set(subs)),
            len(inherited_subs),
        )

    async def _current_vectors(self, rows: list[VectorRow]) -> Matrix:
        """Stored vectors, re-embedding (and re-storing) any made by another model."""
        vectors = [vector_from_bytes(r[1]) for r in rows if r[1] is not None]
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
        self,
        session: AsyncSession,
        report_ids: list[int],
        rows: list[AssignedRow],
        vectors: Matrix,
        ids: Assignment,
    ) -> int:
        """The new assignments, retirements and centroids; returns how many themes live.
        Each level's rows are read once: all of this holds the write lock (SQLite) or the
        theme rows (PostgreSQL) that chat batches wait for."""
        sims = _similarities(vectors, ids.themes)
        await store.replace_assignments(
            session,
            dict(zip(report_ids, ids.themes, strict=True)),
            sims_by(report_ids, sims),
            dict(zip(report_ids, ids.subthemes, strict=True)),
        )
        live = set(ids.themes)
        moves = _retired_moves([r[1] for r in rows], ids.themes, live)
        await store.move_endorsements(session, moves)
        themes = await store.live_themes(session)
        for theme in themes:
            if theme.id not in live:
                theme.merged_into = moves.get(theme.id, -1)
        live_subs = set(ids.subthemes)
        sub_moves = _retired_moves([r[2] for r in rows], ids.subthemes, live_subs)
        subthemes = await store.live_subthemes(session)
        for sub in subthemes:
            if sub.id not in live_subs:
                sub.merged_into = sub_moves.get(sub.id, -1)
            else:
                sub.theme_id = ids.parent[sub.id]
        _update_centroids(themes, vectors, ids.themes)
        _update_centroids(subthemes, vectors, ids.subthemes)
        return sum(theme.merged_into is None for theme in themes)

    async def _relabel(self) -> None:
        """Every theme's and sub-theme's label, made from what the database holds once the
        new assignments committed, so the NLP work (scrubbing every candidate) holds no lock
        a chat batch needs. They are written only if every report they came from is still
        visible where it was, checked under the theme locks; if one was withdrawn, forgotten
        or moved meanwhile they are made again there, so removed words never return."""
        async with self.db.reading() as session:
            rows = await report_store.label_rows(session)
            stored = Labels(*await store.live_labels(session))
        made = await self._labels(rows)
        if not made.changed_from(stored).any():
            return  # nothing to write: no write lock taken (SQLite has one writer)

        async def write() -> None:
            async with self.db.transaction() as session:
                await store.lock_live(session)
                now = await report_store.label_rows(session)
                if _placed(rows) <= _placed(now):
                    fresh = made
                else:
                    fresh = (await self._labels(now)).or_blank(made)
                changed = fresh.changed_from(stored)  # groups made since keep their labels
                await store.set_labels(session, changed.themes)
                await store.set_subtheme_labels(session, changed.subthemes)

        await _when_free(write)

    async def _labels(self, rows: list[report_store.LabelRow]) -> Labels:
        themes = [(theme, who, phrases) for _, theme, _, who, phrases in rows]
        subs = [(sub, who, phrases) for _, _, sub, who, phrases in rows if sub is not None]
        return Labels(await self._labels_of(themes), await self._labels_of(subs))

    async def _labels_of(self, rows: list[tuple[int, int, list[str]]]) -> dict[int, str]:
        """A label for each group in ``rows``: empty where too few reporters share words.
        The phrases are counted in the background process: in this one, every group's
        every run of words held the interpreter's lock and the model's thread for
        milliseconds at each re-cluster, while chat waited for both."""
        if not rows:
            return {}  # nothing to count: the background process need not start
        min_people = self.themes.settings.min_people
        counts = await self.cpu.run(phrase_counts, group_phrases(rows), min_people)
        made = await self.nlp.labels_from(counts)
        return {group: made.get(group, "") for group, _, _ in rows}


@dataclass(frozen=True)
class Labels:
    themes: dict[int, str]
    subthemes: dict[int, str]

    def changed_from(self, stored: Labels) -> Labels:
        """Only the labels that differ from the stored ones: the rest need no write."""
        return Labels(
            {i: label for i, label in self.themes.items() if stored.themes.get(i) != label},
            {i: label for i, label in self.subthemes.items() if stored.subthemes.get(i) != label},
        )

    def any(self) -> bool:
        return bool(self.themes or self.subthemes)

    def or_blank(self, earlier: Labels) -> Labels:
        """These labels, and an empty one for each group ``earlier`` labelled that has
        no visible report now: its old label may hold a withdrawn report's words."""
        return Labels(
            {**dict.fromkeys(earlier.themes, ""), **self.themes},
            {**dict.fromkeys(earlier.subthemes, ""), **self.subthemes},
        )


def _placed(rows: list[report_store.LabelRow]) -> set[tuple[int, int, int | None]]:
    return {(report, theme, sub) for report, theme, sub, _, _ in rows}


async def _when_free[T](work: Callable[[], Awaitable[T]]) -> T:
    """``work`` once no chat batch holds a theme row (``storage.themes.lock_live``):
    batches last milliseconds, so a few short waits are enough; after them the re-cluster
    gives up this time (logged) and the next one starts afresh."""
    for attempt in range(LOCK_ATTEMPTS):
        try:
            return await work()
        except store.ThemesBusy:
            await asyncio.sleep(min(LOCK_PAUSE * (attempt + 1), 0.5))
    raise store.ThemesBusy("chat batches kept the themes locked")


async def _ids(
    session: AsyncSession,
    themes: list[int],
    subs: list[int],
    inherited: dict[int, int],
    inherited_subs: dict[int, int],
) -> Assignment:
    """Database ids for every cluster: inherited where an old one lives on, else new."""
    theme_id = dict(inherited)
    for cluster in sorted(set(themes) - set(inherited)):
        theme_id[cluster] = (await store.create_theme(session, "", b"")).id
    parent = {s: theme_id[t] for t, s in zip(themes, subs, strict=True)}
    fresh = sorted(set(subs) - set(inherited_subs))
    created = await store.create_subthemes(session, [(parent[s], "", b"", 0) for s in fresh])
    sub_id = {**inherited_subs, **dict(zip(fresh, created, strict=True))}
    return Assignment(
        [theme_id[t] for t in themes],
        [sub_id[s] for s in subs],
        {sub_id[s]: t for s, t in parent.items()},
    )


def _merged(
    snapshot: Snapshot,
    levels: Levels | None,
    rows: list[AssignedRow],
    fresh: dict[int, Matrix],
) -> tuple[Matrix, tuple[list[int], list[int]]]:
    """Vectors and (theme, sub-theme) cluster numbers for ``rows``: the snapshot's, and for
    reports that arrived after it, those of the nearest new sub-theme centre."""
    position = {r: i for i, r in enumerate(snapshot.report_ids)}
    known = [position[r] for r, _, _ in rows if r in position]
    themes = levels.themes[known].tolist() if levels is not None else []
    subs = levels.subthemes[known].tolist() if levels is not None else []
    parts = [snapshot.vectors[known]]
    late = [fresh[r] for r, _, _ in rows if r not in position]
    if late:
        late_rows = np.vstack(late)
        near = _nearest_clusters(snapshot.vectors[known], subs, late_rows)
        parent = dict(zip(subs, themes, strict=True))
        themes += [parent.get(s, s) for s in near]
        subs += near
        parts.append(late_rows)
    return np.vstack(parts).astype(np.float32), (themes, subs)


def _same_width(stored: dict[int, bytes], dim: int) -> dict[int, Matrix]:
    """Vectors of late reports; one from another model (switched during the re-cluster) is
    left out, like a report without a vector, until the next re-cluster re-embeds it."""
    vectors = {r: vector_from_bytes(v) for r, v in stored.items()}
    return {r: v for r, v in vectors.items() if len(v) == dim}


def _nearest_clusters(vectors: Matrix, subs: list[int], late: Matrix) -> list[int]:
    """Each late report's nearest sub-theme by centre; a new number when there are none."""
    if not subs:
        return list(range(len(late)))
    centres = _centroids(vectors, subs)
    keys = sorted(centres)
    matrix = np.vstack([centres[k] for k in keys]).astype(np.float32)
    return [keys[i] for i in nearest_rows(late, matrix)]


def sims_by(report_ids: list[int], sims: list[float]) -> dict[int, float]:
    return dict(zip(report_ids, sims, strict=True))


def _similarities(vectors: Matrix, theme_of: list[int]) -> list[float]:
    """Each report's cosine to its theme's unit centre."""
    keys, sums, _ = group_sums(vectors, theme_of)
    row_of = {key: row for row, key in enumerate(keys)}
    centres = unit_rows(sums)[[row_of[t] for t in theme_of]]
    similarities: list[float] = np.einsum("ij,ij->i", vectors, centres).tolist()
    return similarities


def _centroids(vectors: Matrix, theme_of: list[int]) -> dict[int, Matrix]:
    keys, sums, _ = group_sums(vectors, theme_of)
    return dict(zip(keys, unit_rows(sums), strict=True))


def _retired_moves(old: list[int | None], new: list[int], live: set[int]) -> dict[int, int]:
    """Each retired theme points at the theme that took most of its reports."""
    flows: dict[int, Counter[int]] = defaultdict(Counter)
    for o, n in zip(old, new, strict=True):
        if o is not None and o not in live:
            flows[o][n] += 1
    return {o: c.most_common(1)[0][0] for o, c in flows.items()}


def _update_centroids(
    groups: Sequence[Theme | Subtheme], vectors: Matrix, group_of: list[int]
) -> None:
    """Centroid sums and sizes of the groups that have reports (the ORM writes only the
    rows whose values changed)."""
    keys, sums, sizes = group_sums(vectors, group_of)
    row_of = {key: row for row, key in enumerate(keys)}
    for group in groups:
        row = row_of.get(group.id)
        if row is not None:
            group.centroid = vector_to_bytes(sums[row])
            group.size = sizes[row]
