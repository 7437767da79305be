"""Group commit: the writes of messages handled together share one transaction, a failing
message loses only its own writes, and nobody is answered before their batch commits."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.app import App
from bot.dispatcher import Dispatcher
from bot.messages import ChatKind, Incoming, Outgoing
from groundswell.testing import BotHarness
from storage import state as state_store
from storage.db import Database
from storage.models import ConversationState, Introduction, Report
from storage.state import StateKey


def key(user: str) -> StateKey:
    return StateKey("console", f"dm-{user}", user)


async def write_state(db: Database, user: str, fail: bool = False) -> None:
    async with db.unit():
        async with db.transaction() as session:
            await state_store.set_state(session, key(user), "asked", {"n": 1}, None)
        if fail:
            raise RuntimeError("this message's work failed after writing")


def count_begins(db: Database) -> list[int]:
    begins: list[int] = []

    def begun(connection: Any) -> None:
        if not connection.get_execution_options().get("groundswell_reads_only", False):
            begins.append(1)

    event.listen(db.engine.sync_engine, "begin", begun)
    return begins


async def states(db: Database) -> set[str]:
    async with db.reading() as session:
        return set(await session.scalars(select(ConversationState.user_id)))


async def test_one_failing_message_loses_only_its_own_writes(database: Database) -> None:
    begins = count_begins(database)
    results = await asyncio.gather(
        write_state(database, "ann"),
        write_state(database, "bo", fail=True),
        write_state(database, "cy"),
        return_exceptions=True,
    )
    assert [type(r) for r in results] == [type(None), RuntimeError, type(None)]
    assert await states(database) == {"ann", "cy"}
    assert len(begins) == 1  # three messages, one write transaction


async def test_a_failed_commit_answers_nobody_in_the_batch(database: Database) -> None:
    failures = iter([RuntimeError("disk full")])

    def fail_once(_connection: Any) -> None:
        problem = next(failures, None)
        if problem is not None:
            raise problem

    event.listen(database.engine.sync_engine, "commit", fail_once)
    results = await asyncio.gather(
        write_state(database, "ann"), write_state(database, "bo"), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results), results
    assert await states(database) == set()
    await write_state(database, "cy")  # the writer goes on with the next batch
    assert await states(database) == {"cy"}


def report_message(user: str, number: int) -> Incoming:
    return Incoming(
        "console",
        f"dm-{user}",
        user,
        f"/report The rota system stops us covering shifts ({number}).",
        ChatKind.PRIVATE,
        message_id=f"{user}-{number}",
    )


@pytest.mark.parametrize("people", [12])
async def test_reports_arriving_together_share_commits(app: App, people: int) -> None:
    users = [f"u{n}" for n in range(people)]
    async with BotHarness(app) as bot:
        for user in users:
            await bot.onboard(user, "Leeds")
    acknowledged: dict[str, int] = {}
    seen_committed: list[bool] = []

    async def deliver(out: Outgoing) -> None:
        if "your report is saved" in out.reply.text:
            acknowledged[out.chat_id] = 1
            async with app.services.db.reading() as session:  # another connection
                stored = await session.scalar(
                    select(func.count()).select_from(Report).where(Report.chat_id == out.chat_id)
                )
            seen_committed.append(stored == 1)

    begins = count_begins(app.services.db)
    dispatcher = Dispatcher(app.handle, deliver, concurrency=people)
    await dispatcher.start()
    for user in users:
        await dispatcher.submit(report_message(user, 1))
    await dispatcher.join()
    await dispatcher.stop()
    assert len(acknowledged) == people
    assert all(seen_committed)  # each acknowledgement came after its report was committed
    assert len(begins) <= people // 2, len(begins)  # commits were shared


async def test_reports_in_one_batch_offer_a_pair_once(app: App) -> None:
    """Two neighbours sharing a barrier report at the same moment, after a third: the theme
    then has enough reporters to be shown, so the batch offers introductions (ann–bo,
    ann–cy, bo–cy in one batch; bo's two when ann's report came in a batch of its own, with
    the theme still hidden), and every pair gets one offer, sent once to each side."""
    async with BotHarness(app) as bot:
        for user in ("ann", "bo", "cy"):
            await bot.onboard(user, "Leeds")
        await bot.push("cy", report_message("cy", 1).text)
    offers: list[str] = []

    async def deliver(out: Outgoing) -> None:
        offers.extend(re.findall(r"offer #(\d+)", out.reply.text))

    dispatcher = Dispatcher(app.handle, deliver, concurrency=2)
    await dispatcher.start()
    for user in ("ann", "bo"):
        await dispatcher.submit(report_message(user, 1))
    await dispatcher.join()
    await dispatcher.stop()
    async with app.services.db.reading() as session:
        pairs = await session.execute(select(Introduction.person_low, Introduction.person_high))
        made = len(pairs.all())
    told = Counter(offers)
    assert made in (2, 3) and len(told) == made, (made, offers)
    assert set(told.values()) == {2}, offers
