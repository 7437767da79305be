"""Receiving is separate from handling: adapters put events on a queue, and a fixed number
of workers handle them, so one slow or failing message never blocks or kills the rest.

Events are sharded by (platform, chat, user) so one person's messages are handled in the
order they were sent (a button tap never overtakes the question it answers), while
different people are handled concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Awaitable, Callable

from bot.messages import Incoming, Outgoing

log = logging.getLogger("groundswell.dispatcher")

Handle = Callable[[Incoming], Awaitable[list[Outgoing]]]
Deliver = Callable[[Outgoing], Awaitable[None]]


def shard_of(incoming: Incoming, shards: int) -> int:
    key = f"{incoming.platform}\x1f{incoming.chat_id}\x1f{incoming.user_id}".encode()
    return zlib.crc32(key) % shards


class Dispatcher:
    def __init__(self, handle: Handle, deliver: Deliver, concurrency: int = 8) -> None:
        self.handle = handle
        self.deliver = deliver
        self.queues: list[asyncio.Queue[Incoming]] = [asyncio.Queue() for _ in range(concurrency)]
        self._workers: list[asyncio.Task[None]] = []

    async def submit(self, incoming: Incoming) -> None:
        await self.queues[shard_of(incoming, len(self.queues))].put(incoming)

    async def start(self) -> None:
        self._workers = [asyncio.create_task(self._work(q)) for q in self.queues]

    async def join(self) -> None:
        """Wait until everything submitted so far has been handled and delivered."""
        for queue in self.queues:
            await queue.join()

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers = []

    async def _work(self, queue: asyncio.Queue[Incoming]) -> None:
        while True:
            incoming = await queue.get()
            try:
                await self._process(incoming)
            finally:
                queue.task_done()

    async def _process(self, incoming: Incoming) -> None:
        try:
            outgoing = await self.handle(incoming)
        except Exception:
            log.exception("handler crashed for a %s event", incoming.platform)
            return
        for message in outgoing:
            try:
                await self.deliver(message)
            except Exception:
                log.exception("delivering to %s failed", message.platform)
