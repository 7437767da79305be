"""The whole bot, as an organiser campaigning with it: people on the console and on Telegram
(through PTB and the fake Bot API) report privately, their circle's digest shows in its
linked group, trends read right across three periods, /themes and /digest agree, a typo'd
place is suggested and merged, an import is idempotent, and a campaign update reaches
every reporter and "me too" of the theme, on both platforms, and no one else."""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from barrier_texts import PROCUREMENT_A, PROCUREMENT_B, PROCUREMENT_C, RISK
from spacy.language import Language

sys.path.insert(0, str(Path(__file__).parents[1] / "telegram"))

import tg_updates as tg  # noqa: E402
from fake_bot_api import TOKEN, FakeBotApi  # noqa: E402
from tg_support import TelegramWorld  # noqa: E402

from adapters.telegram import TelegramAdapter  # noqa: E402
from bot.app import App  # noqa: E402
from bot.batch import import_csv  # noqa: E402
from bot.services.campaigns import build_update_sender  # noqa: E402
from config.settings import Settings  # noqa: E402
from groundswell.testing import BotHarness  # noqa: E402
from storage.updates import seen_in  # noqa: E402

TARIQ = tg.user(711, "tariq", "Tariq")  # a Leeds Frontline member on Telegram
GROUP = "leeds-frontline"  # the circle's linked group, on the console
OLDER = [  # the same barrier, imported with the dates it was first raised
    "Procurement rules shut out our local social enterprise; only big contractors can bid.",
    "The tender framework stops small local providers bidding for council contracts.",
    "Procurement frameworks are too heavy for a small social enterprise to tender.",
    "Only large contractors can bid under our procurement rules, not local charities.",
]
WON = "The council agreed to split contracts into lots that small local providers can bid for."


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = await FakeBotApi().start()
    yield api
    await api.close()


@pytest.fixture
def story_settings(make_settings: Callable[..., Settings], fake_api: FakeBotApi) -> Settings:
    return make_settings(telegram_token=TOKEN, telegram_base_url=fake_api.base_url)


@pytest.fixture
async def both(
    story_settings: Settings, nlp: Language, fake_api: FakeBotApi
) -> AsyncIterator[tuple[BotHarness, TelegramWorld]]:
    """One bot: the console harness and a real Telegram adapter on the same runtime."""
    app = await App.create(story_settings, nlp=nlp)
    async with BotHarness(app) as bot:
        adapter = TelegramAdapter(
            story_settings, bot.runtime.dispatcher.submit, seen=seen_in(app.services.db)
        )
        bot.runtime.add(adapter)
        await adapter.start()
        try:
            yield bot, TelegramWorld(fake_api, bot.runtime)
        finally:
            await adapter.stop()
    await app.close()


async def report(bot: BotHarness, user: str, text: str) -> int:
    """Report, then read the theme id from the reporter's own /mine."""
    await bot.push(user, f"/report {text}")
    return theme_of((await bot.push(user, "/mine"))[-1].text)


def theme_of(text: str) -> int:
    match = re.search(r"theme #(\d+)", text)
    assert match, text
    return int(match.group(1))


def block(digest: str, theme: int) -> str:
    """One theme's lines of a digest."""
    for part in digest.split("\n\n"):
        if f"(theme #{theme})" in part:
            return part
    raise AssertionError(f"theme #{theme} is not in:\n{digest}")


def uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def older_csv(path: Path) -> Path:
    """One reporter 45 days ago (the previous 30 days), three 120 days ago (the previous 90)."""
    today = date.today()
    rows = [
        (OLDER[0], "p-1", today - timedelta(days=45)),
        (OLDER[1], "p-2", today - timedelta(days=120)),
        (OLDER[2], "p-3", today - timedelta(days=121)),
        (OLDER[3], "p-4", today - timedelta(days=122)),
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "place", "reporter", "created_at"])
        for text, reporter, day in rows:
            writer.writerow([text, "Leeds", reporter, uk(day)])
        writer.writerow(["", "Leeds", "p-5", uk(today)])
    return path


async def onboard_with_typo(bot: BotHarness, user: str, answer: str) -> str:
    await bot.push(user, "/start")
    await bot.tap(user, "Yes, I agree")
    asked = (await bot.push(user, "Newcastel"))[-1]
    assert asked.text == "I don't know “Newcastel”. Did you mean Newcastle upon Tyne?"
    got = (await bot.tap(user, answer))[-1].text
    await bot.tap(user, "Health")
    return got


async def test_a_circle_campaigns_and_everyone_who_raised_it_hears(
    both: tuple[BotHarness, TelegramWorld], tmp_path: Path
) -> None:
    bot, telegram = both
    # A circle, its coordinator, and its linked group.
    for user in ("cora", "amira", "ben", "chloe", "dave"):
        await bot.onboard(user, "York" if user == "dave" else "Leeds")
    await telegram.onboard(TARIQ, "Leeds")
    created = (await bot.push("olive", "/circle new Leeds Frontline place Leeds"))[-1].text
    assert "Leeds Frontline" in created
    for user in ("cora", "amira", "ben", "chloe"):
        await bot.push(user, "/join Leeds Frontline")
    await telegram.say(TARIQ, "/join Leeds Frontline")
    await bot.push("olive", "/appoint Leeds Frontline @cora")
    await bot.tap("cora", "Yes, I'll coordinate")  # appointing asks the person first
    assert "now linked" in (await bot.push("cora", "/link Leeds Frontline", group=GROUP))[-1].text

    # Members report privately, one on Telegram; another says "me too"; Dave, not a member,
    # reports something else.
    # (the reply names no theme below min_people reporters: ids come from one's own /mine)
    theme = await report(bot, "amira", PROCUREMENT_A)
    assert await report(bot, "ben", PROCUREMENT_B) == theme
    await telegram.say(TARIQ, f"/report {PROCUREMENT_C}")
    assert theme_of((await telegram.say(TARIQ, "/mine"))[-1]) == theme
    assert "counted" in (await bot.push("chloe", f"/metoo {theme}"))[-1].text
    other = await report(bot, "dave", RISK)
    assert other != theme

    # The circle's digest, in its linked group, counts its members' private reports.
    circle_digest = (await bot.push("cora", "/digest", group=GROUP))[-1].text
    assert circle_digest.startswith("Shared-demand digest: circle Leeds Frontline, ")
    # (a lone "me too" adds no one: me-toos count only when min_people of them stand)
    assert "3 people in 1 place — including Leeds (3)" in block(circle_digest, theme)

    # /themes and /digest: the same period, named in the first line, and the same numbers.
    themes = (await bot.push("amira", "/themes"))[-1].text
    everywhere = (await bot.push("olive", "/digest"))[-1].text
    period = re.search(r"(\d\d \w{3} \d{4} – \d\d \w{3} \d{4})", everywhere)
    assert period and themes.splitlines()[0].startswith(f"Shared barriers, {period.group(1)}")
    listed = re.search(rf"#{theme} .*: (\d+) people in (\d+) place", themes)
    shown = re.search(r"(\d+) people in (\d+) place", block(everywhere, theme))
    assert listed and shown and listed.groups() == shown.groups() == ("3", "1")
    assert "me-too" not in block(everywhere, theme) and "circles" not in everywhere

    # Older reports of the same barrier arrive by import (UK dates); importing twice adds
    # nothing the second time and says so.
    path = older_csv(tmp_path / "older.csv")
    first = await import_csv(bot.app, path)
    assert (first.imported, first.already) == (4, 0)
    assert first.problems == ["line 6: the text is empty; nothing was imported from this row"]
    again = await import_csv(bot.app, path)
    assert (again.imported, again.already) == (0, 4)
    assert again.summary().endswith("4 were already there, so were not added again.")

    # Trends across three periods, in exact words.
    week = block((await bot.push("olive", "/digest since 7d"))[-1].text, theme)
    month = block((await bot.push("olive", "/digest since 30d"))[-1].text, theme)
    quarter = block((await bot.push("olive", "/digest since 90d"))[-1].text, theme)
    assert "; new this period" in week  # nobody the week before
    assert "; growing from a few in the previous period" in month  # one person, not a number
    assert "; rising (3 → 4 people, +1)" in quarter

    # A typo'd place is suggested; one person takes the suggestion, one keeps what they
    # typed, and an organiser merges it.
    assert (await onboard_with_typo(bot, "noel", "Yes, Newcastle upon Tyne")).startswith(
        "Got it: Newcastle upon Tyne."
    )
    assert (await onboard_with_typo(bot, "nina", "No, keep “Newcastel”")).startswith(
        "Got it: Newcastel."
    )
    merged = (await bot.push("olive", "/place merge Newcastel into Newcastle"))[-1].text
    assert merged.startswith("“Newcastel” now counts as Newcastle upon Tyne everywhere")
    nina = (await bot.push("nina", "/mydata"))[-1].files[0].content.decode()
    assert '"place": "Newcastle upon Tyne"' in nina and "Newcastel" not in nina

    # Closing the loop: the organiser posts progress; everyone who reported it or said
    # "me too" hears once, privately, on their own platform; no one else does.
    await bot.push("olive", f"/theme {theme} demand Let small local providers bid")
    posted = (await bot.push("olive", f"/theme {theme} update won {WON}"))[-1].text
    assert posted.startswith(f"Theme #{theme}: won, ")
    services = bot.app.services
    sender = build_update_sender(
        services.db,
        services.introductions,
        bot.runtime.deliver,
        lambda: tuple(bot.runtime.adapters),
        per_second=0,
    )
    assert await sender.tick() == 4
    assert await sender.tick() == 0
    for user in ("amira", "ben", "chloe"):
        news = [r.text for r in bot.inbox(user) if r.text.startswith("News on a barrier")]
        assert len(news) == 1 and WON in news[0] and "WON" in news[0], (user, news)
    on_telegram = [t for t in telegram.fake.texts(TARIQ["id"]) if t.startswith("News on")]
    assert len(on_telegram) == 1 and WON in on_telegram[0]
    everyone_told = [
        *on_telegram,
        *(r.text for u in ("amira", "ben", "chloe") for r in bot.inbox(u)),
    ]
    for message in (m for m in everyone_told if m.startswith("News on")):
        assert not re.search(r"amira|ben|chloe|tariq|cora|\d+ (people|others)", message.casefold())
    for user in ("cora", "dave", "olive", "noel", "nina"):
        assert not [r for r in bot.inbox(user) if r.text.startswith("News on")], user
    assert not [r for r in bot.inbox("cora", group=GROUP) if r.text.startswith("News on")]
    assert f"(theme #{theme}, campaign: won " in (await bot.push("amira", "/mine"))[-1].text

    final = (await bot.push("olive", "/digest since 90d"))[-1].text
    assert re.search(rf"Campaign: won, \d\d \w{{3}} \d{{4}} — {re.escape(WON)}", final)
    for name in ("amira", "ben", "chloe", "tariq", "cora", "dave", "olive"):
        assert name not in final.casefold()
    print(final)  # the note pastes this digest, as an organiser reads it
