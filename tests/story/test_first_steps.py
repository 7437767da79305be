"""First steps: what someone who has not sent /start is told, and the place typo check."""

from __future__ import annotations

import pytest

from bot.places import suggest_place
from groundswell.testing import BotHarness


async def test_help_before_start_says_what_the_bot_is_for(bot: BotHarness) -> None:
    text = (await bot.push("zoe", "/help"))[-1].text
    first = text.splitlines()[0]
    assert "for reporting" in first and "barriers" in first and "/start" in first
    assert "/digest" not in text  # organiser commands are not listed to a stranger


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Newcastel", "Newcastle upon Tyne"),
        ("Leedz", "Leeds"),
        ("Lundon", "London"),
        ("Somewhereville", None),
        ("Yrok", None),  # too far from York to guess
        ("Ambridge", None),
    ],
)
def test_a_place_near_a_known_one_is_suggested(typed: str, suggested: str | None) -> None:
    found = suggest_place(typed)
    assert (found.name if found else None) == suggested
