"""Reports arriving together are analysed in one spaCy batch, each gets its own results back,
and one request that fails does not fail the others."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import numpy as np
import pytest
from spacy.language import Language

import bot.nlp_worker as worker_module
from bot.nlp_worker import MAX_BATCH_TEXTS, NlpWorker
from nlp.analysis import Analysis, analyse

TEXTS = [
    "Procurement rules stop us buying from the local social enterprise.",
    "Community nurses get parking fines on home visits.",
    "The risk policy forbids us from taking a client shopping.",
    "Our rota is published two days before the shift starts.",
    "Referral forms take three weeks to be approved.",
]


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The texts of every call the worker makes into spaCy."""
    seen: list[list[str]] = []

    def recording(nlp: Language, texts: Iterable[str], batch_size: int = 256) -> list[Analysis]:
        texts = list(texts)
        seen.append(texts)
        if any("EXPLODE" in t for t in texts):
            raise RuntimeError("a component failed")
        return analyse(nlp, texts, batch_size)

    monkeypatch.setattr(worker_module, "analyse", recording)
    return seen


async def test_concurrent_requests_share_one_batch(nlp: Language, batches: list[list[str]]) -> None:
    worker = NlpWorker(nlp)
    try:
        results = await asyncio.gather(*(worker.analyse([t]) for t in TEXTS))
    finally:
        worker.close()
    assert len(batches) < len(TEXTS)  # the first goes alone, the rest wait and go together
    assert sorted(t for batch in batches for t in batch) == sorted(TEXTS)
    for text, [result] in zip(TEXTS, results, strict=True):
        [alone] = analyse(nlp, [text])
        assert np.allclose(result.vector, alone.vector, atol=1e-5)
        assert result.phrases == alone.phrases


async def test_one_failure_leaves_the_others(nlp: Language, batches: list[list[str]]) -> None:
    worker = NlpWorker(nlp)
    try:
        results = await asyncio.gather(
            worker.analyse([TEXTS[0]]),
            worker.analyse([TEXTS[1]]),
            worker.analyse(["EXPLODE"]),
            worker.analyse([TEXTS[2]]),
            return_exceptions=True,
        )
    finally:
        worker.close()
    assert isinstance(results[2], RuntimeError)
    for result in (results[0], results[1], results[3]):
        assert isinstance(result, list) and len(result) == 1
        assert result[0].vector.shape == (512,)
    assert ["EXPLODE"] in batches  # tried alone after its batch failed


async def test_batches_stay_within_the_limit(nlp: Language, batches: list[list[str]]) -> None:
    worker = NlpWorker(nlp)
    big = [f"{TEXTS[n % len(TEXTS)]} ({n})" for n in range(MAX_BATCH_TEXTS)]
    try:
        results = await asyncio.gather(
            worker.analyse([TEXTS[0]]), worker.analyse(big), worker.analyse([TEXTS[1]])
        )
    finally:
        worker.close()
    assert [len(r) for r in results] == [1, MAX_BATCH_TEXTS, 1]
    assert all(len(batch) <= MAX_BATCH_TEXTS for batch in batches)


async def test_closing_answers_every_waiting_request(nlp: Language) -> None:
    """Nobody awaits forever: requests still queued, or in the batch being analysed, end
    cancelled when the worker closes (the bot is shutting down)."""
    worker = NlpWorker(nlp)
    first = asyncio.create_task(worker.analyse(TEXTS * 60))  # about a second of spaCy
    await asyncio.sleep(0.1)  # the first batch is on the spaCy thread...
    asked = [first, *(asyncio.create_task(worker.analyse([t])) for t in TEXTS)]
    await asyncio.sleep(0)  # ...and the rest wait for it
    worker.close()
    outcomes = await asyncio.wait_for(asyncio.gather(*asked, return_exceptions=True), 10)
    assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)
