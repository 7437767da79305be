"""One circle, chats on two platforms: an announcement reaches every linked chat."""

from __future__ import annotations

from circle_support import onboard_on

from bot.handlers.circles import UNLINKED_ANNOUNCE
from groundswell.testing import BotHarness


async def _two_linked_chats(duo: BotHarness) -> None:
    """Leeds Carers, coordinated by cora (console) and tom (Telegram), linked on both."""
    await onboard_on(duo, "olive", "Leeds", "console")
    await onboard_on(duo, "cora", "Leeds", "console")
    await onboard_on(duo, "tom", "Leeds", "telegram")
    await duo.push("olive", "/circle new Leeds Carers place Leeds")
    await duo.push("olive", "/appoint Leeds Carers @cora")
    appointed = await duo.push("olive", "/appoint Leeds Carers telegram:tom")
    assert appointed[0].text == "telegram:tom is now a coordinator of Leeds Carers."
    note = duo.inbox("tom", platform="telegram")[-1].text
    assert note.startswith("You're now a coordinator of Leeds Carers.")
    linked = await duo.push("cora", "/link Leeds Carers", group="carers-console")
    assert linked[-1].text == "This chat is now linked to the circle Leeds Carers."
    linked = await duo.push("tom", "/link Leeds Carers", group="carers-tg", platform="telegram")
    assert linked[-1].text == "This chat is now linked to the circle Leeds Carers."
    circle = await duo.app.services.circles.find("leeds carers")
    assert circle is not None
    chats = await duo.app.services.circles.linked_chats(circle.id)
    assert sorted(chats) == [("console", "carers-console"), ("telegram", "carers-tg")]


async def test_announce_in_a_linked_chat_reaches_both_platforms(duo: BotHarness) -> None:
    await _two_linked_chats(duo)
    await duo.push("cora", "/announce Meeting on Friday at 6", group="carers-console")
    expected = "📣 Leeds Carers: Meeting on Friday at 6"
    assert duo.inbox("", platform="console", group="carers-console")[-1].text == expected
    assert duo.inbox("", platform="telegram", group="carers-tg")[-1].text == expected


async def test_announce_privately_by_name_reaches_both_and_confirms(duo: BotHarness) -> None:
    await _two_linked_chats(duo)
    replies = await duo.push("tom", "/announce Leeds Carers Petition is live", platform="telegram")
    assert replies[-1].text == "Sent to 2 linked chat(s) of Leeds Carers."
    expected = "📣 Leeds Carers: Petition is live"
    assert duo.inbox("", platform="console", group="carers-console")[-1].text == expected
    assert duo.inbox("", platform="telegram", group="carers-tg")[-1].text == expected


async def test_a_member_cannot_announce_and_nothing_is_sent(duo: BotHarness) -> None:
    await _two_linked_chats(duo)
    await onboard_on(duo, "mia", "Leeds", "console")
    await duo.push("mia", "/join Leeds Carers")
    before = len(duo.inbox("", platform="telegram", group="carers-tg"))
    refused = await duo.push("mia", "/announce Hello all", group="carers-console")
    assert [r.text for r in refused] == ["Sorry, that command isn't available to you here."]
    refused = await duo.push("mia", "/announce Leeds Carers Hello all")
    assert [r.text for r in refused] == ["Sorry, that command isn't available to you here."]
    assert len(duo.inbox("", platform="telegram", group="carers-tg")) == before


async def test_announce_without_linked_chats_says_how_to_link(bot: BotHarness) -> None:
    await bot.onboard("olive", "York")
    await bot.push("olive", "/circle new York Circle place York")
    reply = await bot.push("olive", "/announce York Circle hello")
    assert reply[-1].text.startswith("York Circle has no linked chats yet")


async def test_an_organiser_in_an_unlinked_group_is_told_how(bot: BotHarness) -> None:
    await bot.onboard("olive", "York")
    await bot.push("olive", "/circle new York Circle place York")
    reply = await bot.push("olive", "/announce York Circle hello", group="unlinked-group")
    assert [r.text for r in reply] == [UNLINKED_ANNOUNCE]
    assert "/link NAME" in reply[0].text and "privately" in reply[0].text
