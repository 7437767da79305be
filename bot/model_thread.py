"""The one thread that owns the spaCy model, with chat's work first in its queue.

A thread pool's queue is first come, first served, so a digest's quotes or a re-cluster's
labels, asked for just before someone's report, made that report wait for all of them.
Here each job is urgent (a message someone is waiting on: embedding a report, screening
it) or background (scrubbing a digest's quotes, an export, a re-cluster's labels); the
thread always takes the oldest urgent job first. A job already running is never cut
short, so background callers hand over their work in small pieces (bot.nlp_worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import threading
from collections.abc import Callable
from typing import Any

URGENT, BACKGROUND = 0, 1

Job = tuple[int, int, Callable[[], Any] | None, asyncio.Future[Any] | None]


class ModelThread:
    def __init__(self, name: str = "spacy") -> None:
        self._jobs: queue.PriorityQueue[Job] = queue.PriorityQueue()
        self._order = itertools.count()  # first come, first served within a priority
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    async def run[T](self, work: Callable[[], T], priority: int = URGENT) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put((priority, next(self._order), work, future))
        return await future

    def _serve(self) -> None:
        while True:
            _, _, work, future = self._jobs.get()
            if work is None or future is None:
                return
            loop = future.get_loop()
            if future.cancelled() or loop.is_closed():
                continue
            try:
                result = work()
            except StopIteration as error:  # a future cannot hold one (PEP 479)
                _settle(loop, future, error=RuntimeError(repr(error)))
            except BaseException as error:  # handed to the caller, as a pool would
                _settle(loop, future, error=error)
            else:
                _settle(loop, future, result=result)

    def close(self) -> None:
        """Pending jobs are dropped (their callers are cancelled on the loop's way out);
        the job running now finishes, then the thread ends."""
        with self._jobs.mutex:
            dropped = [job[3] for job in self._jobs.queue]
            self._jobs.queue.clear()
        for future in dropped:
            if future is not None and not future.get_loop().is_closed():
                future.get_loop().call_soon_threadsafe(future.cancel)
        self._jobs.put((-1, -1, None, None))


def _settle(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[Any],
    result: Any = None,
    error: BaseException | None = None,
) -> None:
    def settle() -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
        loop.call_soon_threadsafe(settle)
