"""A stand-in core for adapter tests: records what arrives and answers like the dispatcher
does (later, through ``send``), so the adapter's timing assumptions are exercised."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from adapters.discord import DiscordAdapter
from bot.messages import Incoming, Reply, resolve

Answer = Callable[[Incoming], list[Reply]]


def echo(incoming: Incoming) -> list[Reply]:
    return [Reply(f"echo: {incoming.text or incoming.button_data}")]


class EchoCore:
    def __init__(
        self, answer: Answer = echo, delay: float | Callable[[Incoming], float] = 0.0
    ) -> None:
        self.answer = answer
        self.delay = delay
        self.seen: list[Incoming] = []
        self.adapter: DiscordAdapter | None = None
        self.arrived = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, incoming: Incoming) -> None:
        self.seen.append(incoming)
        self.arrived.set()
        task = asyncio.create_task(self._reply(incoming))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reply(self, incoming: Incoming) -> None:
        await asyncio.sleep(self.delay(incoming) if callable(self.delay) else self.delay)
        assert self.adapter is not None
        for out in resolve(incoming, self.answer(incoming)):
            await self.adapter.send(out)
