"""The dispatcher: one person's messages in order, people in turn, failures contained."""

from __future__ import annotations

import asyncio

from bot.dispatcher import Dispatcher
from bot.messages import Incoming, Outgoing, Reply


def message(user: str, text: str) -> Incoming:
    return Incoming("console", f"dm-{user}", user, text)


async def test_a_flood_waits_behind_everyone_else() -> None:
    handled: list[str] = []

    async def handle(incoming: Incoming) -> list[Outgoing]:
        await asyncio.sleep(0.001)
        handled.append(f"{incoming.user_id}:{incoming.text}")
        return []

    async def deliver(_message: Outgoing) -> None:
        return None

    dispatcher = Dispatcher(handle, deliver, concurrency=1)
    for number in range(50):
        await dispatcher.submit(message("flooder", str(number)))
    for user in ("ann", "bo", "cy"):
        await dispatcher.submit(message(user, "hello"))
    await dispatcher.start()
    await dispatcher.join()
    await dispatcher.stop()
    others = [handled.index(f"{u}:hello") for u in ("ann", "bo", "cy")]
    assert max(others) <= 4, handled[:8]  # each got a turn within the first round
    flood = [h for h in handled if h.startswith("flooder:")]
    assert flood == [f"flooder:{n}" for n in range(50)]  # and the flood kept its order


async def test_a_failing_handler_does_not_stop_the_others() -> None:
    delivered: list[str] = []

    async def handle(incoming: Incoming) -> list[Outgoing]:
        if incoming.text == "boom":
            raise RuntimeError("boom")
        return [Outgoing("console", incoming.chat_id, Reply(incoming.text))]

    async def deliver(out: Outgoing) -> None:
        delivered.append(out.reply.text)

    dispatcher = Dispatcher(handle, deliver, concurrency=2)
    await dispatcher.start()
    for text in ("one", "boom", "two"):
        await dispatcher.submit(message("dee", text))
    await dispatcher.join()
    await dispatcher.stop()
    assert delivered == ["one", "two"]
