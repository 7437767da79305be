"""People, their platform identities and consents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, inspect, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Base,
    Circle,
    Consent,
    ConversationState,
    CoordinatorInvitation,
    Endorsement,
    Introduction,
    Member,
    Membership,
    Person,
    Report,
    ReportTheme,
)


@dataclass(frozen=True)
class CallerRows:
    """What every message begins with: the identity it comes from (None for a stranger),
    the circles that person coordinates, and their conversation state in this chat."""

    person: Person | None
    member: Member | None
    coordinates: frozenset[int]
    state: ConversationState | None


CallerKey = tuple[str, str, str]  # platform, user id, chat id: where a message came from


async def find_callers(
    session: AsyncSession, keys: Sequence[CallerKey], coordinator: str
) -> list[CallerRows]:
    """``CallerRows`` for each key, in order, in two statements however many messages
    arrived together: their identities (with the circles they coordinate) and their
    conversation states. ``coordinator``: the membership role that coordinates a circle."""
    identities = await session.execute(
        select(Member, Person, Membership.circle_id)
        .outerjoin(Person, Person.id == Member.person_id)
        .outerjoin(
            Membership, and_(Membership.person_id == Person.id, Membership.role == coordinator)
        )
        .where(tuple_(Member.platform, Member.platform_user_id).in_({k[:2] for k in keys}))
    )
    found: dict[tuple[str, str], tuple[Member | None, Person | None, set[int]]] = {}
    for member, person, circle in identities.all():
        entry = found.setdefault(
            (member.platform, member.platform_user_id), (member, person, set())
        )
        if circle is not None:
            entry[2].add(int(circle))
    state = ConversationState
    states = await session.scalars(
        select(state).where(tuple_(state.platform, state.user_id, state.chat_id).in_(set(keys)))
    )
    by_key = {(s.platform, s.user_id, s.chat_id): s for s in states}
    nobody: tuple[Member | None, Person | None, set[int]] = (None, None, set())
    return [_rows(found.get(key[:2], nobody), by_key.get(key)) for key in keys]


def _rows(
    identity: tuple[Member | None, Person | None, set[int]], state: ConversationState | None
) -> CallerRows:
    member, person, circles = identity
    return CallerRows(person, member, frozenset(circles), state)


async def find_person(session: AsyncSession, platform: str, user_id: str) -> Person | None:
    query = (
        select(Person)
        .join(Member, Member.person_id == Person.id)
        .where(Member.platform == platform, Member.platform_user_id == user_id)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def refresh_identity(
    session: AsyncSession, platform: str, user_id: str, handle: str | None, chat: str | None
) -> None:
    """The handle and private chat the platform reports now; a value it did not report
    (None) keeps the stored one."""
    values = {
        key: value
        for key, value in (("handle", handle), ("private_chat_id", chat))
        if value is not None
    }
    if values:
        await session.execute(
            update(Member)
            .where(Member.platform == platform, Member.platform_user_id == user_id)
            .values(**values)
        )


async def create_person(
    session: AsyncSession,
    platform: str,
    user_id: str,
    handle: str | None,
    private_chat: str | None = None,
) -> Person:
    [person] = await create_people(session, platform, [(user_id, handle)])
    if private_chat is not None:
        await refresh_identity(session, platform, user_id, None, private_chat)
    return person


async def create_people(
    session: AsyncSession, platform: str, identities: list[tuple[str, str | None]]
) -> list[Person]:
    """New people with one identity each, in two multi-row inserts however many there are."""
    people = [Person() for _ in identities]
    session.add_all(people)
    await session.flush()
    session.add_all(
        Member(person_id=person.id, platform=platform, platform_user_id=user_id, handle=handle)
        for person, (user_id, handle) in zip(people, identities, strict=True)
    )
    await session.flush()
    return people


async def people_by_identity(
    session: AsyncSession, platform: str, user_ids: list[str]
) -> dict[str, Person]:
    """Known people among many identities, in one query (the CSV import's reporters)."""
    query = (
        select(Member.platform_user_id, Person)
        .join(Person, Member.person_id == Person.id)
        .where(Member.platform == platform, Member.platform_user_id.in_(user_ids))
    )
    return {user_id: person for user_id, person in (await session.execute(query)).all()}


async def record_consent(session: AsyncSession, person_id: int, scope: str, version: str) -> None:
    session.add(Consent(person_id=person_id, scope=scope, notice_version=version))
    await session.flush()


async def identities(session: AsyncSession, person_id: int) -> list[Member]:
    """A person's platform identities, oldest first (also how an introduction reaches them)."""
    query = select(Member).where(Member.person_id == person_id).order_by(Member.id)
    return list(await session.scalars(query))


async def identities_of(session: AsyncSession, person_ids: Sequence[int]) -> list[Member]:
    """``identities`` for many people in one query (the offers one report makes)."""
    if not person_ids:
        return []
    query = select(Member).where(Member.person_id.in_(person_ids)).order_by(Member.id)
    return list(await session.scalars(query))


async def theme_ids_of(session: AsyncSession, person_id: int) -> list[int]:
    """The themes the person's reports are in: what must be re-derived after /forget, and
    where /themes offers them no "me too"."""
    query = (
        select(ReportTheme.theme_id)
        .join(Report, Report.id == ReportTheme.report_id)
        .where(Report.person_id == person_id)
        .distinct()
    )
    return [int(t) for t in await session.scalars(query)]


async def report_ids_of(session: AsyncSession, person_id: int) -> list[int]:
    """The person's reports: what caches built from their words must drop at /forget."""
    query = select(Report.id).where(Report.person_id == person_id)
    return [int(r) for r in await session.scalars(query)]


async def delete_traces(session: AsyncSession, person_id: int) -> None:
    """What no cascade reaches: unapproved circles they proposed (name and focus are their
    words) and conversation state stored under any of their platform identities."""
    await session.execute(
        delete(Circle).where(Circle.created_by == person_id, Circle.approved.is_(False))
    )
    for member in await identities(session, person_id):
        await session.execute(
            delete(ConversationState).where(
                ConversationState.platform == member.platform,
                ConversationState.user_id == member.platform_user_id,
            )
        )


async def delete_person(session: AsyncSession, person_id: int) -> None:
    """Cascades carry the delete into every table that holds a row about the person."""
    await session.execute(delete(Person).where(Person.id == person_id))


def row_as_dict(row: Base) -> dict[str, Any]:
    mapper = inspect(type(row))
    out: dict[str, Any] = {}
    for column in mapper.columns:
        value = getattr(row, column.key)
        if isinstance(value, bytes):
            continue  # vectors are derived from the text; not meaningful to a person
        out[column.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


PERSON_TABLES: tuple[tuple[str, type[Base], Any], ...] = (
    ("identities", Member, Member.person_id),
    ("consents", Consent, Consent.person_id),
    ("reports", Report, Report.person_id),
    ("memberships", Membership, Membership.person_id),
    ("me_too", Endorsement, Endorsement.person_id),
    ("conversation", ConversationState, ConversationState.person_id),
    ("coordinator_invitations", CoordinatorInvitation, CoordinatorInvitation.person_id),
)


async def person_data(session: AsyncSession, person_id: int) -> dict[str, Any]:
    """Everything stored about one person, one list per table (their /mydata)."""
    person = await session.get(Person, person_id)
    data: dict[str, Any] = {"person": row_as_dict(person) if person else None}
    for name, table, column in PERSON_TABLES:
        rows = await session.scalars(select(table).where(column == person_id))
        data[name] = [row_as_dict(row) for row in rows]
    data["introductions"] = await _own_side(session, person_id)
    return data


async def _own_side(session: AsyncSession, person_id: int) -> list[dict[str, Any]]:
    """An introduction row holds two people: the export keeps only the caller's side (their
    own answer), never the other person's id or answer."""
    query = select(Introduction).where(
        (Introduction.person_low == person_id) | (Introduction.person_high == person_id)
    )
    out = []
    for intro in await session.scalars(query.order_by(Introduction.id)):
        low = intro.person_low == person_id
        out.append(
            {
                "offer": intro.id,
                "theme_id": intro.theme_id,
                "your_answer": intro.low_answer if low else intro.high_answer,
                "offered_at": intro.created_at.date().isoformat(),
                "introduced": intro.completed_at is not None,
            }
        )
    return out
