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
from bot.messages import ChatKind, EventKind, Incoming, Outgoing
from groundswell.testing import BotHarness
from storage import reports as reports_store
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


def missing_first_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    """The race: another process stores the same platform message between the batch's
    redelivery check and its insert, so the check finds nothing and the insert hits the
    unique key on (platform, chat, message)."""

    async def nothing_found(_session: Any, _keys: Any) -> dict[Any, Any]:
        return {}

    monkeypatch.setattr(reports_store, "find_by_messages", nothing_found)


async def reports_of_message(db: Database, message_id: str) -> list[int]:
    async with db.reading() as session:
        found = await session.scalars(select(Report.id).where(Report.message_id == message_id))
        return list(found)


async def test_a_redelivery_racing_its_first_delivery_after_a_write(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message that already holds its turn runs the report job inline; the duplicate
    key must cost only the job's own savepoint, so the message still reads the first
    delivery's report and keeps its earlier write."""
    db = app.services.db
    async with BotHarness(app) as bot:
        await bot.onboard("ann", "Leeds")
    message = report_message("ann", 1)
    assert "your report is saved" in (await app.handle(message))[0].reply.text
    [first] = await reports_of_message(db, "ann-1")
    missing_first_delivery(monkeypatch)
    caller = await app.services.people.caller(message)
    async with db.unit() as unit:
        async with db.transaction() as session:  # the message's turn is held from here
            await state_store.set_state(session, key("ann"), "asked", {"n": 1}, None)
        assert unit.session is not None
        outcome = await app.services.reports.submit(caller, message, "/report again")
    assert outcome.report_id == first
    assert await reports_of_message(db, "ann-1") == [first]
    assert await states(db) == {"ann"}  # the message's own write was kept


async def test_a_failed_report_item_keeps_the_messages_deferred_state_write(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The confirm tap clears its conversation state with a deferred write that rides on
    the report's batch item. When the item fails on a redelivery race and the report
    turns out to be stored already, the tap is answered and its state must be cleared
    too, not left asking to confirm."""
    db = app.services.db
    async with BotHarness(app) as bot:
        await bot.onboard("ann", "Leeds")
        await bot.push("ann", "Referral forms take weeks to approve here.")
    tap = Incoming(
        "console",
        "dm-ann",
        "ann",
        kind=EventKind.BUTTON,
        button_data="report:yes",
        chat_kind=ChatKind.PRIVATE,
        user_handle="@ann",
        message_id="tap-1",
        private_chat="dm-ann",
    )
    caller = await app.services.people.caller(tap)  # another process stores the tap first
    await app.services.reports.submit(caller, tap, "Referral forms take weeks to approve here.")
    [first] = await reports_of_message(db, "tap-1")
    missing_first_delivery(monkeypatch)
    [answer] = await app.handle(tap)
    assert f"your report is saved (#{first})" in answer.reply.text
    assert await reports_of_message(db, "tap-1") == [first]
    async with db.reading() as session:
        assert await state_store.get_state(session, key("ann")) is None
