"""Runs spaCy off the event loop: one worker thread owns the model, so chat stays responsive
while reports are embedded and quotes scrubbed.

Reports arriving together are analysed together, and safety screens likewise (``Gathered``):
while the thread works on one batch, the next requests wait and then go through ``nlp.pipe``
as one batch. spaCy costs about a third as
much per text in a batch of eight as alone, so under load the bot keeps up instead of
queueing single texts behind each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from spacy.language import Language

from bot.places import written_names
from nlp.analysis import Analysis, analyse
from nlp.labels import RememberingScrubber, ReportPhrases, label_themes
from nlp.places import Marked
from nlp.safety import Concern, assess
from nlp.scrub import scrub_many, scrub_marked

T = TypeVar("T")
MAX_BATCH_TEXTS = 256  # a CSV import's batch; more only adds latency for the first in line


class Gathered[R]:
    """One kind of per-text work (analysis, the safety screen) whose requests, arriving while
    the thread is busy, wait and then go through spaCy as one batch; one failing request is
    retried alone so it fails nobody else's."""

    def __init__(
        self,
        work: Callable[[list[str]], list[R]],
        run: Callable[[Callable[[], list[R]]], Awaitable[list[R]]],
    ) -> None:
        self._work = work
        self._run = run
        self._waiting: list[tuple[list[str], asyncio.Future[list[R]]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def ask(self, texts: list[str]) -> list[R]:
        if not texts:
            return []
        future: asyncio.Future[list[R]] = asyncio.get_running_loop().create_future()
        self._waiting.append((list(texts), future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._waiting:
            batch = self._take_batch()
            try:
                await self._together(batch)
            except asyncio.CancelledError:  # closing: nobody is left to answer them
                for _, future in batch:
                    future.cancel()
                raise

    def _take_batch(self) -> list[tuple[list[str], asyncio.Future[list[R]]]]:
        taken, size = 0, 0
        while taken < len(self._waiting) and (
            taken == 0 or size + len(self._waiting[taken][0]) <= MAX_BATCH_TEXTS
        ):
            size += len(self._waiting[taken][0])
            taken += 1
        batch, self._waiting = self._waiting[:taken], self._waiting[taken:]
        return batch

    async def _together(self, batch: list[tuple[list[str], asyncio.Future[list[R]]]]) -> None:
        texts = [text for request, _ in batch for text in request]
        try:
            results = await self._run(lambda: self._work(texts))
        except Exception as error:
            if len(batch) == 1:
                if not batch[0][1].done():
                    batch[0][1].set_exception(error)
                return
            for alone in batch:
                await self._together([alone])
            return
        start = 0
        for asked, future in batch:
            if not future.done():
                future.set_result(results[start : start + len(asked)])
            start += len(asked)

    def close(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
        for _, future in self._waiting:
            future.cancel()
        self._waiting.clear()


class NlpWorker:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spacy")
        self._analyses = Gathered(lambda texts: analyse(self.nlp, texts), self._run)
        self._screens = Gathered(lambda texts: assess(self.nlp, texts), self._run)
        self._label_scrubber = RememberingScrubber(lambda texts: scrub_many(self.nlp, texts))

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    async def analyse(self, texts: list[str]) -> list[Analysis]:
        return await self._analyses.ask(texts)

    async def scrub(self, texts: list[str]) -> list[Marked]:
        """Scrubbed texts with their place mentions marked: whoever shows one decides what
        each place may read (bot.digests.naming.quote_place)."""
        return await self._run(lambda: scrub_marked(self.nlp, texts, written_names()))

    async def labels(
        self, reports_by_theme: Mapping[int, Sequence[ReportPhrases]], min_people: int
    ) -> dict[int, str]:
        """Theme labels (nlp.labels) with the scrubber's NER run in this worker's thread,
        each candidate phrase scrubbed once per process (nlp.labels.RememberingScrubber)."""
        if not reports_by_theme:
            return {}
        return await self._run(
            lambda: label_themes(reports_by_theme, min_people, self._label_scrubber)
        )

    async def assess(self, texts: list[str]) -> list[Concern | None]:
        """Crisis, safeguarding or abuse (nlp/safety.py), before anything is stored: every
        message is screened, so screens arriving together share one parse."""
        return await self._screens.ask(texts)

    def close(self) -> None:
        self._analyses.close()
        self._screens.close()
        self._executor.shutdown(wait=False, cancel_futures=True)
