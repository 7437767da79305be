"""Circles, their linked chats and memberships."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Circle, CircleChat, Membership


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
    query = (
        select(Circle)
        .join(CircleChat, CircleChat.circle_id == Circle.id)
        .where(CircleChat.platform == platform, CircleChat.chat_id == chat_id)
    )
    return await session.scalar(query)


async def link_chat(
    session: AsyncSession, circle_id: int, platform: str, chat_id: str, title: str | None
) -> None:
    await session.execute(
        delete(CircleChat).where(CircleChat.platform == platform, CircleChat.chat_id == chat_id)
    )
    session.add(CircleChat(circle_id=circle_id, platform=platform, chat_id=chat_id, title=title))
    await session.flush()


async def chats_of(session: AsyncSession, circle_id: int) -> list[CircleChat]:
    return list(await session.scalars(select(CircleChat).where(CircleChat.circle_id == circle_id)))
