"""Runs spaCy off the event loop: one worker thread owns the model, so chat stays responsive
while reports are embedded and quotes scrubbed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from spacy.language import Language

from nlp.analysis import Analysis, analyse
from nlp.scrub import scrub_many

T = TypeVar("T")


class NlpWorker:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spacy")

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    async def analyse(self, texts: list[str]) -> list[Analysis]:
        return await self._run(lambda: analyse(self.nlp, texts))

    async def scrub(self, texts: list[str]) -> list[str]:
        return await self._run(lambda: scrub_many(self.nlp, texts))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
