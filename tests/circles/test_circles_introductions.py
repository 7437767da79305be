"""Double opt-in introductions: offers name nobody, handles pass only after two yeses.

Offers are made only on a theme that may be shown (bot.visibility), so these stories run
with min_people 2 (the ``pairs`` bot); each offer has its own buttons."""

from __future__ import annotations

from circle_support import RISK_A, RISK_B, RISK_C, everything_seen, onboard_on, texts

from groundswell.testing import BotHarness

OFFER = "Someone near you also faces"
YES, NO = "Yes, introduce me", "No thanks"


async def test_two_yeses_exchange_handles_and_a_decline_reveals_no_one(pairs: BotHarness) -> None:
    bot = pairs
    for name in ("amira", "ben", "carol"):
        await bot.onboard(name, "Leeds")
    await bot.push("amira", f"/report {RISK_A}")
    to_ben = await bot.push("ben", f"/report {RISK_B}")
    assert "your report is saved" in to_ben[0].text
    assert OFFER in to_ben[1].text and "@amira" not in texts(to_ben)
    offer_to_amira = bot.inbox("amira")[-1]
    assert "Someone near you shares a barrier you reported" in offer_to_amira.text
    assert "@ben" not in offer_to_amira.text

    waiting = await bot.tap("amira", YES)
    assert [r.text for r in waiting] == ["Thank you. If they say yes too, I'll introduce you."]
    ben_before = len(bot.inbox("ben"))
    met = await bot.tap("ben", YES)
    assert "meet @amira." in met[0].text and "on " not in met[0].text.split("meet")[1][:12]
    assert len(bot.inbox("ben")) == ben_before + 1
    assert "meet @ben." in bot.inbox("amira")[-1].text

    others_before = {n: len(bot.inbox(n)) for n in ("amira", "ben")}
    to_carol = await bot.push("carol", f"/report {RISK_C}")
    offers = [r for r in to_carol if OFFER in r.text]
    assert len(offers) == 2  # one message, and one pair of buttons, per offer
    assert len({b.data for r in offers for b in r.buttons}) == 4
    assert all("Someone near you" in bot.inbox(n)[-1].text for n in ("amira", "ben"))
    declined = await bot.tap("carol", NO)  # the most recent offer only
    assert [r.text for r in declined] == ["Okay, I won't share anything about you."]
    declined = await bot.tap("carol", NO)  # the same button again: that offer is answered
    assert [r.text for r in declined] == ["That offer is no longer open."]
    await bot.tap("amira", YES)
    await bot.tap("ben", YES)
    assert {n: len(bot.inbox(n)) for n in ("amira", "ben")} == {
        n: count + 2
        for n, count in others_before.items()  # the offer and their own "thank you"
    }
    seen_by_others = texts(everything_seen(bot, except_chats=("dm-carol",)))
    assert "carol" not in seen_by_others.casefold()
    seen_by_carol = texts(bot.inbox("carol"))
    assert "@amira" not in seen_by_carol and "@ben" not in seen_by_carol


async def test_one_offer_per_pair_and_offers_can_be_turned_off(pairs: BotHarness) -> None:
    bot = pairs
    for name in ("dev", "eli", "fin"):
        await bot.onboard(name, "York")
    await bot.push("dev", f"/report {RISK_A}")
    assert OFFER in (await bot.push("eli", f"/report {RISK_B}"))[1].text
    again = await bot.push("eli", f"/report {RISK_C}")
    assert len(again) == 1 and "your report is saved" in again[0].text

    off = await bot.push("fin", "/offers off")
    assert "offers are off" in off[0].text
    dev_before = len(bot.inbox("dev"))
    alone = await bot.push("fin", f"/report {RISK_A}")
    assert len(alone) == 1 and len(bot.inbox("dev")) == dev_before
    await bot.push("fin", "/offers on")
    offered = await bot.push("fin", f"/report {RISK_B}")
    assert sum(OFFER in r.text for r in offered) == 2


async def test_only_the_same_place_or_a_shared_circle_counts_as_near(pairs: BotHarness) -> None:
    bot = pairs
    await bot.onboard("gia", "Leeds")
    await bot.onboard("hal", "Bristol")
    await bot.onboard("olive", "Leeds")
    await bot.push("gia", f"/report {RISK_A}")
    assert len(await bot.push("hal", f"/report {RISK_B}")) == 1

    await bot.push("olive", "/circle new Risk Campaign place Leeds focus risk policy")
    await bot.push("gia", "/join Risk Campaign")
    await bot.push("hal", "/join Risk Campaign")
    assert OFFER in (await bot.push("hal", f"/report {RISK_C}"))[1].text


async def test_the_platform_is_named_when_it_differs(pairs: BotHarness) -> None:
    duo = pairs
    await onboard_on(duo, "amira", "Leeds", "console")
    await onboard_on(duo, "tess", "Leeds", "telegram")
    await duo.push("amira", f"/report {RISK_A}")
    offer = await duo.push("tess", f"/report {RISK_B}", platform="telegram")
    assert OFFER in offer[1].text
    await duo.tap("tess", YES, platform="telegram")
    met = await duo.tap("amira", YES)
    assert "meet @tess on Telegram." in met[0].text
    told = duo.inbox("tess", platform="telegram")[-1].text
    assert "meet @amira in the console." in told  # the composition root's phrase


async def test_a_group_report_sends_the_offer_privately(pairs: BotHarness) -> None:
    bot = pairs
    await bot.onboard("ike", "Hull")
    await bot.onboard("jan", "Hull")
    await bot.push("ike", f"/report {RISK_A}")
    in_group = await bot.push("jan", f"/report {RISK_B}", group="ward-chat")
    assert all("near you" not in r.text for r in in_group)
    assert OFFER in bot.inbox("jan")[-1].text


async def test_people_in_a_circle_with_a_chat_are_invited_to_meet_there(pairs: BotHarness) -> None:
    bot = pairs
    await bot.onboard("olive", "Leeds")
    await bot.onboard("kim", "Derby")
    await bot.onboard("lee", "Derby")
    await bot.push("olive", "/circle new Derby Voices place Derby")
    await bot.push("olive", "/link Derby Voices", group="derby-chat")
    for name in ("kim", "lee"):
        await bot.push(name, "/join Derby Voices")
    await bot.push("kim", f"/report {RISK_A}")
    await bot.push("lee", f"/report {RISK_B}")
    await bot.tap("kim", YES)
    met = (await bot.tap("lee", YES))[0].text
    assert "meet @kim." in met
    assert met.endswith(
        "You're both in the circle Derby Voices: its chat in the console is a good place to meet."
    )
    assert bot.inbox("kim")[-1].text.endswith("is a good place to meet.")
