"""Runs spaCy off the event loop: one worker thread owns the model, so chat stays responsive
while reports are embedded and quotes scrubbed.

Reports arriving together are analysed together, and safety screens likewise
(``bot.gathered.Gathered``): while the thread works on one batch, the next requests wait and
then go through ``nlp.pipe`` as one batch. spaCy costs about a third as
much per text in a batch of eight as alone, so under load the bot keeps up instead of
queueing single texts behind each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from spacy.language import Language

from bot.gathered import Gathered
from bot.places import written_names
from nlp.analysis import Analysis, analyse
from nlp.labels import RememberingScrubber, ReportPhrases, label_themes
from nlp.places import Marked
from nlp.safety import Concern, assess
from nlp.scrub import scrub_many, scrub_marked

T = TypeVar("T")
MAX_BATCH_TEXTS = 256  # a CSV import's batch; more only adds latency for the first in line


class NlpWorker:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spacy")
        self._analyses: Gathered[str, Analysis] = Gathered(
            lambda texts: self._run(lambda: analyse(self.nlp, texts)), MAX_BATCH_TEXTS
        )
        self._screens: Gathered[str, Concern | None] = Gathered(
            lambda texts: self._run(lambda: assess(self.nlp, texts)), MAX_BATCH_TEXTS
        )
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
