"""Runs spaCy off the event loop: one worker thread owns the model, so chat stays responsive
while reports are embedded and quotes scrubbed. Chat's work goes first in that thread's
queue (bot.model_thread); scrubbing for digests, exports and previews, and a re-cluster's
labels, wait behind it, and scrubbing is handed over a few texts at a time so a report
arriving meanwhile waits for one small piece, not for a whole digest's quotes.

Reports arriving together are analysed together, and safety screens likewise
(``bot.gathered.Gathered``): while the thread works on one batch, the next requests wait and
then go through ``nlp.pipe`` as one batch. spaCy costs about a third as
much per text in a batch of eight as alone, so under load the bot keeps up instead of
queueing single texts behind each other.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from spacy.language import Language

from bot.gathered import Gathered
from bot.model_thread import BACKGROUND, URGENT, ModelThread
from bot.places import written_names
from nlp.analysis import Analysis, analyse
from nlp.labels import RememberingScrubber, ReportPhrases, label_themes, labels_from
from nlp.places import Marked
from nlp.safety import Concern, assess
from nlp.scrub import scrub_many, scrub_marked

T = TypeVar("T")
MAX_BATCH_TEXTS = 256  # a CSV import's batch; more only adds latency for the first in line
SCRUB_PIECE = 4  # texts per background scrub job: a report waits for at most these


class NlpWorker:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._thread = ModelThread()
        self._analyses: Gathered[str, Analysis] = Gathered(
            lambda texts: self._run(lambda: analyse(self.nlp, texts)), MAX_BATCH_TEXTS
        )
        self._screens: Gathered[str, Concern | None] = Gathered(
            lambda texts: self._run(lambda: assess(self.nlp, texts)), MAX_BATCH_TEXTS
        )
        self._label_scrubber = RememberingScrubber(lambda texts: scrub_many(self.nlp, texts))

    async def _run(self, work: Callable[[], T], priority: int = URGENT) -> T:
        return await self._thread.run(work, priority)

    async def analyse(self, texts: list[str]) -> list[Analysis]:
        return await self._analyses.ask(texts)

    async def scrub(self, texts: list[str]) -> list[Marked]:
        """Scrubbed texts with their place mentions marked: whoever shows one decides what
        each place may read (bot.digests.naming.quote_place). Background work: done in
        pieces of ``SCRUB_PIECE`` texts, so chat's jobs go between them."""
        pieces = [texts[i : i + SCRUB_PIECE] for i in range(0, len(texts), SCRUB_PIECE)]
        done = await asyncio.gather(*(self._scrub_piece(piece) for piece in pieces))
        return [marked for piece in done for marked in piece]

    async def _scrub_piece(self, texts: list[str]) -> list[Marked]:
        return await self._run(lambda: scrub_marked(self.nlp, texts, written_names()), BACKGROUND)

    async def labels(
        self, reports_by_theme: Mapping[int, Sequence[ReportPhrases]], min_people: int
    ) -> dict[int, str]:
        """Theme labels (nlp.labels) with the scrubber's NER run in this worker's thread,
        each candidate phrase scrubbed once per process (nlp.labels.RememberingScrubber).
        Urgent: a message waits for them (a re-cluster's go through ``labels_from``)."""
        if not reports_by_theme:
            return {}
        return await self._run(
            lambda: label_themes(reports_by_theme, min_people, self._label_scrubber)
        )

    async def labels_from(self, counts: Mapping[int, Counter[str]]) -> dict[int, str]:
        """Labels from shared phrases counted elsewhere (``nlp.labels.phrase_counts``, in a
        re-cluster's background process): only scrubbing the candidates and ranking them
        are left for this thread, behind chat's work."""
        if not counts:
            return {}
        return await self._run(lambda: labels_from(counts, self._label_scrubber), BACKGROUND)

    async def assess(self, texts: list[str]) -> list[Concern | None]:
        """Crisis, safeguarding or abuse (nlp/safety.py), before anything is stored: every
        message is screened, so screens arriving together share one parse."""
        return await self._screens.ask(texts)

    def close(self) -> None:
        self._analyses.close()
        self._screens.close()
        self._thread.close()
