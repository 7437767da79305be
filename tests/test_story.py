"""The walking skeleton's end-to-end story, through the console test double."""

from __future__ import annotations

import json
import re

from barrier_texts import PROCUREMENT_A, PROCUREMENT_B, RISK

from groundswell.testing import BotHarness


def theme_number(text: str) -> int:
    match = re.search(r"theme #(\d+)", text)
    assert match, text
    return int(match.group(1))


async def test_three_people_share_a_procurement_barrier(bot: BotHarness) -> None:
    await bot.onboard("amira", "Leeds")
    await bot.onboard("ben", "Bradford")
    await bot.onboard("chloe", "Leeds", area="Social care")

    first = (await bot.push("amira", f"/report {PROCUREMENT_A}"))[-1].text
    second = (await bot.push("ben", f"/report {PROCUREMENT_B}"))[-1].text
    risk = (await bot.push("chloe", f"/report {RISK}"))[-1].text

    procurement = theme_number(first)
    assert theme_number(second) == procurement, (first, second)
    assert theme_number(risk) != procurement
    assert "2 people in 2 places share it" in second and "not alone" in second

    listed = (await bot.push("chloe", "/themes"))[-1].text
    assert f"#{procurement}" in listed
    endorsed = (await bot.push("chloe", f"/metoo {procurement}"))[-1].text
    assert "counted" in endorsed

    digest = (await bot.push("olive", "/digest"))[-1].text
    assert f"(theme #{procurement})" in digest
    assert "3 people in 2 places" in digest
    for name in ("amira", "ben", "chloe"):
        assert name not in digest.lower()

    refused = (await bot.push("ben", "/digest"))[-1].text
    assert refused == "Sorry, that command isn't available to you here."


async def test_plain_text_needs_one_tap_to_become_a_report(bot: BotHarness) -> None:
    await bot.onboard("dev", "York")
    asked = await bot.push("dev", RISK)
    assert asked[-1].text == "Shall I save that as a barrier report?"
    mine_before = (await bot.push("dev", "/mine"))[-1].text
    assert "haven't reported" in mine_before
    saved = (await bot.tap("dev", "Yes, save it"))[-1].text
    assert "your report is saved" in saved
    assert RISK in (await bot.push("dev", "/mine"))[-1].text


async def test_strangers_are_asked_to_start_first(bot: BotHarness) -> None:
    reply = (await bot.push("zed", "/report something"))[-1].text
    assert "/start" in reply
    assert (await bot.push("zed", "hello"))[-1].text.startswith("Hello! Send /start")


async def test_mydata_returns_everything_as_json(bot: BotHarness) -> None:
    await bot.onboard("eve", "Hull")
    await bot.push("eve", f"/report {RISK}")
    reply = (await bot.push("eve", "/mydata"))[-1]
    data = json.loads(reply.files[0].content)
    assert data["person"]["place"] == "Hull"
    assert [r["text"] for r in data["reports"]] == [RISK]
    assert data["identities"][0]["platform_user_id"] == "eve"


async def test_withdraw_deletes_only_your_own_report(bot: BotHarness) -> None:
    await bot.onboard("fay", "Derby")
    await bot.onboard("gus", "Derby")
    saved = (await bot.push("fay", f"/report {RISK}"))[-1].text
    number = re.search(r"saved \(#(\d+)\)", saved)
    assert number
    refused = (await bot.push("gus", f"/withdraw {number.group(1)}"))[-1].text
    assert "couldn't find" in refused
    done = (await bot.push("fay", f"/withdraw {number.group(1)}"))[-1].text
    assert "withdrawn" in done
    assert "haven't reported" in (await bot.push("fay", "/mine"))[-1].text
