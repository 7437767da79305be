"""Campaign records: progress updates on a theme, and the queue of people to tell.

Who is told is decided in SQL when the update is posted (everyone who reported the theme or
said "me too" to it, minus those who turned updates off), one row each, so a person hears
of an update once however many reports or platforms they have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, insert, literal, or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CampaignDelivery,
    CampaignUpdate,
    Endorsement,
    Member,
    Report,
    ReportTheme,
    UpdatesOptOut,
)

CLAIM_EXPIRES = timedelta(minutes=10)  # a process that died mid-send loses its claim


async def add_update(
    session: AsyncSession, theme_id: int, status: str, text: str, actor: str
) -> CampaignUpdate:
    """The update, and a delivery row for each person to tell, in the caller's transaction."""
    row = CampaignUpdate(theme_id=theme_id, status=status, text=text, actor=actor)
    session.add(row)
    await session.flush()
    reporters = (
        select(Report.person_id)
        .join(ReportTheme, ReportTheme.report_id == Report.id)
        .where(ReportTheme.theme_id == theme_id, Report.hidden.is_(False))
    )
    backers = select(Endorsement.person_id).where(Endorsement.theme_id == theme_id)
    people = union(reporters, backers).subquery()
    opted_out = select(UpdatesOptOut.person_id)
    recipients = select(literal(row.id), people.c.person_id).where(
        people.c.person_id.not_in(opted_out)
    )
    await session.execute(
        insert(CampaignDelivery).from_select(["update_id", "person_id"], recipients)
    )
    return row


async def updates_for(
    session: AsyncSession, theme_ids: Sequence[int], per_theme: int = 3
) -> dict[int, list[CampaignUpdate]]:
    """Each theme's latest updates, newest first."""
    if not theme_ids:
        return {}
    rows = await session.scalars(
        select(CampaignUpdate)
        .where(CampaignUpdate.theme_id.in_(theme_ids))
        .order_by(CampaignUpdate.created_at.desc(), CampaignUpdate.id.desc())
    )
    found: dict[int, list[CampaignUpdate]] = defaultdict(list)
    for row in rows:
        if len(found[row.theme_id]) < per_theme:
            found[row.theme_id].append(row)
    return dict(found)


async def set_opted_out(session: AsyncSession, person_id: int, opted_out: bool) -> None:
    await session.execute(delete(UpdatesOptOut).where(UpdatesOptOut.person_id == person_id))
    if opted_out:
        session.add(UpdatesOptOut(person_id=person_id))
        await session.flush()


async def is_opted_out(session: AsyncSession, person_id: int) -> bool:
    found = await session.get(UpdatesOptOut, person_id)
    return found is not None


async def claim(
    session: AsyncSession, holder: str, now: datetime, limit: int, platforms: Sequence[str]
) -> list[tuple[CampaignDelivery, CampaignUpdate]]:
    """Claim up to ``limit`` unsent deliveries for this process (or ones whose claim expired),
    oldest first, only for people it can reach (an identity on one of ``platforms``: with a
    process per platform, each sends to its own); another process skips what this one
    claimed."""
    reachable = select(Member.person_id).where(Member.platform.in_(platforms))
    claimable = and_(
        CampaignDelivery.person_id.in_(reachable),
        or_(
            CampaignDelivery.claimed_at.is_(None),
            CampaignDelivery.claimed_at < now - CLAIM_EXPIRES,
        ),
    )
    ids = list(
        await session.scalars(
            select(CampaignDelivery.id)
            .where(CampaignDelivery.sent_at.is_(None), claimable)
            .order_by(CampaignDelivery.id)
            .limit(limit)
        )
    )
    if not ids:
        return []
    await session.execute(
        update(CampaignDelivery)
        .where(CampaignDelivery.id.in_(ids), CampaignDelivery.sent_at.is_(None), claimable)
        .values(claimed_by=holder, claimed_at=now)
    )
    rows = await session.execute(
        select(CampaignDelivery, CampaignUpdate)
        .join(CampaignUpdate, CampaignUpdate.id == CampaignDelivery.update_id)
        .where(CampaignDelivery.id.in_(ids), CampaignDelivery.claimed_by == holder)
        .order_by(CampaignDelivery.id)
    )
    return [(delivery, row) for delivery, row in rows.all()]


async def mark_sent(session: AsyncSession, delivery_ids: Sequence[int], now: datetime) -> None:
    if delivery_ids:
        await session.execute(
            update(CampaignDelivery)
            .where(CampaignDelivery.id.in_(delivery_ids))
            .values(sent_at=now)
        )


async def pending_count(session: AsyncSession) -> int:
    query = select(func.count(CampaignDelivery.id)).where(CampaignDelivery.sent_at.is_(None))
    return int(await session.scalar(query) or 0)
