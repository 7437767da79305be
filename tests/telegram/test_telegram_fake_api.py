"""The fake Bot API itself: long polling must behave like Telegram's or the end-to-end
tests prove nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import tg_updates as tg
from fake_bot_api import TOKEN, FakeBotApi

ALICE = tg.user(801, "alice")


async def call(fake: FakeBotApi, method: str, **params: Any) -> dict[str, Any]:
    form = {key: str(value) for key, value in params.items()}
    url = f"{fake.base_url}{TOKEN}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
        body: dict[str, Any] = await response.json()
        return body


async def test_get_updates_honours_limit_and_offset(fake_api: FakeBotApi) -> None:
    chat = tg.private_chat(ALICE)
    ids = [await fake_api.inject(tg.text(chat, ALICE, f"m{n}")) for n in range(3)]
    first = await call(fake_api, "getUpdates", limit=2, timeout=0)
    assert [u["update_id"] for u in first["result"]] == ids[:2]
    again = await call(fake_api, "getUpdates", offset=ids[1] + 1, timeout=0)
    assert [u["update_id"] for u in again["result"]] == ids[2:]
    earlier = await call(fake_api, "getUpdates", offset=ids[0], timeout=0)
    assert [u["update_id"] for u in earlier["result"]] == ids[2:], "confirmed ones are gone"


async def test_long_poll_waits_until_an_update_arrives(fake_api: FakeBotApi) -> None:
    poll = asyncio.create_task(call(fake_api, "getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    update_id = await fake_api.inject(tg.text(tg.private_chat(ALICE), ALICE, "hi"))
    result = await asyncio.wait_for(poll, 2)
    assert [u["update_id"] for u in result["result"]] == [update_id]


async def test_long_poll_times_out_empty_and_is_released(fake_api: FakeBotApi) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert (await call(fake_api, "getUpdates", timeout=1))["result"] == []
    assert 0.9 <= loop.time() - started < 3
    waiting = asyncio.create_task(call(fake_api, "getUpdates", timeout=30))
    await asyncio.sleep(0.2)
    await fake_api.release_polls()
    assert (await asyncio.wait_for(waiting, 2))["result"] == []


async def test_strictness_matches_telegram(fake_api: FakeBotApi) -> None:
    bad_html = await call(fake_api, "sendMessage", chat_id=801, text="a < b", parse_mode="HTML")
    assert bad_html["error_code"] == 400 and "can't parse entities" in bad_html["description"]
    too_long = await call(fake_api, "sendMessage", chat_id=801, text="x" * 4097)
    assert too_long["description"] == "Bad Request: message is too long"
    fake_api.fail_once("sendMessage", 3)
    limited = await call(fake_api, "sendMessage", chat_id=801, text="ok")
    assert limited["error_code"] == 429 and limited["parameters"] == {"retry_after": 3}
    assert (await call(fake_api, "sendMessage", chat_id=801, text="ok"))["ok"] is True
    me = (await call(fake_api, "getMe"))["result"]
    assert {"id", "is_bot", "first_name", "username"} <= set(me)
