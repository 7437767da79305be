"""A platform message is stored once, however often it arrives: redelivery after a crash,
a re-sent line, or two processes racing with the same message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from spacy.language import Language
from sqlalchemy import func, select

from bot.app import App
from bot.messages import ChatKind, Incoming
from config.settings import Settings
from groundswell.testing import BotHarness
from storage.models import Report

TEXT = "/report The referral form has to be faxed, and nobody has a fax machine any more."


def the_message(user: str = "amira") -> Incoming:
    return Incoming(
        platform="console",
        chat_id=f"dm-{user}",
        user_id=user,
        text=TEXT,
        chat_kind=ChatKind.PRIVATE,
        message_id="msg-42",
    )


async def count_reports(app: App) -> int:
    async with app.services.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Report)) or 0)


async def test_a_redelivered_message_gets_the_same_acknowledgement(bot: BotHarness) -> None:
    await bot.onboard("amira", "Leeds")
    first = await bot.app.handle(the_message())
    again = await bot.app.handle(the_message())
    assert "report is saved (#" in first[0].reply.text
    assert again[0].reply.text.split(").")[0] == first[0].reply.text.split(").")[0]
    assert await count_reports(bot.app) == 1


async def test_two_processes_racing_with_one_message_store_it_once(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    settings = make_settings()
    apps = [await App.create(settings, nlp=nlp) for _ in range(2)]
    try:
        async with BotHarness(apps[0]) as bot:
            await bot.onboard("amira", "Leeds")
        acks = await asyncio.gather(*(app.handle(the_message()) for app in apps))
        numbers = {out[0].reply.text.split("(#")[1].split(")")[0] for out in acks}
        assert len(numbers) == 1, acks
        assert await count_reports(apps[0]) == 1
    finally:
        for app in apps:
            await app.close()
