"""Outgoing messages queued per chat, so one chat's rate limit never holds up another.

Telegram lets a bot post about 20 messages a minute into one group; PTB's rate limiter
waits that out inside the send. Awaited by the dispatcher's worker, that wait would hold a
worker per message, and a burst into one group (thirty welcomes) would leave nobody to
answer a private /help. Here ``put`` returns at once; each chat's messages go out in order
from that chat's own task, and ``flush`` lets an orderly stop wait for them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

from bot.messages import Outgoing

log = logging.getLogger(__name__)

Deliver = Callable[[Outgoing], Awaitable[None]]


class Outbox:
    def __init__(self, deliver: Deliver) -> None:
        self._deliver = deliver
        self._queues: dict[str, deque[Outgoing]] = {}
        self._senders: dict[str, asyncio.Task[None]] = {}

    def put(self, message: Outgoing) -> None:
        self._queues.setdefault(message.chat_id, deque()).append(message)
        if message.chat_id not in self._senders:
            task = asyncio.create_task(self._send_all(message.chat_id))
            self._senders[message.chat_id] = task

    async def flush(self, within: float) -> bool:
        """Wait until every queued message has gone; ``False`` if some had not in time."""
        deadline = time.monotonic() + within
        while self._senders:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await asyncio.wait(list(self._senders.values()), timeout=remaining)
        return True

    async def cancel(self) -> None:
        """Drop whatever is still queued (after a ``flush`` that ran out of time)."""
        senders = list(self._senders.values())
        for sender in senders:
            sender.cancel()
        await asyncio.gather(*senders, return_exceptions=True)

    async def _send_all(self, chat_id: str) -> None:
        """A sender lives while its chat has messages waiting, then ends."""
        queue = self._queues[chat_id]
        try:
            while queue:
                try:
                    await self._deliver(queue.popleft())
                except Exception:
                    log.exception("could not send to telegram chat %s", chat_id)
        finally:
            del self._queues[chat_id]
            del self._senders[chat_id]
