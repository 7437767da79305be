"""Crisis, safeguarding and abusive messages through the whole bot (console harness):
help first, nothing kept unless chosen, disclosures out of themes, counts only for
organisers, and no log line with the text."""

from __future__ import annotations

import logging

import pytest

from bot.app import App
from bot.services.safety import FILED
from groundswell.testing import BotHarness
from nlp.analysis import Analysis
from storage.db import current_unit

CRISIS = "I can't cope anymore. I've been thinking about ending it all"
DISCLOSURE = (
    "A carer on my unit slapped a resident last night and the manager told us to keep quiet."
)
ABUSIVE = "you useless pen pusher at the council, f*** off"


async def _reports_of(bot: BotHarness, user: str) -> str:
    return (await bot.push(user, "/mine"))[-1].text


async def test_crisis_gets_help_first_and_nothing_is_kept(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await bot.onboard("ana", "Leeds")
    reply = (await bot.push("ana", CRISIS))[-1]
    assert "116 123" in reply.text and "111" in reply.text and "999" in reply.text
    assert reply.text.index("116 123") < reply.text.index("keep it")
    assert "theme" not in reply.text.lower()
    assert "haven't reported" in await _reports_of(bot, "ana")
    left = (await bot.tap("ana", "Leave it"))[-1].text
    assert "nothing is kept" in left
    assert "haven't reported" in await _reports_of(bot, "ana")
    assert "ending it all" not in caplog.text


async def test_crisis_kept_only_when_asked(bot: BotHarness) -> None:
    await bot.onboard("bea", "York")
    await bot.push("bea", f"/report {CRISIS}")
    kept = (await bot.tap("bea", "Keep it as a report"))[-1].text
    assert "your report is saved" in kept
    assert "ending it all" in await _reports_of(bot, "bea")


async def test_safeguarding_gets_routes_and_stays_out_of_themes(bot: BotHarness) -> None:
    await bot.onboard("cal", "Leeds")
    reply = (await bot.push("cal", DISCLOSURE))[-1].text
    for route in ("safeguarding lead", "safeguarding team", "CQC", "Protect"):
        assert route in reply
    assert "theme" not in reply.lower().replace("campaign theme", "")
    filed = (await bot.tap("cal", "File as a barrier, no details"))[-1].text
    assert "your report is saved" in filed
    mine = await _reports_of(bot, "cal")
    assert "slapped" not in mine and "safeguarding concern" in mine
    digest = (await bot.push("olive", "/digest"))[-1].text
    assert "slapped" not in digest


async def test_safeguarding_not_filed_keeps_nothing(bot: BotHarness) -> None:
    await bot.onboard("dee", "Hull")
    await bot.push("dee", DISCLOSURE)
    await bot.tap("dee", "Don't keep anything")
    assert "haven't reported" in await _reports_of(bot, "dee")


async def test_abuse_is_refused_and_never_stored(bot: BotHarness) -> None:
    await bot.onboard("eve", "Leeds")
    reply = (await bot.push("eve", f"/report {ABUSIVE}"))[-1]
    assert "can't keep" in reply.text and not reply.buttons
    assert "haven't reported" in await _reports_of(bot, "eve")


async def test_ordinary_reports_are_untouched(bot: BotHarness) -> None:
    await bot.onboard("fay", "Leeds")
    asked = (await bot.push("fay", "This policy is killing our service"))[-1].text
    assert asked == "Shall I save that as a barrier report?"


async def test_organisers_see_counts_only(bot: BotHarness) -> None:
    await bot.onboard("gus", "Leeds")
    for _ in range(3):
        await bot.push("gus", f"/report {ABUSIVE}")
    await bot.push("gus", CRISIS)
    counts = (await bot.push("olive", "/safety"))[-1].text
    assert "3 abusive messages refused" in counts
    assert "fewer than 3 crisis" in counts  # one: below min_people, not even the count
    assert "pen pusher" not in counts and "ending" not in counts
    refused = (await bot.push("gus", "/safety"))[-1].text
    assert refused == "Sorry, that command isn't available to you here."


def test_crisis_lines_are_configurable_for_other_countries() -> None:
    from bot.handlers.safety import crisis_text
    from config.settings import load_settings

    settings = load_settings(
        _env_file=None, crisis_help="Lifeline: call 13 11 14|000 in an emergency"
    )
    assert settings.crisis_help == ["Lifeline: call 13 11 14", "000 in an emergency"]
    text = crisis_text(settings.crisis_help)
    assert "13 11 14" in text and "116 123" not in text
    assert "116 123" in crisis_text(load_settings(_env_file=None).crisis_help)


async def test_filing_a_disclosure_holds_no_turn_while_it_is_analysed(
    bot: BotHarness, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filed count is a write nobody reads back in the message: it must not claim the
    message's turn in the group commit before spaCy runs (everyone's batch would wait)."""
    await bot.onboard("hal", "Leeds")
    await bot.push("hal", DISCLOSURE)
    held: list[bool] = []
    analyse = app.services.nlp.analyse

    async def watched(texts: list[str]) -> list[Analysis]:
        unit = current_unit()
        held.append(unit is not None and unit.session is not None)
        return await analyse(texts)

    monkeypatch.setattr(app.services.nlp, "analyse", watched)
    filed = (await bot.tap("hal", "File as a barrier, no details"))[-1].text
    assert "your report is saved" in filed
    assert held == [False]
    counts = await app.services.safety.counts(1)
    assert counts.get(FILED) == 1 and counts.get("safeguarding") == 1
