"""Introductions that can be followed (issue 15, defect 6): the partner is named by the
handle the platform shows now, as a mention of their platform identity, and nobody is
offered an introduction to someone who could never answer it (an imported reporter)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from circle_support import RISK_A, RISK_B

from bot.batch import import_csv
from bot.messages import Mention, Reply
from groundswell.testing import BotHarness

OFFER = "Someone near you also faces"
YES = "Yes, introduce me"


async def test_the_partner_gets_the_handle_shown_now_as_a_mention(pairs: BotHarness) -> None:
    bot = pairs
    await bot.onboard("amira", "Leeds")
    await bot.onboard("ben", "Leeds")
    renamed = "@amira_renamed"  # she changed her username after /start
    await bot.push("amira", f"/report {RISK_A}", handle=renamed)
    await bot.push("ben", f"/report {RISK_B}")
    await bot.tap("amira", YES, handle=renamed)
    met = (await bot.tap("ben", YES))[0]
    assert f"meet {renamed}." in met.text and "@amira." not in met.text
    assert met.mentions == (Mention("console", "amira", renamed, met.text.index(renamed)),)
    told = bot.inbox("amira")[-1]
    assert told.mentions == (Mention("console", "ben", "@ben", told.text.index("@ben")),)


@pytest.mark.parametrize(
    "wrong", [Mention("telegram", "702", "Ben", 0), Mention("telegram", "702", "", 5)]
)
def test_a_mention_must_name_its_place_in_the_text(wrong: Mention) -> None:
    reply = Reply("meet Ben.", mentions=(Mention("telegram", "702", "Ben", 5),))
    assert reply.pieces("telegram") == ["meet ", reply.mentions[0], "."]
    assert reply.pieces("discord") == ["meet Ben."]  # another platform's: plain text
    with pytest.raises(ValueError, match="a mention must name text"):
        Reply("meet Ben.", mentions=(wrong,))


def one_row_csv(path: Path, text: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "place", "reporter", "created_at"])
        writer.writerow([text, "Leeds", "p-1", date.today().isoformat()])
    return path


async def test_an_imported_reporter_is_never_offered_an_introduction(
    pairs: BotHarness, tmp_path: Path
) -> None:
    """An imported row has no chat: an offer to it could never be answered, and the person
    offered would wait for a yes that cannot come."""
    bot = pairs
    imported = await import_csv(bot.app, one_row_csv(tmp_path / "older.csv", RISK_A))
    assert imported.imported == 1
    await bot.onboard("amira", "Leeds")
    replies = await bot.push("amira", f"/report {RISK_B}")
    assert "2 people in 1 place share it" in replies[0].text, "the theme is shown"
    assert not any(OFFER in r.text for r in replies)
