"""The aggregate queries behind digests: counted in SQL so a digest over 100,000 reports
stays fast and small.

A query narrows to one circle and/or one place by plain keywords (``circle_id``,
``place_key``); what a digest's scope means, and who may ask for which, is the core's
(``bot.digests.scope.Scope``, ``bot.services.digests``); which reports a scope holds is
``storage.scope``'s, shared with the sub-theme and work-area counts (``storage.themes``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Endorsement, Report, ReportTheme, Theme
from storage.scope import report_scope, while_member


@dataclass(frozen=True)
class ThemeCounts:
    """One theme's activity in a scope and period. ``reporters`` decides visibility
    (bot.visibility); ``people`` adds endorsers; places and circles are the reporters' own,
    so an endorsement can never add a place."""

    theme_id: int
    people: int
    places: int
    circles: int
    reports: int
    me_too: int
    latest: datetime | None
    reporters: int


def _activity(
    start: datetime, end: datetime, circle_id: int | None, place_key: str | None
) -> Select[tuple[int, int, str | None, int | None, datetime, int]]:
    reports = (
        select(
            ReportTheme.theme_id,
            Report.person_id,
            Report.place_key,
            Report.circle_id,
            Report.created_at,
            literal(1).label("is_report"),
        )
        .join(Report, Report.id == ReportTheme.report_id)
        .where(Report.hidden.is_(False), Report.created_at >= start, Report.created_at < end)
    )
    endorsements = select(
        Endorsement.theme_id,
        Endorsement.person_id,
        Endorsement.place_key,
        literal(None),
        Endorsement.created_at,
        literal(0),
    ).where(Endorsement.created_at >= start, Endorsement.created_at < end)
    reports = reports.where(*report_scope(circle_id, place_key))
    if circle_id is not None:
        endorsements = endorsements.where(
            while_member(circle_id, Endorsement.person_id, Endorsement.created_at)
        )
    if place_key is not None:
        endorsements = endorsements.where(Endorsement.place_key == place_key)
    return reports.union_all(endorsements)  # type: ignore[return-value]


def _reported(column: Any, is_report: Any) -> Any:
    return case((is_report == 1, column), else_=None)


async def theme_counts(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    theme_ids: Sequence[int] | None = None,
    *,
    circle_id: int | None = None,
    place_key: str | None = None,
) -> list[ThemeCounts]:
    """Every theme's counts in the period (within one circle and/or place when given), or
    only those of ``theme_ids``."""
    activity = _activity(start, end, circle_id, place_key).subquery()
    c = activity.c
    query = (
        select(
            c.theme_id,
            func.count(func.distinct(c.person_id)),
            func.count(func.distinct(_reported(c.place_key, c.is_report))),
            func.count(func.distinct(c.circle_id)),
            func.sum(c.is_report),
            func.count() - func.sum(c.is_report),
            func.max(c.created_at),
            func.count(func.distinct(_reported(c.person_id, c.is_report))),
        )
        .join(Theme, Theme.id == c.theme_id)
        .where(Theme.hidden.is_(False), Theme.merged_into.is_(None))
        .group_by(c.theme_id)
    )
    if theme_ids is not None:
        query = query.where(c.theme_id.in_(list(theme_ids)))
    rows = (await session.execute(query)).all()
    return [_counts(r) for r in rows]


def _counts(row: Any) -> ThemeCounts:
    """A counts row in the column order both digest queries select."""
    return ThemeCounts(
        int(row[0]),
        int(row[1]),
        int(row[2]),
        int(row[3]),
        int(row[4] or 0),
        int(row[5] or 0),
        row[6],
        int(row[7]),
    )


def _in_scope[SelectT: Select[*tuple[Any, ...]]](
    query: SelectT, circle_id: int | None, place_key: str | None
) -> SelectT:
    """Places and quotes come from the digest's own scope, never from outside it."""
    return query.where(*report_scope(circle_id, place_key))


async def period_counts(
    session: AsyncSession,
    previous_start: datetime,
    start: datetime,
    end: datetime,
    *,
    circle_id: int | None = None,
    place_key: str | None = None,
) -> tuple[list[ThemeCounts], dict[int, int]]:
    """This period's counts and the previous period's reporters, in one pass over both."""
    activity = _activity(previous_start, end, circle_id, place_key).subquery()
    c = activity.c
    now = c.created_at >= start

    def this(column: Any) -> Any:
        return case((now, column), else_=None)

    def reported_now(column: Any) -> Any:
        return case((now & (c.is_report == 1), column), else_=None)

    query = (
        select(
            c.theme_id,
            func.count(func.distinct(this(c.person_id))),
            func.count(func.distinct(reported_now(c.place_key))),
            func.count(func.distinct(this(c.circle_id))),
            func.sum(case((now, c.is_report), else_=0)),
            func.sum(case((now, 1 - c.is_report), else_=0)),
            func.max(this(c.created_at)),
            func.count(func.distinct(reported_now(c.person_id))),
            func.count(func.distinct(case((~now & (c.is_report == 1), c.person_id), else_=None))),
        )
        .join(Theme, Theme.id == c.theme_id)
        .where(Theme.hidden.is_(False), Theme.merged_into.is_(None))
        .group_by(c.theme_id)
    )
    rows = (await session.execute(query)).all()
    current = [_counts(r) for r in rows if r[1]]
    return current, {int(r[0]): int(r[8]) for r in rows}


async def place_reporters(
    session: AsyncSession,
    theme_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    circle_id: int | None = None,
    place_key: str | None = None,
) -> list[tuple[int, str, int]]:
    """(theme, place key, person) once per reporter and place: what naming places counts.

    Keys, never the text people typed: a place is named by the gazetteer (bot.digests.naming),
    so one person's spelling of their town never appears."""
    query = (
        select(ReportTheme.theme_id, Report.place_key, Report.person_id)
        .join(Report, Report.id == ReportTheme.report_id)
        .where(
            ReportTheme.theme_id.in_(theme_ids),
            Report.place_key.is_not(None),
            Report.hidden.is_(False),
            Report.created_at >= start,
            Report.created_at < end,
        )
        .distinct()
    )
    query = _in_scope(query, circle_id, place_key)
    return [(int(t), str(k), int(p)) for t, k, p in (await session.execute(query)).all()]


@dataclass(frozen=True)
class QuoteCandidate:
    theme_id: int
    report_id: int
    text: str
    person_id: int
    place_key: str | None
    vector: bytes | None
    subtheme_id: int | None = None  # the core sub-theme is quoted first (nlp.quotes)


async def quote_candidates(
    session: AsyncSession,
    theme_ids: list[int],
    start: datetime,
    end: datetime,
    per_theme: int = 24,
    *,
    circle_id: int | None = None,
    place_key: str | None = None,
) -> list[QuoteCandidate]:
    """A theme's reports nearest its centre when they joined it, best first: the pool that
    quotes are picked from (by today's centre, across people and places)."""
    candidates = (
        select(
            ReportTheme.theme_id,
            Report.id,
            Report.text,
            Report.person_id,
            Report.place_key,
            Report.vector,
            ReportTheme.subtheme_id,
            func.row_number()
            .over(
                partition_by=ReportTheme.theme_id,
                order_by=(ReportTheme.similarity.desc(), Report.id),
            )
            .label("rank"),
        )
        .join(Report, Report.id == ReportTheme.report_id)
        .where(
            ReportTheme.theme_id.in_(theme_ids),
            Report.hidden.is_(False),
            Report.created_at >= start,
            Report.created_at < end,
        )
    )
    ranked = _in_scope(candidates, circle_id, place_key).subquery()
    query = (
        select(
            ranked.c.theme_id,
            ranked.c.id,
            ranked.c.text,
            ranked.c.person_id,
            ranked.c.place_key,
            ranked.c.vector,
            ranked.c.subtheme_id,
        )
        .where(ranked.c.rank <= per_theme)
        .order_by(ranked.c.theme_id, ranked.c.rank)
    )
    return [QuoteCandidate(*row) for row in (await session.execute(query)).all()]


async def themes_by_id(session: AsyncSession, theme_ids: list[int]) -> dict[int, Theme]:
    rows = await session.scalars(select(Theme).where(Theme.id.in_(theme_ids)))
    return {t.id: t for t in rows}


async def count_reports(session: AsyncSession, start: datetime, end: datetime) -> int:
    """The cheapest question a digest asks; the benchmark's baseline."""
    query = select(func.count(Report.id)).where(
        Report.created_at >= start, Report.created_at < end, Report.hidden.is_(False)
    )
    return int(await session.scalar(query) or 0)


async def theme_reporter_ids(session: AsyncSession, theme_id: int) -> list[int]:
    """The people whose visible reports are in a theme: told when it becomes shown."""
    query = (
        select(Report.person_id)
        .join(ReportTheme, ReportTheme.report_id == Report.id)
        .where(ReportTheme.theme_id == theme_id, Report.hidden.is_(False))
        .distinct()
        .order_by(Report.person_id)
    )
    return [int(p) for p in await session.scalars(query)]
