"""Reports embedded by one model, a bot restarted with another: nothing crashes, and
re-clustering re-embeds the old reports so every theme is comparable again."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from groundswell.testing import BotHarness
from nlp.analysis import vector_from_bytes, vector_to_bytes
from storage.models import Report, Theme

OLD_WIDTH = 300


async def _age_every_vector(session: AsyncSession) -> None:
    """Make the stored vectors look like an older model's (another width)."""
    old = vector_to_bytes(np.full(OLD_WIDTH, 1 / np.sqrt(OLD_WIDTH), dtype=np.float32))
    for row in await session.scalars(select(Report)):
        row.vector = old
    for theme in await session.scalars(select(Theme)):
        theme.centroid = old


async def test_a_new_model_meets_old_vectors(bot: BotHarness, app: App) -> None:
    await bot.onboard("mae", "Leeds")
    await bot.push("mae", "/report The procurement rules shut out local social enterprises.")
    async with app.services.db.transaction() as session:
        await _age_every_vector(session)
    await app.services.themes.load()  # as a restarted process would
    assert app.services.themes.index.ids == []

    reply = await bot.push("mae", "/report Risk policy stops family support at discharge.")
    assert "your report is saved" in reply[0].text

    summary = await app.services.reclusterer.run()
    assert summary.reports == 2
    width = app.services.themes.dim
    async with app.services.db.transaction() as session:
        widths = {
            len(vector_from_bytes(r.vector or b"")) for r in await session.scalars(select(Report))
        }
    assert widths == {width} and width != OLD_WIDTH
    assert len(app.services.themes.index.ids) >= 1
