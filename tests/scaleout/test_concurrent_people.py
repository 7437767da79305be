"""Many people at once through the real Dispatcher: every report acknowledged, none lost,
no "database is locked" (SQLite) or other failure, on both backends."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable

import pytest
from spacy.language import Language
from sqlalchemy import func, select

from bot.app import App
from bot.dispatcher import Dispatcher
from bot.messages import Incoming, Outgoing
from bot.places_lookup import resolve_place
from config.settings import Settings
from storage.models import Report

PEOPLE = 40
TOPICS = ("The rota rules", "Procurement rules", "The referral form", "Parking permits")


def report(n: int) -> Incoming:
    text = f"/report {TOPICS[n % 4]} stop us helping families at home (case {n})."
    return Incoming("console", f"dm-p{n}", f"p{n}", text, message_id=f"m{n}")


async def onboard(app: App, n: int) -> None:
    """Straight through the services: the onboarding chat is tested elsewhere."""
    place = resolve_place("Leeds")
    person = await app.services.people.ensure_person(report(n))
    await app.services.people.consent(person)
    await app.services.people.set_place(person, place.name, place.key, place.region)
    await app.services.people.finish_onboarding(person, "Health")


async def test_forty_people_reporting_at_once_are_all_acknowledged(
    make_settings: Callable[..., Settings], nlp: Language, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    app = await App.create(make_settings(), nlp=nlp)
    acks: Counter[str] = Counter()

    async def deliver(message: Outgoing) -> None:
        if "report is saved" in message.reply.text:
            acks[message.chat_id] += 1

    dispatcher = Dispatcher(app.handle, deliver, concurrency=8)
    try:
        await asyncio.gather(*(onboard(app, n) for n in range(PEOPLE)))
        await dispatcher.start()
        for n in range(PEOPLE):
            await dispatcher.submit(report(n))
        await dispatcher.join()
        async with app.services.db.transaction() as session:
            stored = await session.scalar(select(func.count()).select_from(Report))
    finally:
        await dispatcher.stop()
        await app.close()
    assert [r.getMessage() for r in caplog.records] == []
    assert stored == PEOPLE
    assert acks == Counter({f"dm-p{n}": 1 for n in range(PEOPLE)})
