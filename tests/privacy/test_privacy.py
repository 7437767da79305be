"""Privacy promises that cut across the code: report text never reaches the logs at INFO or
above, and a person who uses /forget stops counting in every digest."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable

import pytest
from spacy.language import Language

from bot.app import App
from bot.messages import Incoming
from config.settings import Settings
from groundswell.testing import BotHarness

PROCUREMENT = (
    "Zanzibar procurement rules mean we can't buy from the local social enterprise that "
    "runs our befriending service; the tender framework only lets big contractors bid.",
    "The council's Zanzibar procurement framework shuts out small local providers: the "
    "tender process is too heavy for a social enterprise to bid for contracts.",
    "Procurement rules (the Zanzibar framework) stop us commissioning the small local "
    "charity; only big contractors can get through the tender process.",
)
SECRET_WORDS = ("Zanzibar", "befriending", "commissioning")


async def story(bot: BotHarness) -> None:
    """Most of what a person can do, including a duplicate, an error-prone input and /forget."""
    for user, place in (("amira", "Leeds"), ("ben", "Bradford"), ("chloe", "York")):
        await bot.onboard(user, place)
    await bot.push("amira", f"/report {PROCUREMENT[0]}")
    await bot.push("ben", PROCUREMENT[1])
    await bot.tap("ben", "Yes, save it")
    await bot.push("chloe", f"/report {PROCUREMENT[2]}", group="staff-room")
    await bot.push("amira", f"/report {PROCUREMENT[0]} \x00 Zanzibar again {'x' * 5000}")
    for command in ("/mine", "/themes", "/mydata", "/withdraw 999", "/metoo 1"):
        await bot.push("amira", command)
    await bot.push("olive", "/digest")
    await bot.push("chloe", "/forget")
    await bot.tap("chloe", "Yes, delete everything")


async def test_report_text_never_reaches_the_logs_at_info_or_above(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await story(bot)
    twice = Incoming("console", "dm-amira", "amira", f"/report {PROCUREMENT[0]}", message_id="d1")
    await bot.app.handle(twice)
    await bot.app.handle(twice)  # the duplicate path: an IntegrityError-free second answer
    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    for record in loud:
        text = record.getMessage() + (caplog.handler.format(record) if record.exc_info else "")
        leaked = [w for w in SECRET_WORDS if w.casefold() in text.casefold()]
        assert not leaked, f"{record.name} logged report text at {record.levelname}: {text[:200]}"


@pytest.fixture
async def two_people_bot(
    make_settings: Callable[..., Settings], nlp: Language
) -> AsyncIterator[BotHarness]:
    app = await App.create(make_settings(min_people=2), nlp=nlp)
    async with BotHarness(app) as harness:
        yield harness
    await app.close()


def people_counted(digest: str) -> int:
    match = re.search(r"(\d+) people in \d+ place", digest)
    return int(match.group(1)) if match else 0


async def test_forgotten_people_no_longer_count_in_digests(two_people_bot: BotHarness) -> None:
    bot = two_people_bot
    for user, place in (("amira", "Leeds"), ("ben", "Bradford"), ("chloe", "York")):
        await bot.onboard(user, place)
    for user, text in zip(("amira", "ben", "chloe"), PROCUREMENT, strict=True):
        await bot.push(user, f"/report {text}")
    before = (await bot.push("olive", "/digest"))[-1].text
    assert people_counted(before) == 3, before

    await bot.push("chloe", "/forget")
    await bot.tap("chloe", "Yes, delete everything")
    after = (await bot.push("olive", "/digest"))[-1].text
    assert people_counted(after) == 2, after
    assert "York" not in after, "chloe's place still counted"

    await bot.push("ben", "/forget")
    await bot.tap("ben", "Yes, delete everything")
    alone = (await bot.push("olive", "/digest"))[-1].text
    assert people_counted(alone) == 0, "one person is below min_people=2: no theme line"
