"""Test helpers shared by the Telegram tests (kept out of conftest so imports are unambiguous
when several test folders each have a conftest)."""

from __future__ import annotations

import asyncio
import json
import socket

import aiohttp
import tg_updates as tg
from fake_bot_api import FakeBotApi, JsonDict

from adapters.telegram import TelegramAdapter
from bot.messages import Incoming, Outgoing, Reply
from groundswell.runtime import Runtime


class EchoCore:
    """Stands in for the core: records what arrives and answers ``echo: TEXT``."""

    def __init__(self) -> None:
        self.received: list[Incoming] = []
        self.adapter: TelegramAdapter | None = None
        self.fail_on: set[str] = set()

    async def wait(self, count: int, within: float = 10) -> list[Incoming]:
        """Until ``count`` events arrived; fail the test if they never do."""
        for _ in range(int(within / 0.02)):
            if len(self.received) >= count:
                return self.received
            await asyncio.sleep(0.02)
        raise AssertionError(f"core received {len(self.received)} events, wanted {count}")

    async def submit(self, incoming: Incoming) -> None:
        self.received.append(incoming)
        if incoming.text in self.fail_on:
            raise RuntimeError(f"core failed on {incoming.text!r}")
        assert self.adapter is not None
        answer = f"echo: {incoming.text or incoming.kind.value}"
        await self.adapter.send(Outgoing("telegram", incoming.chat_id, Reply(text=answer)))


class TelegramWorld:
    """People talking to the real App through PTB and the fake Bot API.

    Each helper injects one update and returns the texts the bot sent to that chat in
    answer: it waits for the first reply, then for the dispatcher to finish the rest.
    """

    def __init__(self, fake: FakeBotApi, runtime: Runtime) -> None:
        self.fake = fake
        self.runtime = runtime

    async def exchange(self, update: JsonDict, chat_id: int) -> list[str]:
        before = len(self.fake.texts(chat_id))
        await self.fake.inject(update)
        await self.fake.wait_for("sendMessage", before + 1, chat_id=chat_id)
        await self.finished()
        return self.fake.texts(chat_id)[before:]

    async def finished(self) -> None:
        """Until the core is idle and every reply it gave has left the adapter."""
        await self.runtime.dispatcher.join()
        adapter = self.runtime.adapters["telegram"]
        assert isinstance(adapter, TelegramAdapter)
        await adapter.flush()

    async def settle(self, update: JsonDict, within: float = 10) -> None:
        """Inject an update that gets no reply; return once the bot has handled it (it is
        confirmed to Telegram only then)."""
        update_id = await self.fake.inject(update)
        deadline = asyncio.get_running_loop().time() + within
        while update_id not in self.fake.handed_out or update_id in self.fake.unconfirmed:
            assert asyncio.get_running_loop().time() < deadline, f"update {update_id} unhandled"
            await asyncio.sleep(0.02)
        await self.finished()

    async def say(self, person: JsonDict, body: str, chat: JsonDict | None = None) -> list[str]:
        chat = chat or tg.private_chat(person)
        return await self.exchange(tg.text(chat, person, body), chat["id"])

    async def tap(self, person: JsonDict, label: str, chat: JsonDict | None = None) -> list[str]:
        """Tap the newest still-shown button with this label in the chat."""
        chat = chat or tg.private_chat(person)
        message, data = self.button(chat["id"], label)
        return await self.exchange(tg.tap(person, message, data), chat["id"])

    def button(self, chat_id: int, label: str) -> tuple[JsonDict, str]:
        shown = [m for (chat, _), m in self.fake.messages.items() if chat == chat_id]
        for message in sorted(shown, key=lambda m: -int(m["message_id"])):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for key in row:
                    if key["text"] == label:
                        return message, str(key["callback_data"])
        raise AssertionError(f"no button {label!r} is shown in chat {chat_id}")

    async def onboard(self, person: JsonDict, place: str, area: str = "Health") -> list[str]:
        await self.say(person, "/start")
        await self.tap(person, "Yes, I agree")
        await self.say(person, place)
        return await self.tap(person, area)


class TelegramButtons:
    """Talking to a bot in another process: inject, then wait for its replies to settle."""

    def __init__(self, fake: FakeBotApi, settle: float = 0.5) -> None:
        self.fake = fake
        self.settle = settle

    async def exchange(self, update: JsonDict, chat_id: int, within: float = 60) -> list[str]:
        before = len(self.fake.texts(chat_id))
        await self.fake.inject(update)
        await self.fake.wait_for("sendMessage", before + 1, chat_id=chat_id, within=within)
        count = -1
        while count != len(self.fake.texts(chat_id)):
            count = len(self.fake.texts(chat_id))
            await asyncio.sleep(self.settle)
        return self.fake.texts(chat_id)[before:]

    def tap(self, person: JsonDict, chat_id: int, label: str) -> JsonDict:
        """A tap on the newest still-shown button with this label in the chat."""
        shown = [m for (chat, _), m in self.fake.messages.items() if chat == chat_id]
        for message in sorted(shown, key=lambda m: -int(m["message_id"])):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for key in row:
                    if key["text"] == label:
                        return tg.tap(person, message, str(key["callback_data"]))
        raise AssertionError(f"no button {label!r} is shown in chat {chat_id}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def post_update(url: str, update: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=json.dumps(update), headers=headers) as response,
    ):
        return response.status
