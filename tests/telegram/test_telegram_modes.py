"""Redelivery after a restart, and webhook mode with its secret token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable

import aiohttp
import pytest
import tg_updates as tg
from fake_bot_api import FakeBotApi
from tg_support import EchoCore, free_port, post_update

from adapters.telegram import TelegramAdapter, TelegramStartError
from bot.messages import Incoming
from config.settings import Settings
from storage.db import Database
from storage.updates import seen_in

ALICE = tg.user(601, "alice", "Alice")
SECRET = "s3cret-token_1"


async def run_once(settings: Settings, db: Database) -> EchoCore:
    """One adapter lifetime: start, take one event, stop (as a process restart would)."""
    core = EchoCore()
    core.adapter = TelegramAdapter(settings, core.submit, seen=seen_in(db))
    await core.adapter.start()
    try:
        await core.wait(1)
        await asyncio.sleep(0.2)
    finally:
        await core.adapter.stop()
    return core


async def test_redelivered_update_is_processed_once_across_restart(
    tg_settings: Settings, fake_api: FakeBotApi, database: Database
) -> None:
    chat = tg.private_chat(ALICE)
    first = tg.text(chat, ALICE, "/report the procurement rules", update_id=41)
    await fake_api.inject(first)
    before = await run_once(tg_settings, database)
    assert [i.text for i in before.received] == ["/report the procurement rules"]
    # Telegram redelivers an update whose receipt it never saw confirmed (a crash).
    await fake_api.inject(tg.text(chat, ALICE, "/report the procurement rules", update_id=41))
    await fake_api.inject(tg.text(chat, ALICE, "/mine", update_id=42))
    after = await run_once(tg_settings, database)
    assert [i.text for i in after.received] == ["/mine"]
    assert fake_api.texts(601).count("echo: /report the procurement rules") == 1


class GatedCore(EchoCore):
    """Answers at once, but reports a ``/report`` as handled only when the test says so,
    as a slow spaCy batch or database commit would."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def submit(self, incoming: Incoming) -> Awaitable[None] | None:
        await super().submit(incoming)
        return self._opened() if incoming.text.startswith("/report") else None

    async def _opened(self) -> None:
        await self.gate.wait()


async def test_an_update_is_confirmed_only_once_handled(
    tg_settings: Settings, fake_api: FakeBotApi, database: Database
) -> None:
    core = GatedCore()
    core.adapter = TelegramAdapter(tg_settings, core.submit, seen=seen_in(database))
    await core.adapter.start()
    chat = tg.private_chat(ALICE)
    try:
        await fake_api.inject(tg.text(chat, ALICE, "/report the rota", update_id=51))
        await core.wait(1)
        await fake_api.inject(tg.text(chat, ALICE, "/help", update_id=52))
        await core.wait(2)  # the unfinished report holds up no one
        await fake_api.wait_for("sendMessage", 2, chat_id=ALICE["id"])
        await asyncio.sleep(0.6)  # several polls go by
        assert fake_api.unconfirmed == [51, 52], "a crash now must not lose the report"
        core.gate.set()
        for _ in range(100):
            if not fake_api.unconfirmed:
                break
            await asyncio.sleep(0.05)
        assert fake_api.unconfirmed == []
    finally:
        await core.adapter.stop()
    assert await seen_in(database).check("telegram", "51")


def webhook_settings(tg_settings: Settings, port: int) -> Settings:
    """Webhook mode on a local port, behind the secret the tests send."""
    return tg_settings.model_copy(
        update={
            "telegram_webhook_url": "https://bot.example.org/tg/hook",
            "telegram_webhook_port": port,
            "telegram_webhook_secret": SECRET,
        }
    )


@pytest.fixture
async def webhook(tg_settings: Settings) -> AsyncIterator[tuple[EchoCore, str]]:
    port = free_port()
    settings = webhook_settings(tg_settings, port)
    core = EchoCore()
    core.adapter = TelegramAdapter(settings, core.submit)
    await core.adapter.start()
    yield core, f"http://127.0.0.1:{port}/tg/hook"
    await core.adapter.stop()


async def test_webhook_checks_the_secret(
    webhook: tuple[EchoCore, str], fake_api: FakeBotApi
) -> None:
    core, url = webhook
    (registered,) = fake_api.sent("setWebhook")
    assert registered.params["url"] == "https://bot.example.org/tg/hook"
    assert registered.params["secret_token"] == SECRET
    assert int(registered.params["max_connections"]) == 40  # telegram_webhook_connections
    assert not fake_api.sent("getUpdates"), "webhook mode must not poll"
    chat = tg.private_chat(ALICE)
    assert await post_update(url, tg.text(chat, ALICE, "forged", update_id=7), "wrong") == 403
    assert await post_update(url, tg.text(chat, ALICE, "forged", update_id=8), None) == 403
    assert await post_update(url, tg.text(chat, ALICE, "genuine", update_id=9), SECRET) == 200
    received = await core.wait(1)
    await asyncio.sleep(0.2)
    assert [i.text for i in received] == ["genuine"]
    assert fake_api.texts(601) == ["echo: genuine"]


async def test_a_wrong_token_is_one_clear_error(tg_settings: Settings) -> None:
    settings = tg_settings.model_copy(update={"telegram_token": "999:WRONG"})
    adapter = TelegramAdapter(settings, EchoCore().submit)
    with pytest.raises(TelegramStartError, match="check the telegram_token setting"):
        await adapter.start()
    await adapter.stop()


async def test_an_unreachable_server_is_one_clear_error(tg_settings: Settings) -> None:
    url = f"http://127.0.0.1:{free_port()}/bot"
    settings = tg_settings.model_copy(update={"telegram_base_url": url})
    adapter = TelegramAdapter(settings, EchoCore().submit)
    with pytest.raises(TelegramStartError, match="cannot reach the Telegram Bot API at"):
        await adapter.start()
    await adapter.stop()


@pytest.fixture
async def gated_webhook(
    tg_settings: Settings, database: Database
) -> AsyncIterator[tuple[GatedCore, str]]:
    port = free_port()
    settings = webhook_settings(tg_settings, port)
    core = GatedCore()
    core.adapter = TelegramAdapter(settings, core.submit, seen=seen_in(database))
    await core.adapter.start()
    yield core, f"http://127.0.0.1:{port}/tg/hook"
    core.gate.set()
    await core.adapter.stop()


async def test_a_webhook_update_is_answered_only_once_handled(
    gated_webhook: tuple[GatedCore, str], database: Database
) -> None:
    """Telegram forgets an update once its request is answered: the answer waits for the
    core (a crash before it means Telegram sends the update again)."""
    core, url = gated_webhook
    chat = tg.private_chat(ALICE)
    posted = asyncio.create_task(
        post_update(url, tg.text(chat, ALICE, "/report the rota", 61), SECRET)
    )
    await core.wait(1)
    helped = await post_update(url, tg.text(chat, ALICE, "/help", update_id=62), SECRET)
    assert helped == 200, "an unfinished report holds up no one"
    await asyncio.sleep(0.5)
    assert not posted.done(), "answered before the report was handled: lost on a crash"
    assert not await seen_in(database).check("telegram", "61")
    core.gate.set()
    assert await asyncio.wait_for(posted, 5) == 200
    assert await seen_in(database).check("telegram", "61")


async def test_a_webhook_retry_in_flight_is_handled_once(
    gated_webhook: tuple[GatedCore, str], fake_api: FakeBotApi
) -> None:
    """Telegram retries a slow answer: the copy waits for the first, and neither repeats it."""
    core, url = gated_webhook
    update = tg.text(tg.private_chat(ALICE), ALICE, "/report the rota", update_id=71)
    first = asyncio.create_task(post_update(url, update, SECRET))
    await core.wait(1)
    again = asyncio.create_task(post_update(url, update, SECRET))
    await asyncio.sleep(0.3)
    assert not again.done()
    core.gate.set()
    assert await asyncio.gather(first, again) == [200, 200]
    assert await post_update(url, update, SECRET) == 200  # a later retry: seen, skipped
    assert [i.text for i in core.received] == ["/report the rota"]


async def test_a_stopping_webhook_turns_new_updates_away(
    gated_webhook: tuple[GatedCore, str],
) -> None:
    """After stop_receiving, a new update gets 503 (Telegram delivers it later) while the one
    in flight is still answered once handled."""
    core, url = gated_webhook
    chat = tg.private_chat(ALICE)
    posted = asyncio.create_task(post_update(url, tg.text(chat, ALICE, "/report rota", 81), SECRET))
    await core.wait(1)
    assert core.adapter is not None
    await core.adapter.stop_receiving()
    late = tg.text(chat, ALICE, "/help", update_id=82)
    try:
        status: int | None = await post_update(url, late, SECRET)
    except aiohttp.ClientConnectionError:
        status = None  # the listener is closed: Telegram keeps the update and retries
    assert status in (None, 503)
    core.gate.set()
    assert await asyncio.wait_for(posted, 5) == 200
    assert [i.text for i in core.received] == ["/report rota"]
