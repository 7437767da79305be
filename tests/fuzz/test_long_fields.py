"""Text longer than its column (VARCHAR(n)) must get an answer, not an error. SQLite stores
it silently, PostgreSQL refuses it, so these only fail on PostgreSQL. The failing cases were
found by the 10,000-example fuzz run on PostgreSQL; circle commands now check lengths and
the core cuts handles and chat titles to their columns."""

from __future__ import annotations

import pytest

from bot.messages import APOLOGY, Incoming
from groundswell.testing import BotHarness

LONG_NAME = "/circle new " + "N" * 300 + " place Leeds"
LONG_FOCUS = "/circle new Carers place Leeds focus " + "F" * 400
CASES = [
    pytest.param("olive", LONG_NAME, id="circle-name"),
    pytest.param("olive", LONG_FOCUS, id="circle-focus"),
    pytest.param("mia", LONG_NAME, id="proposal-name"),
    pytest.param("olive", "/theme 1 name " + "T" * 300, id="theme-name"),
    pytest.param("mia", "/report " + "word " * 900, id="report-over-limit"),
]


@pytest.mark.parametrize(("user", "text"), CASES)
async def test_over_long_text_gets_an_answer(bot: BotHarness, user: str, text: str) -> None:
    await bot.onboard(user, "Leeds")
    replies = await bot.push(user, text)
    assert replies and all(r.text != APOLOGY for r in replies), replies


async def test_an_over_long_user_handle_gets_an_answer(bot: BotHarness) -> None:
    event = Incoming("console", "dm-x", "x", "/start", user_handle="@" + "h" * 300)
    replies = [o.reply for o in await bot.app.handle(event)]
    assert replies and all(r.text != APOLOGY for r in replies), replies
