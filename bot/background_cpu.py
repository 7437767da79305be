"""CPU work nobody in chat is waiting for (clustering every report for a re-cluster: about
a minute at 100,000 reports) runs in a separate process at a lower OS priority.

In a thread of this process it held the GIL that the event loop and the spaCy thread need,
and competed with them for a 2-core machine as an equal: with a re-cluster running beside a
flood, others' p95 went to 4.5× of no flood (issue 17). In its own niced process the OS
gives chat the cores first, and the bot's interpreter never waits for the clustering.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

BACKGROUND_NICENESS = 10  # POSIX nice: far behind chat whenever both want a core
PARENT_CHECK_SECONDS = 1.0


def _start_worker(niceness: int, parent: int) -> None:
    """In the worker: run behind chat, leave Ctrl-C to the bot (which shuts it down), and
    end when the bot is gone. A worker holds both ends of its job queue, so a bot killed
    with SIGKILL never closes it: without the watch it would wait for jobs for ever."""
    os.nice(niceness)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


class BackgroundProcess:
    """One worker process, started at its first job (a bot that never re-clusters never
    starts it). A crash there (say, out of memory) fails that job alone: the next job
    starts a fresh process. Jobs must be picklable: module-level functions of plain data."""

    def __init__(self, niceness: int = BACKGROUND_NICENESS) -> None:
        self._niceness = niceness
        self._pool: ProcessPoolExecutor | None = None

    async def run[*Args, T](self, job: Callable[[*Args], T], *args: *Args) -> T:
        pool = self._started()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, job, *args)
        except BrokenProcessPool:
            self.close()  # the next job starts a fresh process
            raise

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded bot
                initializer=_start_worker,
                initargs=(self._niceness, os.getpid()),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
