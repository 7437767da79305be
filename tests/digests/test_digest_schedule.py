"""Schedules: parsing, local-time arithmetic across a clock change, and exactly one post per
run with two schedulers (two database connections, as two processes) racing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from digest_seed import Seeded

from bot.app import App
from bot.digests.schedule import (
    Cadence,
    DigestScheduler,
    ScheduleError,
    build_scheduler,
    next_run,
    parse_cadence,
)
from bot.messages import Incoming, Outgoing
from bot.roles import CircleRole
from groundswell.runtime import Runtime
from groundswell.testing import BotHarness, RecordingAdapter
from storage import schedules as store
from storage.db import Database
from storage.models import Schedule

LONDON = ZoneInfo("Europe/London")


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_parse_cadence() -> None:
    assert parse_cadence("weekly mon 09:00") == Cadence("weekly", time(9, 0), 0)
    assert parse_cadence("Weekly Friday 17:30") == Cadence("weekly", time(17, 30), 4)
    assert parse_cadence("daily 7:05") == Cadence("daily", time(7, 5))
    assert parse_cadence("off") is None
    for bad in ("weekly 09:00", "daily 25:00", "weekly funday 09:00", "hourly", ""):
        with pytest.raises(ScheduleError):
            parse_cadence(bad)


def test_next_run_keeps_local_time_across_the_clock_change() -> None:
    monday_nine = Cadence("weekly", time(9, 0), 0)
    before = datetime(2026, 3, 24, 12, 0, tzinfo=UTC)  # a Tuesday, GMT
    first = next_run(monday_nine, before, LONDON)
    assert first == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST, after 29 March
    assert next_run(monday_nine, first, LONDON) == datetime(2026, 4, 6, 8, 0, tzinfo=UTC)
    daily = Cadence("daily", time(9, 0))
    assert next_run(daily, datetime(2026, 3, 28, 9, 0, tzinfo=UTC), LONDON) == datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC
    )
    same_day = datetime(2026, 1, 5, 8, 59, tzinfo=UTC)  # Monday 08:59 GMT
    assert next_run(monday_nine, same_day, LONDON) == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def add_schedule(app: App, due: datetime, circle_id: int | None) -> int:
    row = Schedule(
        platform="console",
        chat_id="group-1",
        circle_id=circle_id,
        frequency="weekly",
        weekday=0,
        at_time="09:00",
        next_run_at=due,
    )
    async with app.services.db.transaction() as session:
        return (await store.upsert(session, row)).id


async def test_two_racing_schedulers_post_each_run_once(app: App, seeded: Seeded) -> None:
    due = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)  # Monday 09:00 in London
    schedule_id = await add_schedule(app, due, seeded.circles["C1"])
    posted: list[Outgoing] = []

    async def deliver(message: Outgoing) -> None:
        posted.append(message)

    clock = FakeClock(due - timedelta(minutes=1))
    first = build_scheduler(app.services, deliver, clock, holder="process-a")
    other_db = Database(app.settings.database_url)  # a second process's own connection pool
    second = DigestScheduler(other_db, first.post, app.settings.zone, "process-b", clock)
    try:
        assert await asyncio.gather(first.tick(), second.tick()) == [[], []]
        clock.now = due + timedelta(seconds=30)
        results = await asyncio.gather(first.tick(), second.tick(), first.tick())
        assert sorted(len(r) for r in results) == [0, 0, 1]
        assert await asyncio.gather(first.tick(), second.tick()) == [[], []]
        clock.now = due + timedelta(days=7, seconds=5)
        assert sum(len(r) for r in await asyncio.gather(second.tick(), first.tick())) == 1
    finally:
        await other_db.close()
    assert [(m.platform, m.chat_id) for m in posted] == [("console", "group-1")] * 2
    assert posted[0].reply.text.startswith("Shared-demand digest: circle Leeds Health")
    async with app.services.db.transaction() as session:
        runs = await store.runs(session, schedule_id)
        row = await store.get(session, "console", "group-1")
    assert [r.due_at.replace(tzinfo=None) for r in runs] == [
        due.replace(tzinfo=None),
        (due + timedelta(days=7)).replace(tzinfo=None),
    ]
    assert row is not None
    assert row.next_run_at.replace(tzinfo=None) == datetime(2026, 7, 20, 8, 0)


async def test_a_scheduler_that_was_down_posts_once_and_moves_on(app: App) -> None:
    due = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)
    await add_schedule(app, due, None)
    posted: list[Outgoing] = []

    async def deliver(message: Outgoing) -> None:
        posted.append(message)

    clock = FakeClock(due + timedelta(days=22))  # three runs missed
    scheduler = build_scheduler(app.services, deliver, clock, holder="late")
    assert len(await scheduler.tick()) == 1
    assert await scheduler.tick() == []
    assert len(posted) == 1 and "everywhere" in posted[0].reply.text
    async with app.services.db.transaction() as session:
        row = await store.get(session, "console", "group-1")
    assert row is not None
    assert row.next_run_at.replace(tzinfo=None) == datetime(2026, 8, 3, 8, 0)


async def test_schedule_command_permissions(bot: BotHarness, app: App) -> None:
    await bot.onboard("mo", "Leeds")
    await bot.onboard("cora", "Leeds")
    circle = await app.services.circles.create("Leeds Health", "Leeds", "leeds", None, None, None)
    assert circle is not None
    cora = await app.services.people.caller(_private("cora"))
    assert cora.person_id is not None
    await app.services.circles.join(circle.id, cora.person_id, role=CircleRole.COORDINATOR)
    assert "now linked" in (await bot.push("cora", "/link Leeds Health", group="g1"))[-1].text

    refused = (await bot.push("mo", "/schedule weekly mon 09:00", group="g1"))[-1].text
    assert refused == "Sorry, that command isn't available to you here."
    elsewhere = (await bot.push("cora", "/schedule daily 09:00", group="g2"))[-1].text
    assert elsewhere == refused
    done = (await bot.push("cora", "/schedule weekly mon 09:00", group="g1"))[-1].text
    assert "every Mon at 09:00" in done and "(Europe/London)" in done
    shown = (await bot.push("cora", "/schedule", group="g1"))[-1].text
    assert "posted next at Mon" in shown
    organiser = (await bot.push("olive", "/schedule daily 18:00", group="g2"))[-1].text
    assert "every day at 18:00" in organiser
    async with app.services.db.transaction() as session:
        linked = await store.get(session, "console", "g1")
        other = await store.get(session, "console", "g2")
    assert linked is not None and linked.circle_id == circle.id and linked.weekday == 0
    assert other is not None and other.circle_id is None and other.frequency == "daily"
    assert "off" in (await bot.push("cora", "/schedule off", group="g1"))[-1].text


def _private(user: str) -> Incoming:
    return Incoming(platform="console", chat_id=f"dm-{user}", user_id=user)


async def test_the_runtime_posts_due_schedules(app: App) -> None:
    """Started with the adapters, the scheduler posts a run that fell due while it was down."""
    await add_schedule(app, datetime.now(UTC) - timedelta(minutes=1), None)
    runtime = Runtime(app)
    adapter = RecordingAdapter("console")
    runtime.add(adapter)
    await runtime.start()
    try:
        for _ in range(100):
            if adapter.sent["group-1"]:
                break
            await asyncio.sleep(0.05)
    finally:
        await runtime.schedules.stop()
        await runtime.dispatcher.stop()
    [posted] = adapter.sent["group-1"]
    assert posted.text.startswith("Shared-demand digest: everywhere")


async def test_a_circle_schedule_posts_to_every_linked_chat(app: App, seeded: Seeded) -> None:
    due = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)
    circle_id = seeded.circles["C1"]
    await add_schedule(app, due, circle_id)
    await app.services.circles.link(circle_id, "telegram", "-10042", "Leeds Health (Telegram)")
    posted: list[Outgoing] = []

    async def deliver(message: Outgoing) -> None:
        posted.append(message)

    scheduler = build_scheduler(app.services, deliver, FakeClock(due), holder="one")
    assert len(await scheduler.tick()) == 1
    targets = sorted((m.platform, m.chat_id) for m in posted)
    assert ("console", "group-1") in targets and ("telegram", "-10042") in targets
    assert len(targets) == len(set(targets))
    assert len({m.reply.text for m in posted}) == 1
