"""Receiving is separate from handling: adapters put events on a queue, and a fixed number
of workers handle them, so one slow or failing message never blocks or kills the rest.

Each (platform, chat, user) has its own queue, handled in the order it was sent (a button
tap never overtakes the question it answers). Workers take people in turn, one message at a
time, so a flood from one person waits behind everyone else instead of in front of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from bot.messages import Incoming, Outgoing

log = logging.getLogger("groundswell.dispatcher")

Handle = Callable[[Incoming], Awaitable[list[Outgoing]]]
Deliver = Callable[[Outgoing], Awaitable[None]]
Key = tuple[str, str, str]
Queued = tuple[Incoming, "asyncio.Future[None]"]


def key_of(incoming: Incoming) -> Key:
    return (incoming.platform, incoming.chat_id, incoming.user_id)


class Dispatcher:
    def __init__(self, handle: Handle, deliver: Deliver, concurrency: int = 8) -> None:
        self.handle = handle
        self.deliver = deliver
        self.concurrency = concurrency
        self.pending: dict[Key, deque[Queued]] = {}
        self.turns: asyncio.Queue[Key] = asyncio.Queue()  # whose turn is next, round robin
        self._unfinished = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._workers: list[asyncio.Task[None]] = []

    async def submit(self, incoming: Incoming) -> asyncio.Future[None]:
        """Queue the event; the future is done once it is handled and its replies delivered
        (an adapter confirms receipt to its platform only then)."""
        key = key_of(incoming)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._unfinished += 1
        self._idle.clear()
        if key in self.pending:
            self.pending[key].append((incoming, done))  # already queued or being handled
            return done
        self.pending[key] = deque([(incoming, done)])
        self.turns.put_nowait(key)
        return done

    async def start(self) -> None:
        self._workers = [asyncio.create_task(self._work()) for _ in range(self.concurrency)]

    @property
    def unfinished(self) -> int:
        """Events submitted and not yet handled and delivered."""
        return self._unfinished

    async def join(self) -> None:
        """Wait until everything submitted so far has been handled and delivered."""
        await self._idle.wait()

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers = []

    async def _work(self) -> None:
        while True:
            key = await self.turns.get()
            incoming, done = self.pending[key].popleft()
            try:
                await self._process(incoming)
            finally:
                self._finish(key)
                if not done.done():
                    done.set_result(None)

    def _finish(self, key: Key) -> None:
        if self.pending[key]:
            self.turns.put_nowait(key)  # back of the line: others go first
        else:
            del self.pending[key]
        self._unfinished -= 1
        if self._unfinished == 0:
            self._idle.set()

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
