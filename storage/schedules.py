"""Digest schedules and their claim rows.

A run is claimed by inserting ``(schedule_id, due_at)`` into ``schedule_runs``; the unique
key lets exactly one process win, whichever database and however many processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Schedule, ScheduleRun


async def get(session: AsyncSession, platform: str, chat_id: str) -> Schedule | None:
    return await session.scalar(
        select(Schedule).where(Schedule.platform == platform, Schedule.chat_id == chat_id)
    )


async def upsert(session: AsyncSession, values: Schedule) -> Schedule:
    """One schedule per chat: a new one replaces the old."""
    existing = await get(session, values.platform, values.chat_id)
    if existing is None:
        session.add(values)
        await session.flush()
        return values
    for field in ("circle_id", "frequency", "weekday", "at_time", "next_run_at", "created_by"):
        setattr(existing, field, getattr(values, field))
    await session.flush()
    return existing


async def remove(session: AsyncSession, platform: str, chat_id: str) -> bool:
    result = await session.execute(
        delete(Schedule).where(Schedule.platform == platform, Schedule.chat_id == chat_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def due(session: AsyncSession, now: datetime) -> list[Schedule]:
    query = select(Schedule).where(Schedule.next_run_at <= now).order_by(Schedule.next_run_at)
    return list(await session.scalars(query))


async def claim(
    session: AsyncSession, schedule_id: int, due_at: datetime, holder: str, now: datetime
) -> None:
    """Raises ``IntegrityError`` (at flush) when another process claimed this run first."""
    session.add(
        ScheduleRun(schedule_id=schedule_id, due_at=due_at, claimed_by=holder, claimed_at=now)
    )
    await session.flush()


async def advance(session: AsyncSession, schedule_id: int, next_run_at: datetime) -> None:
    await session.execute(
        update(Schedule).where(Schedule.id == schedule_id).values(next_run_at=next_run_at)
    )


async def runs(session: AsyncSession, schedule_id: int) -> list[ScheduleRun]:
    query = select(ScheduleRun).where(ScheduleRun.schedule_id == schedule_id)
    return list(await session.scalars(query.order_by(ScheduleRun.due_at)))
