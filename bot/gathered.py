"""Requests of one kind that arrive while the last batch of them is being done wait, and
are then done together as one batch: under load many people's messages share one spaCy
batch (bot.nlp_worker) or one reading transaction (their callers, bot.services.people);
alone, a request is done at once, as before."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class Gathered[K, R]:
    """``together`` does a batch of keys and returns one result per key, in order. A
    failing batch is retried one request at a time, so one bad request fails nobody else."""

    def __init__(self, together: Callable[[list[K]], Awaitable[list[R]]], limit: int) -> None:
        self._work = together
        self._limit = limit  # keys per batch; more only adds latency for the first in line
        self._waiting: list[tuple[list[K], asyncio.Future[list[R]]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def ask(self, keys: list[K]) -> list[R]:
        if not keys:
            return []
        future: asyncio.Future[list[R]] = asyncio.get_running_loop().create_future()
        self._waiting.append((list(keys), future))
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

    def _take_batch(self) -> list[tuple[list[K], asyncio.Future[list[R]]]]:
        taken, size = 0, 0
        while taken < len(self._waiting) and (
            taken == 0 or size + len(self._waiting[taken][0]) <= self._limit
        ):
            size += len(self._waiting[taken][0])
            taken += 1
        batch, self._waiting = self._waiting[:taken], self._waiting[taken:]
        return batch

    async def _together(self, batch: list[tuple[list[K], asyncio.Future[list[R]]]]) -> None:
        keys = [key for request, _ in batch for key in request]
        try:
            results = await self._work(keys)
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
