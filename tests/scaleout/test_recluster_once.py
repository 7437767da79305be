"""Re-clustering holds the database lease: a bot and a worker (two Apps, two engines, one
database) asked to re-cluster at the same moment take turns, and both finish."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import numpy as np
import pytest
from spacy.language import Language

from bot.app import App
from bot.services.recluster import Reclusterer
from config.settings import Settings
from groundswell.testing import BotHarness
from nlp.recluster import Levels

REPORTS = (
    "Procurement rules stop us buying from the local social enterprise.",
    "The tender framework only lets big contractors bid for our contracts.",
    "Our risk policy forbids letting patients go home with family support.",
)


async def test_two_processes_never_recluster_at_once(
    make_settings: Callable[..., Settings], nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings()
    bot_app, worker_app = await App.create(settings, nlp=nlp), await App.create(settings, nlp=nlp)
    async with BotHarness(bot_app) as bot:
        await bot.onboard("amira", "Leeds")
        for text in REPORTS:
            await bot.push("amira", f"/report {text}")

    inside: list[int] = []
    overlaps: list[int] = []
    real = Reclusterer._cluster

    async def observed(self: Reclusterer, vectors: np.ndarray) -> Levels:
        """The clustering step, under the lease (not the theme lock: it runs on a snapshot)."""
        inside.append(1)
        overlaps.append(len(inside))
        await asyncio.sleep(0.3)  # long enough for the other process to try
        try:
            return await real(self, vectors)
        finally:
            inside.pop()

    monkeypatch.setattr(Reclusterer, "_cluster", observed)
    try:
        summaries = await asyncio.gather(
            bot_app.services.reclusterer.run(), worker_app.services.reclusterer.run()
        )
    finally:
        await bot_app.close()
        await worker_app.close()
    assert overlaps == [1, 1], "both re-clusterings ran, one after the other"
    assert [s.reports for s in summaries] == [3, 3]
