"""Closing the loop through the whole bot: an organiser (or a sharing circle's coordinator)
posts progress on a theme; everyone who reported it or said "me too" hears once, privately,
and no one else does; digests and /mine show the status."""

from __future__ import annotations

import re

from barrier_texts import PROCUREMENT_A, PROCUREMENT_B, PROCUREMENT_C, RISK

from bot.roles import REFUSAL
from bot.services.campaigns import build_update_sender
from groundswell.testing import BotHarness

UPDATE = "The council agreed to split contracts into lots small providers can bid for."


def theme_of(text: str) -> int:
    match = re.search(r"theme #(\d+)", text)
    assert match, text
    return int(match.group(1))


async def report(bot: BotHarness, user: str, text: str) -> int:
    """Report, then read the theme id from the reporter's own /mine: the reply names no
    theme until min_people reporters share it."""
    await bot.push(user, f"/report {text}")
    return theme_of((await bot.push(user, "/mine"))[-1].text)


def news(bot: BotHarness, user: str) -> list[str]:
    return [r.text for r in bot.inbox(user) if r.text.startswith("News on a barrier")]


async def send_updates(bot: BotHarness) -> int:
    services = bot.app.services
    sender = build_update_sender(
        services.db,
        services.introductions,
        bot.runtime.deliver,
        lambda: tuple(bot.adapters),
        per_second=0,
    )
    return await sender.tick()


async def test_update_reaches_reporters_and_me_toos_once_and_no_one_else(
    bot: BotHarness,
) -> None:
    for user, place in (("amira", "Leeds"), ("ben", "Bradford"), ("chloe", "Leeds")):
        await bot.onboard(user, place)
    for user in ("dev", "eve"):
        await bot.onboard(user, "York")
    theme = await report(bot, "amira", PROCUREMENT_A)
    assert await report(bot, "ben", PROCUREMENT_B) == theme
    assert await report(bot, "eve", PROCUREMENT_B) == theme
    assert await report(bot, "dev", RISK) != theme
    assert "counted" in (await bot.push("chloe", f"/metoo {theme}"))[-1].text
    assert "Updates are off" in (await bot.push("eve", "/updates off"))[-1].text

    assert (await bot.push("amira", f"/theme {theme} update won {UPDATE}"))[-1].text == REFUSAL
    posted = (await bot.push("olive", f"/theme {theme} update won {UPDATE}"))[-1].text
    assert posted.startswith(f"Theme #{theme}: won, ") and UPDATE in posted

    assert await send_updates(bot) == 3
    for user in ("amira", "ben", "chloe"):
        [message] = news(bot, user)
        assert f"theme #{theme}" in message and "WON" in message and UPDATE in message
        assert not re.search(r"\d+ (people|person|others)", message)
        for other in ("amira", "ben", "chloe", "eve", "olive"):
            assert other not in message.casefold()
    assert news(bot, "dev") == [] and news(bot, "eve") == [] and news(bot, "olive") == []
    assert await send_updates(bot) == 0  # once: nothing is sent twice

    mine = (await bot.push("amira", "/mine"))[-1].text
    assert f"(theme #{theme}, campaign: won " in mine
    digest = (await bot.push("olive", "/digest"))[-1].text
    assert re.search(rf"Campaign: won, \d\d \w{{3}} \d{{4}} — {re.escape(UPDATE)}", digest)


async def test_coordinators_campaign_only_on_themes_their_circle_shares(
    bot: BotHarness,
) -> None:
    circles = bot.app.services.circles
    leeds = await circles.create("Leeds Health", "Leeds", "leeds", None, None, None)
    york = await circles.create("York Care", "York", "york", None, None, None)
    assert leeds is not None and york is not None
    for user in ("cora", "amira", "ben", "dina", "yan"):
        await bot.onboard(user, "Leeds")
    for user in ("cora", "amira", "ben", "dina"):
        assert "Welcome to" in (await bot.push(user, "/join Leeds Health"))[-1].text
    await bot.push("yan", "/join York Care")
    for circle, user in (("Leeds Health", "cora"), ("York Care", "yan")):
        await bot.push("olive", f"/appoint {circle} @{user}")
        await bot.tap(user, "Yes, I'll coordinate")  # appointing asks the person first
    theme = await report(bot, "amira", PROCUREMENT_A)
    assert await report(bot, "ben", PROCUREMENT_B) == theme
    assert await report(bot, "dina", PROCUREMENT_C) == theme  # min_people reporters: shown
    await bot.push("cora", f"/metoo {theme}")

    demand = f"/theme {theme} demand Split contracts into lots"
    assert "now demands" in (await bot.push("cora", demand))[-1].text
    update = (await bot.push("cora", f"/theme {theme} update raised Raised at the board"))[-1]
    assert update.text.startswith(f"Theme #{theme}: raised, ")
    assert (await bot.push("cora", f"/theme {theme} name Something else"))[-1].text == REFUSAL
    assert (await bot.push("yan", f"/theme {theme} update won Not theirs"))[-1].text == REFUSAL
    assert (await bot.push("cora", f"/theme {theme} update maybe Soon"))[-1].text.startswith(
        "The status is one of: raised, answered, won, dropped"
    )


async def test_a_coordinators_own_me_too_does_not_open_a_theme_to_them(
    bot: BotHarness,
) -> None:
    """Two members report, a third person outside the circle makes the theme shown, and the
    coordinator says "me too": the circle's digest still does not show it (two reporters),
    so the coordinator may not campaign on it; a third member's report opens it."""
    circles = bot.app.services.circles
    leeds = await circles.create("Leeds Health", "Leeds", "leeds", None, None, None)
    assert leeds is not None
    for user in ("cora", "amira", "ben", "dina", "omar"):
        await bot.onboard(user, "Leeds")
    for user in ("cora", "amira", "ben", "dina"):
        assert "Welcome to" in (await bot.push(user, "/join Leeds Health"))[-1].text
    await bot.push("olive", "/appoint Leeds Health @cora")
    await bot.tap("cora", "Yes, I'll coordinate")
    theme = await report(bot, "amira", PROCUREMENT_A)
    assert await report(bot, "ben", PROCUREMENT_B) == theme
    assert await report(bot, "omar", PROCUREMENT_C) == theme  # shown everywhere, not in the circle
    assert "counted" in (await bot.push("cora", f"/metoo {theme}"))[-1].text

    demand = f"/theme {theme} demand Split contracts into lots"
    assert (await bot.push("cora", demand))[-1].text == REFUSAL
    assert await report(bot, "dina", PROCUREMENT_C) == theme  # a third member reports
    assert "now demands" in (await bot.push("cora", demand))[-1].text
