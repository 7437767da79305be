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
from storage.db import counting_transactions
from storage.models import Person, Report

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


PLACES = ("Leeds", "York", "Hull", "Bradford")


async def test_callers_arriving_together_are_read_together_each_their_own(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    """Forty reports and a stranger's at once: their callers are read in a few shared
    reading transactions (bot.gathered), yet each report is stored as its own sender's,
    from their own place, and the stranger is asked to start first."""
    app = await App.create(make_settings(), nlp=nlp)
    replies: dict[str, str] = {}

    async def deliver(message: Outgoing) -> None:
        replies.setdefault(message.chat_id, message.reply.text)

    dispatcher = Dispatcher(app.handle, deliver, concurrency=PEOPLE + 1)
    try:
        for n in range(PEOPLE):
            await onboard_in(app, n, PLACES[n % len(PLACES)])
        await dispatcher.start()
        with counting_transactions(app.services.db) as counted:
            for n in range(PEOPLE + 1):
                await dispatcher.submit(report(n))
            await dispatcher.join()
        homes = select(Person.id, Report.place_key, Person.place_key).join(
            Report, Report.person_id == Person.id
        )
        async with app.services.db.reading() as session:
            stored = (await session.execute(homes)).all()
    finally:
        await dispatcher.stop()
        await app.close()
    assert counted.reads < PEOPLE // 4, counted  # one per message before they were gathered
    assert len(stored) == PEOPLE
    assert all(reported == home for _, reported, home in stored)
    assert len({home for _, _, home in stored}) == len(PLACES)
    assert "report is saved" not in replies[f"dm-p{PEOPLE}"]
    assert sum("report is saved" in replies[f"dm-p{n}"] for n in range(PEOPLE)) == PEOPLE


async def onboard_in(app: App, n: int, town: str) -> None:
    place = resolve_place(town)
    person = await app.services.people.ensure_person(report(n))
    await app.services.people.consent(person)
    await app.services.people.set_place(person, place.name, place.key, place.region)
    await app.services.people.finish_onboarding(person, "Health")
