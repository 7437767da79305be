"""Posting each chat's digest on time, exactly once however many bot processes run.

Times are wall-clock times in the configured zone (09:00 stays 09:00 across a clock change)
and are stored in UTC. Each due run is claimed through the ``schedule_runs`` unique key in
the same transaction that moves the schedule on, so a process that loses the race skips it.
A process that was down wakes up to one catch-up post, not one per missed run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.digests.render import render_text
from bot.digests.scope import EVERYWHERE, period
from bot.messages import Outgoing, Reply
from storage import schedules as store
from storage.db import Database
from storage.models import Schedule

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("groundswell.schedule")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
USAGE = "Use /schedule weekly mon 09:00, /schedule daily 09:00 or /schedule off."
Clock = Callable[[], datetime]
Post = Callable[[Schedule], Awaitable[None]]
Deliver = Callable[[Outgoing], Awaitable[None]]


class ScheduleError(ValueError):
    """The schedule cannot be understood; the message says how to write it."""


@dataclass(frozen=True)
class Cadence:
    frequency: str  # daily / weekly
    at: time
    weekday: int | None = None  # 0 = Monday, for weekly

    def describe(self) -> str:
        when = f"{self.at:%H:%M}"
        if self.weekday is None:
            return f"every day at {when}"
        return f"every {WEEKDAYS[self.weekday].capitalize()} at {when}"


def parse_cadence(args: str) -> Cadence | None:
    """None means ``off``."""
    words = args.casefold().split()
    if words == ["off"]:
        return None
    if len(words) == 2 and words[0] == "daily":
        return Cadence("daily", _clock_time(words[1]))
    if len(words) == 3 and words[0] == "weekly":
        if words[1][:3] not in WEEKDAYS:
            raise ScheduleError(f"“{words[1]}” isn't a day: use mon, tue, … sun. {USAGE}")
        return Cadence("weekly", _clock_time(words[2]), WEEKDAYS.index(words[1][:3]))
    raise ScheduleError(USAGE)


def _clock_time(text: str) -> time:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
    if not match:
        raise ScheduleError(f"“{text}” isn't a time like 09:00. {USAGE}")
    return time(int(match.group(1)), int(match.group(2)))


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def next_run(cadence: Cadence, after: datetime, zone: ZoneInfo) -> datetime:
    """The first run strictly after ``after``, computed on local dates so DST is respected."""
    local_day = as_utc(after).astimezone(zone).date()
    if cadence.weekday is not None:
        local_day += timedelta(days=(cadence.weekday - local_day.weekday()) % 7)
    step = timedelta(days=7 if cadence.weekday is not None else 1)
    while True:
        candidate = datetime.combine(local_day, cadence.at, zone).astimezone(UTC)
        if candidate > as_utc(after):
            return candidate
        local_day += step


def cadence_of(schedule: Schedule) -> Cadence:
    hours, minutes = (int(x) for x in schedule.at_time.split(":"))
    return Cadence(schedule.frequency, time(hours, minutes), schedule.weekday)


class DigestScheduler:
    """Polls for due schedules; ``tick`` is one pass, driven by an injectable clock."""

    def __init__(self, db: Database, post: Post, zone: ZoneInfo, holder: str, clock: Clock) -> None:
        self.db = db
        self.post = post
        self.zone = zone
        self.holder = holder
        self.clock = clock

    async def tick(self) -> list[int]:
        """Claim and post every due run; returns the schedule ids this process posted."""
        now = as_utc(self.clock())
        async with self.db.transaction() as session:
            due = await store.due(session, now)
        posted: list[int] = []
        for schedule in due:
            if await self._claim(schedule, now):
                await self._post(schedule)
                posted.append(schedule.id)
        return posted

    async def _claim(self, schedule: Schedule, now: datetime) -> bool:
        following = next_run(cadence_of(schedule), now, self.zone)
        try:
            async with self.db.transaction() as session:
                await store.claim(session, schedule.id, schedule.next_run_at, self.holder, now)
                await store.advance(session, schedule.id, following)
        except IntegrityError:
            return False  # another process won this run
        return True

    async def _post(self, schedule: Schedule) -> None:
        """A failed post is logged, not retried: the run is claimed, and retrying could
        post twice."""
        try:
            await self.post(schedule)
        except Exception:
            log.exception("posting the digest for schedule %s failed", schedule.id)

    async def run(self, stop: asyncio.Event, poll_seconds: float = 30.0) -> None:
        """Poll until ``stop``; a failing pass (say, the database away) is logged and retried
        at the next poll rather than ending the loop."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("a scheduling pass failed; retrying at the next poll")
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
            except TimeoutError:
                continue


def digest_poster(services: Services, deliver: Deliver, clock: Clock) -> Post:
    """What a run posts: exactly what ``/digest`` shows in that chat (its circle, if linked;
    else everything, as only an organiser can schedule there). A circle's digest goes to
    every chat linked to the circle, on every platform."""

    async def post(schedule: Schedule) -> None:
        now = as_utc(clock())
        scope, label = EVERYWHERE
        targets = {(schedule.platform, schedule.chat_id)}
        if schedule.circle_id is not None:
            scope, label = await services.digest_requests.of_circle(schedule.circle_id)
            targets |= set(await services.circles.linked_chats(schedule.circle_id))
        start, end = period(None, now, services.settings.zone)
        text = render_text(await services.digests.build(scope, label, start, end))
        for platform, chat_id in sorted(targets):
            await deliver(Outgoing(platform, chat_id, Reply(text)))

    return post


def build_scheduler(
    services: Services, deliver: Deliver, clock: Clock | None = None, holder: str | None = None
) -> DigestScheduler:
    """The runtime's scheduler: real time, and a holder name unique to this process."""
    tick = clock or (lambda: datetime.now(UTC))
    name = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    poster = digest_poster(services, deliver, tick)
    return DigestScheduler(services.db, poster, services.settings.zone, name, tick)


class Polling(Protocol):
    """Background work that polls until told to stop (digest schedules, campaign updates)."""

    async def run(self, stop: asyncio.Event) -> None: ...


class SchedulerTask:
    """A poller as a background task the runtime starts and stops with the adapters."""

    def __init__(self, scheduler: Polling, name: str = "digest-schedules") -> None:
        self.scheduler = scheduler
        self.name = name
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self.scheduler.run(self._stop), name=self.name)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
