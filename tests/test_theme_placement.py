"""Placing a batch of reports: new themes are opened and joined inside one batch, the stored
centres and sizes match the reports, and a theme retired by another process's re-clustering
is left for the live themes instead of failing the batch."""

from __future__ import annotations

import numpy as np
from spacy.language import Language
from sqlalchemy import select, update

from bot.app import App
from bot.batch import Row, import_rows
from config.settings import Settings
from nlp.analysis import vector_from_bytes
from storage.models import Report, ReportTheme, Theme

PROCUREMENT = [
    "Procurement rules stop us buying from the local social enterprise.",
    "Procurement rules stop us from buying from a local social enterprise.",
    "The procurement rules stop us buying from local social enterprises.",
]
PARKING = [
    "Community nurses get parking fines while visiting patients at home.",
    "Our community nurses keep getting parking fines on home visits.",
]


def rows_of(texts: list[str], first_line: int = 2) -> list[Row]:
    numbered = enumerate(texts, start=first_line)
    return [Row(line, text, "Leeds", f"p{line}", None) for line, text in numbered]


async def stored_themes(app: App) -> dict[int, tuple[int, list[int], bytes | None]]:
    """Theme id -> (size, its reports' ids, centroid) as the database holds them."""
    async with app.services.db.transaction() as session:
        themes = (await session.scalars(select(Theme).where(Theme.merged_into.is_(None)))).all()
        links = (await session.execute(select(ReportTheme.theme_id, ReportTheme.report_id))).all()
    members: dict[int, list[int]] = {t.id: [] for t in themes}
    for theme_id, report_id in links:
        members.setdefault(theme_id, []).append(report_id)
    return {t.id: (t.size, sorted(members[t.id]), t.centroid) for t in themes}


async def report_vectors(app: App) -> dict[int, np.ndarray]:
    async with app.services.db.transaction() as session:
        reports = (await session.scalars(select(Report))).all()
    return {r.id: vector_from_bytes(r.vector) for r in reports if r.vector}


async def test_one_batch_opens_a_theme_and_joins_it(settings: Settings, nlp: Language) -> None:
    app = await App.create(settings, nlp=nlp)
    try:
        assert await import_rows(app, rows_of(PROCUREMENT + PARKING)) == 5
        themes = await stored_themes(app)
        vectors = await report_vectors(app)
        grouped = sorted(len(ids) for _, ids, _ in themes.values())
        assert grouped[-1] >= 3 and sum(grouped) == 5  # the three procurement reports share one
        for size, ids, centroid in themes.values():
            assert size == len(ids)
            assert centroid is not None
            summed = np.sum([vectors[i] for i in ids], axis=0)
            assert np.allclose(vector_from_bytes(centroid), summed, atol=1e-5)
        assert sorted(app.services.themes.index.ids) == sorted(themes)  # no provisional ids left
    finally:
        await app.close()


async def test_two_processes_grow_the_same_theme(settings: Settings, nlp: Language) -> None:
    first = await App.create(settings, nlp=nlp)
    second = await App.create(settings, nlp=nlp)
    try:
        await import_rows(first, rows_of(PROCUREMENT[:1]))
        await import_rows(second, rows_of(PROCUREMENT[1:2], first_line=10))
        await import_rows(first, rows_of(PROCUREMENT[2:], first_line=20))
        themes = await stored_themes(first)
        vectors = await report_vectors(first)
        [(size, ids, centroid)] = themes.values()
        assert size == 3 and len(ids) == 3
        assert centroid is not None
        summed = np.sum([vectors[i] for i in ids], axis=0)
        assert np.allclose(vector_from_bytes(centroid), summed, atol=1e-5)
    finally:
        await first.close()
        await second.close()


async def test_a_theme_retired_elsewhere_is_not_joined(settings: Settings, nlp: Language) -> None:
    app = await App.create(settings, nlp=nlp)
    try:
        await import_rows(app, rows_of(PROCUREMENT[:1]))
        [old_id] = await stored_themes(app)
        async with app.services.db.transaction() as session:  # as another process's recluster
            await session.execute(update(Theme).where(Theme.id == old_id).values(merged_into=-1))
        await import_rows(app, rows_of(PROCUREMENT[1:2], first_line=10))
        themes = await stored_themes(app)
        assert old_id not in themes
        [(size, ids, _)] = themes.values()
        assert size == 1 and len(ids) == 1
        assert old_id not in app.services.themes.index.ids
    finally:
        await app.close()
