"""Re-deriving what was built from reports after some are removed (/withdraw, /forget).

A theme's label is made from its reporters' words and its centre is the sum of their
vectors: when a person withdraws a report or forgets everything, both are rebuilt from the
reports that remain, so nothing derived from the removed words survives. A theme left with
no report keeps no centre at all (it would equal nobody's report, or the removed one's)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from bot.nlp_worker import NlpWorker
from bot.services.themes import ThemeService, group_phrases
from nlp.analysis import vector_from_bytes, vector_to_bytes
from storage import curation as curation_store
from storage import reports as report_store
from storage import themes as theme_store
from storage.db import Database

PhraseRow = tuple[int, int, list[str]]  # (theme, reporter, phrases), as theme_phrases reads


class Rederiver:
    def __init__(self, db: Database, nlp: NlpWorker, themes: ThemeService, min_people: int) -> None:
        self.db = db
        self.nlp = nlp
        self.themes = themes
        self.min_people = min_people
        self.removal_listeners: list[Callable[[list[int]], None]] = []  # told removed reports

    async def labels(self, theme_ids: Iterable[int]) -> dict[int, str]:
        """Fresh labels (nlp.labels, scrubbed) for these themes, stored and returned."""
        ids = sorted(set(theme_ids))
        if not ids:
            return {}
        async with self.db.reading() as session:
            rows = await report_store.theme_phrases(session, ids)
        labels = await self.derive(ids, rows)
        async with self.db.transaction() as session:
            await theme_store.set_labels(session, labels)
        return labels

    async def derive(self, ids: list[int], rows: list[PhraseRow]) -> dict[int, str]:
        """Labels for ``ids`` from their (theme, reporter, phrases) rows, in the NLP worker;
        no database work, so a chat report can do it between its batch and the write."""
        made = await self.nlp.labels(group_phrases(rows), self.min_people)
        return {theme_id: made.get(theme_id, "") for theme_id in ids}

    async def after_removal(self, theme_ids: Iterable[int], report_ids: Iterable[int]) -> None:
        """Centres, sizes and labels of the themes that lost reports (these are rare: one
        /withdraw or /forget). Outside a message the in-memory index is reloaded after the
        commit, under the index lock. Inside a message's unit the removal already holds its
        turn in the group commit (which serialises writes), so the lock is not awaited: the
        index is marked stale and the next placement rebuilds it in its own transaction.
        First the listeners drop what they keep in memory from the removed reports (the
        digest's scrubbed quotes)."""
        removed = sorted(set(report_ids))
        for listener in self.removal_listeners:
            listener(removed)
        ids = sorted(set(theme_ids))
        if not ids:
            return
        if self.db.in_unit:
            async with self.db.transaction() as session:
                await _recentre(session, ids)
            self.themes.forget_index()
        else:
            async with self.themes.lock:
                async with self.db.transaction() as session:
                    await _recentre(session, ids)
                await self.themes.load()
        await self.labels(ids)


async def _recentre(session: AsyncSession, ids: list[int]) -> None:
    for theme_id in ids:
        theme = await theme_store.get_theme(session, theme_id)
        if theme is not None:
            rows = await curation_store.theme_report_vectors(session, theme_id)
            theme.centroid = _centre([v for _, v, _ in rows])
            theme.size = len(rows)


def _centre(vectors: list[bytes]) -> bytes | None:
    """The sum of the remaining reports' vectors (the index normalises it), or none."""
    if not vectors:
        return None
    return vector_to_bytes(np.sum(np.vstack([vector_from_bytes(v) for v in vectors]), axis=0))
