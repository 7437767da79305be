"""Introductions (double opt-in offers between two people) and how to reach a person privately.

A pair is stored once, lowest person id first, so the table's unique key is what
guarantees "at most one offer per pair" even when two reports race.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import ColumnElement, Subquery, Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Endorsement,
    Introduction,
    Member,
    Membership,
    Person,
    Report,
    ReportTheme,
    utcnow,
)


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


async def open_to_offers(session: AsyncSession, person_ids: Sequence[int]) -> set[int]:
    query = select(Person.id).where(Person.id.in_(person_ids), Person.offers_ok.is_(True))
    return {int(p) for p in await session.scalars(query)}


async def circle_ids_of(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, list[int]]:
    """The circles each of these people belongs to, in one query."""
    query = select(Membership.person_id, Membership.circle_id).where(
        Membership.person_id.in_(person_ids)
    )
    found: dict[int, list[int]] = {}
    for person_id, circle_id in (await session.execute(query)).all():
        found.setdefault(int(person_id), []).append(int(circle_id))
    return found


async def create_offers(
    session: AsyncSession, offers: Sequence[tuple[int, int, int]]
) -> dict[tuple[int, int], int]:
    """Many offers (person, other, theme) in one insert; the offer id of each pair (low,
    high) it created. The rows are parameters of one cached statement (SQLAlchemy's
    "insertmanyvalues"), not literal VALUES: a batch of 1,000 reports offers up to 10,000
    pairs, and compiling a statement that size anew took a third of the writer's time.
    A pair that already has a row (offered before, or by another process a moment ago) is
    skipped by the database itself, so a race costs nobody their report."""
    if not offers:
        return {}
    rows = []
    for a, b, theme_id in offers:
        low, high = ordered(a, b)
        rows.append({"person_low": low, "person_high": high, "theme_id": theme_id})
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = cast(Table, Introduction.__table__)
    statement = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["person_low", "person_high"])
        .returning(table.c.id, table.c.person_low, table.c.person_high)
    )
    made = (await session.execute(statement, rows)).all()
    return {(int(low), int(high)): int(offer_id) for offer_id, low, high in made}


async def people_by_handle(session: AsyncSession, handle: str) -> list[int]:
    """Onboarded people whose handle (with or without "@") or user id matches, case-blind;
    "platform:user_id" narrows to one platform."""
    platform, _, rest = handle.strip().partition(":")
    bare = (rest if rest else platform).lstrip("@").casefold()
    query = (
        select(Member.person_id)
        .join(Person, Person.id == Member.person_id)
        .where(Person.onboarded.is_(True))
        .where(
            or_(
                func.lower(Member.handle) == bare,
                func.lower(Member.handle) == "@" + bare,
                func.lower(Member.platform_user_id) == bare,
            )
        )
    )
    if rest:
        query = query.where(Member.platform == platform.casefold())
    return sorted({int(p) for p in await session.scalars(query)})


def _sharers(theme_id: int) -> Subquery:
    """Everyone who reported into the theme or said "me too" to it."""
    reporters = (
        select(Report.person_id.label("pid"))
        .join(ReportTheme, ReportTheme.report_id == Report.id)
        .where(ReportTheme.theme_id == theme_id, Report.hidden.is_(False))
    )
    endorsers = select(Endorsement.person_id.label("pid")).where(Endorsement.theme_id == theme_id)
    return reporters.union(endorsers).subquery()


async def candidates(
    session: AsyncSession,
    person_id: int,
    theme_id: int,
    place_key: str | None,
    circle_ids: Sequence[int],
    limit: int,
) -> list[int]:
    """Others sharing the theme in the same place or a shared circle, open to offers,
    reachable (a private chat is known: an imported reporter has none, so could never
    answer), and never offered to this person before."""
    sharers = _sharers(theme_id)
    reachable = select(Member.person_id).where(Member.private_chat_id.is_not(None))
    in_circle = select(Membership.person_id).where(Membership.circle_id.in_(circle_ids))
    near: list[ColumnElement[bool]] = [Person.id.in_(in_circle)]
    if place_key:
        near.append(Person.place_key == place_key)
    offered = (
        select(Introduction.person_low)
        .where(Introduction.person_high == person_id)
        .union(select(Introduction.person_high).where(Introduction.person_low == person_id))
    )
    query = (
        select(Person.id)
        .where(Person.id.in_(select(sharers.c.pid)))
        .where(Person.id != person_id, Person.onboarded.is_(True), Person.offers_ok.is_(True))
        .where(Person.id.in_(reachable))
        .where(or_(*near), Person.id.not_in(offered))
        .order_by(Person.id)
        .limit(limit)
    )
    return [int(p) for p in await session.scalars(query)]


async def sharers_of(
    session: AsyncSession, theme_ids: Sequence[int]
) -> dict[int, list[tuple[int, str | None]]]:
    """Per theme, the onboarded, reachable people open to offers who reported into it or
    said "me too" to it, with their place, by person id: ``candidates`` for a whole batch
    (an imported reporter has no private chat, so could never answer)."""
    reporters = (
        select(ReportTheme.theme_id.label("tid"), Report.person_id.label("pid"))
        .join(Report, Report.id == ReportTheme.report_id)
        .where(ReportTheme.theme_id.in_(theme_ids), Report.hidden.is_(False))
    )
    endorsers = select(Endorsement.theme_id.label("tid"), Endorsement.person_id.label("pid")).where(
        Endorsement.theme_id.in_(theme_ids)
    )
    both = reporters.union(endorsers).subquery()
    query = (
        select(both.c.tid, Person.id, Person.place_key)
        .join(Person, Person.id == both.c.pid)
        .where(Person.onboarded.is_(True), Person.offers_ok.is_(True))
        .where(Person.id.in_(select(Member.person_id).where(Member.private_chat_id.is_not(None))))
        .order_by(Person.id)
    )
    found: dict[int, list[tuple[int, str | None]]] = {}
    for theme_id, person_id, place_key in (await session.execute(query)).all():
        found.setdefault(int(theme_id), []).append((int(person_id), place_key))
    return found


async def members_of(session: AsyncSession, circle_ids: Sequence[int]) -> dict[int, set[int]]:
    """The people in each of these circles, in one query."""
    if not circle_ids:
        return {}
    query = select(Membership.circle_id, Membership.person_id).where(
        Membership.circle_id.in_(circle_ids)
    )
    found: dict[int, set[int]] = {}
    for circle_id, person_id in (await session.execute(query)).all():
        found.setdefault(int(circle_id), set()).add(int(person_id))
    return found


async def offered_pairs(session: AsyncSession, person_ids: Sequence[int]) -> set[tuple[int, int]]:
    """Every pair (low, high) with an offer that involves one of these people."""
    query = select(Introduction.person_low, Introduction.person_high).where(
        or_(Introduction.person_low.in_(person_ids), Introduction.person_high.in_(person_ids))
    )
    return {(int(low), int(high)) for low, high in (await session.execute(query)).all()}


async def create_offer(
    session: AsyncSession, person_a: int, person_b: int, theme_id: int
) -> Introduction | None:
    """None when the pair already has a row (a concurrent offer got there first)."""
    low, high = ordered(person_a, person_b)
    existing = await session.scalar(
        select(Introduction).where(Introduction.person_low == low, Introduction.person_high == high)
    )
    if existing is not None:
        return None
    intro = Introduction(person_low=low, person_high=high, theme_id=theme_id)
    session.add(intro)
    await session.flush()
    return intro


async def open_offer(session: AsyncSession, person_id: int, offer_id: int) -> Introduction | None:
    """This person's offer with this id, if they have not answered it yet."""
    query = select(Introduction).where(
        Introduction.id == offer_id,
        or_(
            (Introduction.person_low == person_id) & Introduction.low_answer.is_(None),
            (Introduction.person_high == person_id) & Introduction.high_answer.is_(None),
        ),
    )
    return await session.scalar(query)


def record_answer(intro: Introduction, person_id: int, answer: str) -> bool:
    """Store one side's answer; True when this answer completes a mutual yes."""
    if intro.person_low == person_id:
        intro.low_answer = answer
    else:
        intro.high_answer = answer
    mutual = intro.low_answer == "yes" and intro.high_answer == "yes"
    if mutual:
        intro.completed_at = utcnow()
    return mutual


async def set_offers_ok(session: AsyncSession, person_id: int, allowed: bool) -> None:
    await session.execute(update(Person).where(Person.id == person_id).values(offers_ok=allowed))
