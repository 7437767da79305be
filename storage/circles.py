"""Circles, their linked chats and memberships."""

from __future__ import annotations

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Circle,
    CircleChat,
    CoordinatorInvitation,
    Membership,
    Report,
    ReportTheme,
)


async def list_circles(session: AsyncSession, approved_only: bool = True) -> list[Circle]:
    query = select(Circle).order_by(Circle.name_key)
    if approved_only:
        query = query.where(Circle.approved.is_(True))
    return list(await session.scalars(query))


async def circle_by_key(session: AsyncSession, name_key: str) -> Circle | None:
    return await session.scalar(select(Circle).where(Circle.name_key == name_key))


async def circle_by_id(session: AsyncSession, circle_id: int) -> Circle | None:
    return await session.get(Circle, circle_id)


async def create_circle(session: AsyncSession, circle: Circle) -> Circle:
    session.add(circle)
    await session.flush()
    return circle


async def membership(session: AsyncSession, circle_id: int, person_id: int) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.circle_id == circle_id, Membership.person_id == person_id
        )
    )


async def join(session: AsyncSession, circle_id: int, person_id: int, role: str = "member") -> bool:
    if await membership(session, circle_id, person_id) is not None:
        return False
    session.add(Membership(circle_id=circle_id, person_id=person_id, role=role))
    await session.flush()
    return True


async def leave(session: AsyncSession, circle_id: int, person_id: int) -> bool:
    result = await session.execute(
        delete(Membership).where(
            Membership.circle_id == circle_id, Membership.person_id == person_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def circles_of(session: AsyncSession, person_id: int) -> list[tuple[Circle, str]]:
    query = (
        select(Circle, Membership.role)
        .join(Membership, Membership.circle_id == Circle.id)
        .where(Membership.person_id == person_id)
        .order_by(Circle.name_key)
    )
    return [(c, r) for c, r in (await session.execute(query)).all()]


async def circle_for_chat(session: AsyncSession, platform: str, chat_id: str) -> Circle | None:
    return (await circles_for_chats(session, {(platform, chat_id)})).get((platform, chat_id))


async def circles_for_chats(
    session: AsyncSession, chats: set[tuple[str, str]]
) -> dict[tuple[str, str], Circle]:
    """The circle each of these (platform, chat) is linked to, where one is."""
    if not chats:
        return {}
    query = (
        select(CircleChat.platform, CircleChat.chat_id, Circle)
        .join(Circle, CircleChat.circle_id == Circle.id)
        .where(tuple_(CircleChat.platform, CircleChat.chat_id).in_(chats))
    )
    return {(p, c): circle for p, c, circle in (await session.execute(query)).all()}


async def link_chat(
    session: AsyncSession, circle_id: int, platform: str, chat_id: str, title: str | None
) -> int | None:
    """Link the chat to the circle unless it is linked to another one; returns the circle
    the chat is linked to afterwards (the other circle's id when refused)."""
    existing = await session.scalar(
        select(CircleChat).where(CircleChat.platform == platform, CircleChat.chat_id == chat_id)
    )
    if existing is not None:
        return existing.circle_id
    session.add(CircleChat(circle_id=circle_id, platform=platform, chat_id=chat_id, title=title))
    await session.flush()
    return circle_id


async def unlink_chat(session: AsyncSession, platform: str, chat_id: str) -> None:
    await session.execute(
        delete(CircleChat).where(CircleChat.platform == platform, CircleChat.chat_id == chat_id)
    )


async def invite(session: AsyncSession, circle_id: int, person_id: int) -> int:
    """The invitation's id (an existing one is reused: asking twice is one question)."""
    existing = await invitation_for(session, circle_id, person_id)
    if existing is not None:
        return existing.id
    row = CoordinatorInvitation(circle_id=circle_id, person_id=person_id)
    session.add(row)
    await session.flush()
    return row.id


async def invitation_for(
    session: AsyncSession, circle_id: int, person_id: int
) -> CoordinatorInvitation | None:
    return await session.scalar(
        select(CoordinatorInvitation).where(
            CoordinatorInvitation.circle_id == circle_id,
            CoordinatorInvitation.person_id == person_id,
        )
    )


async def take_invitation(session: AsyncSession, invitation_id: int, person_id: int) -> int | None:
    """Remove one of the person's invitations, returning its circle; None if not theirs."""
    row = await session.get(CoordinatorInvitation, invitation_id)
    if row is None or row.person_id != person_id:
        return None
    await session.delete(row)
    return row.circle_id


async def chats_of(session: AsyncSession, circle_id: int) -> list[CircleChat]:
    return list(await session.scalars(select(CircleChat).where(CircleChat.circle_id == circle_id)))


async def pending_circles(session: AsyncSession) -> list[Circle]:
    query = select(Circle).where(Circle.approved.is_(False)).order_by(Circle.created_at)
    return list(await session.scalars(query))


async def set_role(session: AsyncSession, circle_id: int, person_id: int, role: str) -> None:
    """Make the person a member with this role, joining them first when needed."""
    existing = await membership(session, circle_id, person_id)
    if existing is None:
        session.add(Membership(circle_id=circle_id, person_id=person_id, role=role))
    else:
        existing.role = role
    await session.flush()


async def people_with_role(session: AsyncSession, circle_id: int, role: str) -> list[int]:
    query = (
        select(Membership.person_id)
        .where(Membership.circle_id == circle_id, Membership.role == role)
        .order_by(Membership.joined_at)
    )
    return [int(p) for p in await session.scalars(query)]


async def theme_strength(session: AsyncSession, theme_id: int) -> dict[int, int]:
    """Per approved circle, how many of its members (or its chats' reporters) share a theme."""
    in_theme = (
        select(Report.person_id, Report.circle_id)
        .join(ReportTheme, ReportTheme.report_id == Report.id)
        .where(ReportTheme.theme_id == theme_id, Report.hidden.is_(False))
        .subquery()
    )
    by_membership = select(Membership.circle_id.label("cid"), in_theme.c.person_id.label("pid"))
    by_membership = by_membership.join(in_theme, in_theme.c.person_id == Membership.person_id)
    by_chat = select(in_theme.c.circle_id.label("cid"), in_theme.c.person_id.label("pid")).where(
        in_theme.c.circle_id.is_not(None)
    )
    union = by_membership.union(by_chat).subquery()
    query = (
        select(union.c.cid, func.count(func.distinct(union.c.pid)))
        .join(Circle, Circle.id == union.c.cid)
        .where(Circle.approved.is_(True))
        .group_by(union.c.cid)
    )
    return {int(c): int(n) for c, n in (await session.execute(query)).all()}
