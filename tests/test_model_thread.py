"""The model's thread takes chat's work first: a report someone is waiting on goes ahead of
a digest's scrubbing or a re-cluster's labels queued before it."""

from __future__ import annotations

import asyncio
import functools
import threading

import pytest
from spacy.language import Language

from bot.model_thread import BACKGROUND, URGENT, ModelThread
from bot.nlp_worker import NlpWorker

QUOTE = "Procurement rules stop us buying from the local social enterprise in Leeds."


async def test_urgent_jobs_go_ahead_of_queued_background_jobs() -> None:
    thread = ModelThread("test-model")
    started, release = threading.Event(), threading.Event()
    order: list[str] = []

    def blocker() -> None:
        started.set()
        release.wait(5)

    def job(name: str) -> str:
        order.append(name)
        return name

    try:
        running = asyncio.ensure_future(thread.run(blocker, BACKGROUND))
        await asyncio.to_thread(started.wait, 5)
        queued = [
            asyncio.ensure_future(thread.run(functools.partial(job, name), priority))
            for name, priority in (
                ("digest 1", BACKGROUND),
                ("digest 2", BACKGROUND),
                ("report", URGENT),
            )
        ]
        await asyncio.sleep(0.05)  # all three are in the queue before the thread is free
        release.set()
        assert await asyncio.gather(running, *queued) == [None, "digest 1", "digest 2", "report"]
    finally:
        thread.close()
    assert order == ["report", "digest 1", "digest 2"]


async def test_a_failing_job_fails_its_caller_alone() -> None:
    thread = ModelThread("test-model")
    try:
        with pytest.raises(ZeroDivisionError):
            await thread.run(lambda: 1 / 0)
        assert await thread.run(lambda: "still serving") == "still serving"
    finally:
        thread.close()


async def test_closing_cancels_jobs_still_queued() -> None:
    thread = ModelThread("test-model")
    started, release = threading.Event(), threading.Event()

    def blocker() -> None:
        started.set()
        release.wait(5)

    running = asyncio.ensure_future(thread.run(blocker))
    await asyncio.to_thread(started.wait, 5)
    queued = asyncio.ensure_future(thread.run(lambda: "never"))
    await asyncio.sleep(0.01)
    thread.close()
    release.set()
    await running
    with pytest.raises(asyncio.CancelledError):
        await queued


async def test_a_report_is_embedded_before_a_digests_scrubbing_ends(nlp: Language) -> None:
    """The digest's quotes are scrubbed a few at a time, so a report that arrives while
    they are queued waits for one piece, not for all of them."""
    worker = NlpWorker(nlp)
    finished: list[str] = []

    async def scrubbing() -> None:
        marked = await worker.scrub([f"{QUOTE} ({n})" for n in range(40)])
        assert len(marked) == 40 and all("(" in m.text for m in marked)
        finished.append("digest")

    async def report() -> None:
        await asyncio.sleep(0)  # asked once the digest's pieces are queued
        [analysis] = await worker.analyse([QUOTE])
        assert analysis.vector.any()
        finished.append("report")

    try:
        await asyncio.gather(scrubbing(), report())
    finally:
        worker.close()
    assert finished == ["report", "digest"]
