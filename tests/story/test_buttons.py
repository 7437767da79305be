"""One tap where people used to type: "Me too" on /themes, "Join" on /circles, "Withdraw"
(with a confirm step) on /mine, and a private-chat link on /start in a group.

Buttons reveal no more than the text beside them: a theme below min_people gets no
"Me too", and no button that a tap would answer in a group is shown there."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable

import pytest
from barrier_texts import PROCUREMENT_A, PROCUREMENT_B, RISK
from spacy.language import Language

from bot.app import App
from bot.handlers.themes import metoo_button
from bot.messages import Button, Reply
from config.settings import Settings
from groundswell.testing import BotHarness


@pytest.fixture
async def pair_bot(
    make_settings: Callable[..., Settings], nlp: Language
) -> AsyncIterator[BotHarness]:
    """min_people 2, so two reporters make a theme shown and one keeps it hidden."""
    built = await App.create(make_settings(min_people=2), nlp=nlp)
    async with BotHarness(built) as harness:
        yield harness
    await built.close()


def labels(reply: Reply) -> list[str]:
    return [b.label for b in reply.buttons]


def theme_of(bot: BotHarness, user: str) -> int:
    mine = bot.inbox(user)[-1].text
    match = re.search(r"theme #(\d+)", mine)
    assert match, mine
    return int(match.group(1))


async def test_themes_carry_a_me_too_for_each_shown_theme_only(pair_bot: BotHarness) -> None:
    bot = pair_bot
    for name, place in (
        ("amira", "Leeds"),
        ("ben", "Bradford"),
        ("chloe", "York"),
        ("dev", "Hull"),
    ):
        await bot.onboard(name, place)
    await bot.push("amira", f"/report {PROCUREMENT_A}")
    await bot.push("ben", f"/report {PROCUREMENT_B}")
    await bot.push("chloe", f"/report {RISK}")  # alone: its theme is hidden
    await bot.push("ben", "/mine")
    shown = theme_of(bot, "ben")
    await bot.push("chloe", "/mine")
    hidden = theme_of(bot, "chloe")
    assert hidden != shown

    [listing] = await bot.push("dev", "/themes")
    assert labels(listing) == [f"Me too #{shown}"], "no button for the hidden theme"
    assert all(str(hidden) not in b.data for b in listing.buttons)
    [counted] = await bot.tap("dev", f"Me too #{shown}")
    assert f"your “me too” is counted on #{shown}" in counted.text
    [again] = await bot.push("dev", "/themes")
    assert f"#{shown}" in again.text and not again.buttons, "no second me-too"

    [own] = await bot.push("amira", "/themes")
    assert f"#{shown}" in own.text and not own.buttons, "no me-too on one's own theme"
    [in_group] = await bot.push("dev", "/themes", group="carers")
    assert f"#{shown}" in in_group.text and not in_group.buttons, "a tap would answer there"


async def test_a_forged_me_too_on_a_hidden_theme_counts_nothing(pair_bot: BotHarness) -> None:
    bot = pair_bot
    await bot.onboard("chloe", "York")
    await bot.onboard("dev", "Hull")
    await bot.push("chloe", f"/report {RISK}")
    await bot.push("chloe", "/mine")
    hidden = theme_of(bot, "chloe")
    await bot.push("dev", "/themes")
    forged = Reply("forged", buttons=(metoo_button(hidden),))  # data any client can send
    bot.adapters["console"].sent["dm-dev"].append(forged)
    [answer] = await bot.tap("dev", f"Me too #{hidden}")
    assert answer.text == f"There's no theme #{hidden} to add to. /themes lists them."


async def test_circles_carry_a_join_button_for_circles_not_joined(bot: BotHarness) -> None:
    circles = bot.app.services.circles
    await circles.create("Leeds carers", "Leeds", "leeds", None, None, None)
    await circles.create("Hull health", "Hull", "hull", None, None, None)
    await bot.onboard("amira", "York")
    [listing] = await bot.push("amira", "/circles")
    assert labels(listing) == ["Join Hull health", "Join Leeds carers"]
    [joined] = await bot.tap("amira", "Join Leeds carers")
    assert joined.text.startswith("Welcome to Leeds carers!")
    [again] = await bot.push("amira", "/circles")
    assert "Leeds carers — Leeds ✓ joined" in again.text
    assert labels(again) == ["Join Hull health"]
    [in_group] = await bot.push("amira", "/circles", group="carers")
    assert not in_group.buttons


async def test_withdraw_from_mine_asks_first(bot: BotHarness) -> None:
    await bot.onboard("amira", "Leeds")
    [saved, *_] = await bot.push("amira", f"/report {PROCUREMENT_A}")
    number = int(re.search(r"saved \(#(\d+)\)", saved.text).group(1))  # type: ignore[union-attr]
    [listing] = await bot.push("amira", "/mine")
    assert labels(listing) == [f"Withdraw #{number}"]
    [ask] = await bot.tap("amira", f"Withdraw #{number}")
    assert ask.text.startswith(f"Withdraw report #{number} (“") and "deleted for good" in ask.text
    assert labels(ask) == [f"Yes, withdraw #{number}", "No, keep it"]
    [kept] = await bot.tap("amira", "No, keep it")
    assert kept.text == f"Okay, report #{number} stays."
    assert PROCUREMENT_A in (await bot.push("amira", "/mine"))[0].text
    await bot.tap("amira", f"Withdraw #{number}")
    [gone] = await bot.tap("amira", f"Yes, withdraw #{number}")
    assert gone.text == f"Report #{number} is withdrawn and deleted."
    assert "haven't reported anything" in (await bot.push("amira", "/mine"))[0].text


async def test_a_forged_withdraw_cannot_touch_someone_elses_report(bot: BotHarness) -> None:
    await bot.onboard("amira", "Leeds")
    await bot.onboard("ben", "Leeds")
    [saved, *_] = await bot.push("amira", f"/report {PROCUREMENT_A}")
    number = int(re.search(r"saved \(#(\d+)\)", saved.text).group(1))  # type: ignore[union-attr]
    await bot.push("amira", "/mine")
    bot.adapters["console"].sent["dm-ben"].append(bot.inbox("amira")[-1])  # ben forges her tap
    [refused] = await bot.tap("ben", f"Withdraw #{number}")
    assert refused.text == f"I couldn't find a report #{number} of yours. /mine lists them."
    assert PROCUREMENT_A not in refused.text
    # The dangerous data: the confirm step's "yes", which deletes, sent from ben's account.
    forged = Reply("forged", buttons=(Button("x", f"withdraw:yes:{number}"),))
    bot.adapters["console"].sent["dm-ben"].append(forged)
    [refused_yes] = await bot.tap("ben", "x")
    assert refused_yes.text == f"I couldn't find a report #{number} of yours. /mine lists them."
    assert PROCUREMENT_A in (await bot.push("amira", "/mine"))[0].text


async def test_start_in_a_group_links_to_a_private_chat(bot: BotHarness) -> None:
    [plain] = await bot.push("amira", "/start", group="carers")
    assert "message me privately" in plain.text and plain.private_link == "start"
    circles = bot.app.services.circles
    circle = await circles.create("Leeds carers", "Leeds", "leeds", None, None, None)
    assert circle is not None
    await bot.onboard("olive", "Leeds")
    await bot.push("olive", "/link Leeds carers", group="carers")
    [linked] = await bot.push("amira", "/start", group="carers")
    assert linked.private_link == f"circle_{circle.id}"
