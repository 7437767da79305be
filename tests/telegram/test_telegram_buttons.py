"""Buttons where people used to type, through PTB and the fake Bot API (which refuses
callback data over 64 bytes, as Telegram does): "Me too" on /themes, "Join" on /circles,
"Withdraw" with its confirm step on /mine, and /start in a group linking to a private chat."""

from __future__ import annotations

import re

import tg_updates as tg
from barrier_texts import PROCUREMENT_A, PROCUREMENT_B
from fake_bot_api import FakeBotApi
from test_telegram_story import AMIRA, BEN, BOT_NAME, CHLOE, GROUP, live_settings, world
from tg_support import TelegramWorld

__all__ = ["live_settings", "world"]  # the story's fixtures, shared rather than repeated


def number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match, text
    return int(match.group(1))


def keys(fake_api: FakeBotApi, chat_id: int) -> list[dict[str, str]]:
    markup = fake_api.last_message(chat_id).get("reply_markup") or {}
    return [key for row in markup.get("inline_keyboard", []) for key in row]


async def test_me_too_join_and_withdraw_are_one_tap(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    await world.runtime.app.services.circles.create("Hull health", "Hull", None, None, None, None)
    for person, place in ((AMIRA, "Leeds"), (BEN, "Bradford"), (CHLOE, "York")):
        await world.onboard(person, place)
    await world.say(AMIRA, f"/report {PROCUREMENT_A}")
    saved = (await world.say(BEN, f"/report {PROCUREMENT_B}"))[0]
    theme = number(r"theme #(\d+)", saved)

    await world.say(CHLOE, "/themes")
    assert [k["text"] for k in keys(fake_api, CHLOE["id"])] == [f"Me too #{theme}"]
    counted = await world.tap(CHLOE, f"Me too #{theme}")
    assert f"counted on #{theme}" in counted[-1]

    await world.say(CHLOE, "/circles")
    joined = await world.tap(CHLOE, "Join Hull health")
    assert joined[-1].startswith("Welcome to Hull health!")

    report = number(r"saved \(#(\d+)\)", saved)
    await world.say(BEN, "/mine")
    ask = await world.tap(BEN, f"Withdraw #{report}")
    assert ask[-1].startswith(f"Withdraw report #{report}")
    gone = await world.tap(BEN, f"Yes, withdraw #{report}")
    assert gone[-1] == f"Report #{report} is withdrawn and deleted."
    assert "haven't reported anything" in (await world.say(BEN, "/mine"))[-1]


async def test_start_in_a_group_has_a_message_me_privately_button(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    answer = await world.exchange(tg.text(GROUP, AMIRA, f"/start@{BOT_NAME}"), GROUP["id"])
    assert "message me privately" in answer[-1]
    [link] = keys(fake_api, GROUP["id"])
    assert link["text"] == "Message me privately"
    assert link["url"] == f"https://t.me/{BOT_NAME}?start=start"
