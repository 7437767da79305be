"""Counting safety events (crisis, safeguarding, abuse): kinds and times, never text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SafetyEvent


async def add_event(session: AsyncSession, kind: str) -> None:
    session.add(SafetyEvent(kind=kind))


async def count_events(session: AsyncSession, since: datetime) -> dict[str, int]:
    rows = await session.execute(
        select(SafetyEvent.kind, func.count())
        .where(SafetyEvent.created_at >= since)
        .group_by(SafetyEvent.kind)
    )
    return {kind: int(count) for kind, count in rows.all()}
