"""Themes, endorsements and the report-to-theme assignments that re-clustering rewrites."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.imports import CHUNK
from storage.models import Endorsement, Person, Report, ReportTheme, Subtheme, Theme
from storage.scope import report_scope


async def live_themes(session: AsyncSession) -> list[Theme]:
    query = select(Theme).where(Theme.merged_into.is_(None)).order_by(Theme.id)
    return list(await session.scalars(query))


async def live_labels(session: AsyncSession) -> tuple[dict[int, str], dict[int, str]]:
    """Every live theme's and sub-theme's label, by id (a re-cluster writes only changes)."""
    out: list[dict[int, str]] = []
    for table in (Theme, Subtheme):
        query = select(table.id, table.label).where(table.merged_into.is_(None))
        out.append({int(i): label or "" for i, label in (await session.execute(query)).all()})
    return out[0], out[1]


async def themes_after(session: AsyncSession, last_id: int) -> list[Theme]:
    """Live themes created since ``last_id``: how one process sees another's new themes."""
    query = select(Theme).where(Theme.id > last_id, Theme.merged_into.is_(None)).order_by(Theme.id)
    return list(await session.scalars(query))


async def lock_centroids(session: AsyncSession, theme_ids: list[int]) -> dict[int, bytes]:
    """Current centroid sums of those themes still live, row-locked on PostgreSQL until
    commit, in one query. A theme missing from the answer was retired by re-clustering."""
    return await _lock(session, cast(Table, Theme.__table__), theme_ids)


async def _lock(session: AsyncSession, table: Table, ids: list[int]) -> dict[int, bytes]:
    """One locking read for either level: themes and sub-themes are locked the same way
    (in id order, so two processes never wait on each other in a cycle)."""
    if not ids:
        return {}
    query = (
        select(table.c.id, table.c.centroid)
        .where(table.c.id.in_(ids), table.c.merged_into.is_(None))
        .order_by(table.c.id)
        .with_for_update()
    )
    rows = (await session.execute(query)).all()
    return {int(row_id): centroid for row_id, centroid in rows if centroid}


class ThemesBusy(Exception):
    """A theme or sub-theme row is locked by another transaction (``lock_live``)."""


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for NOWAIT finding a row locked


async def lock_live(session: AsyncSession) -> None:
    """Every live theme, then every live sub-theme, locked before a re-cluster's first
    write (PostgreSQL; SQLite has one writer anyway). NOWAIT: a chat batch may hold some of
    them and go on to lock more in its own order, so the re-cluster must never wait while
    holding any; it raises ``ThemesBusy`` at once, rolls back and tries again. Holding them
    all, it then waits for nobody, so it is never half of a deadlock. NO KEY UPDATE: the
    key-share locks a report or "me too" takes on its theme do not count as busy.

    On SQLite the transaction's write lock already excludes every batch, and the two
    reads would only lengthen the time it holds that lock, so they are skipped there."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in (cast(Table, Theme.__table__), cast(Table, Subtheme.__table__)):
        live = select(table.c.id).where(table.c.merged_into.is_(None)).order_by(table.c.id)
        try:
            await session.execute(live.with_for_update(key_share=True, nowait=True))
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise ThemesBusy from error
            raise


async def get_theme(session: AsyncSession, theme_id: int) -> Theme | None:
    theme = await session.get(Theme, theme_id)
    if theme is None or theme.merged_into is not None:
        return None
    return theme


async def create_theme(session: AsyncSession, label: str, centroid: bytes) -> Theme:
    theme = Theme(label=label, centroid=centroid, size=1)
    session.add(theme)
    await session.flush()
    return theme


async def create_themes(session: AsyncSession, rows: list[tuple[str, bytes, int]]) -> list[int]:
    """New themes (label, centroid sum, size) in one multi-row insert; their ids in order."""
    themes = [Theme(label=label, centroid=centroid, size=size) for label, centroid, size in rows]
    session.add_all(themes)
    await session.flush()
    return [theme.id for theme in themes]


async def grow_themes(session: AsyncSession, rows: list[tuple[int, bytes, int]]) -> None:
    """New centroid sums and added sizes (theme id, centroid, by) in one executemany."""
    await _grow(session, cast(Table, Theme.__table__), rows)


async def set_labels(session: AsyncSession, labels: Mapping[int, str]) -> None:
    """Labels of live themes by id in one executemany; a retired theme is left as it was."""
    await _set_labels(session, cast(Table, Theme.__table__), labels)


async def set_subtheme_labels(session: AsyncSession, labels: Mapping[int, str]) -> None:
    """Labels of live sub-themes by id, as ``set_labels``."""
    await _set_labels(session, cast(Table, Subtheme.__table__), labels)


async def _set_labels(session: AsyncSession, table: Table, labels: Mapping[int, str]) -> None:
    """One statement for either level, without loading every row: a re-cluster writes
    its labels under the write lock (SQLite) that chat batches wait for."""
    if not labels:
        return
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.merged_into.is_(None))
        .values(label=bindparam("new_label"))
    )
    await session.execute(statement, [{"row_id": i, "new_label": s} for i, s in labels.items()])


async def _grow(session: AsyncSession, table: Table, rows: list[tuple[int, bytes, int]]) -> None:
    """One executemany for either level: themes and sub-themes grow the same way."""
    if not rows:
        return
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(centroid=bindparam("new_centroid"), size=table.c.size + bindparam("grown_by"))
    )
    params = [{"row_id": i, "new_centroid": c, "grown_by": by} for i, c, by in rows]
    await session.execute(statement, params)


async def endorse(
    session: AsyncSession, theme_id: int, person_id: int, place_key: str | None
) -> bool:
    """False when the person already endorsed it (one "me too" each)."""
    existing = await session.scalar(
        select(Endorsement.id).where(
            Endorsement.theme_id == theme_id, Endorsement.person_id == person_id
        )
    )
    if existing is not None:
        return False
    session.add(Endorsement(theme_id=theme_id, person_id=person_id, place_key=place_key))
    await session.flush()
    return True


async def endorsed_theme_ids(session: AsyncSession, person_id: int) -> list[int]:
    """The themes the person said "me too" to: /themes offers them no second one."""
    query = select(Endorsement.theme_id).where(Endorsement.person_id == person_id)
    return [int(t) for t in await session.scalars(query)]


async def replace_assignments(
    session: AsyncSession,
    theme_of_report: Mapping[int, int],
    similarities: Mapping[int, float],
    subtheme_of_report: Mapping[int, int] | None = None,
) -> None:
    """A re-cluster's assignments replace those of every report up to the newest it saw;
    a report committed after its last read (chat reports are placed by the group commit,
    which does not wait for the theme lock) keeps the theme it was placed in. Only rows
    that differ are written: most reports stay where they were, and every row written
    lengthens the transaction that holds the themes chat is placing reports in."""
    newest = max(theme_of_report, default=0)
    subs = subtheme_of_report or {}
    wanted = {r: (t, subs.get(r), similarities.get(r, 0.0)) for r, t in theme_of_report.items()}
    held = await _assignment_rows(session, newest)
    gone = [r for r in held if r not in wanted]
    for start in range(0, len(gone), CHUNK):
        chunk = gone[start : start + CHUNK]
        await session.execute(delete(ReportTheme).where(ReportTheme.report_id.in_(chunk)))
    changed = [assignment_row(r, row) for r, row in wanted.items() if r in held and held[r] != row]
    if changed:
        await session.execute(update(ReportTheme), changed)
    added = [assignment_row(r, row) for r, row in wanted.items() if r not in held]
    if added:
        await session.execute(insert(ReportTheme), added)


AssignmentRow = tuple[int, int | None, float]  # theme, sub-theme, similarity


async def _assignment_rows(session: AsyncSession, newest: int) -> dict[int, AssignmentRow]:
    rows = await session.execute(
        select(
            ReportTheme.report_id,
            ReportTheme.theme_id,
            ReportTheme.subtheme_id,
            ReportTheme.similarity,
        ).where(ReportTheme.report_id <= newest)
    )
    return {r: (t, s, sim) for r, t, s, sim in rows}


def assignment_row(report_id: int, row: AssignmentRow) -> dict[str, object]:
    """A ``report_themes`` row as its insert and update statements take it."""
    theme_id, subtheme_id, similarity = row
    return {
        "report_id": report_id,
        "theme_id": theme_id,
        "subtheme_id": subtheme_id,
        "similarity": similarity,
    }


async def move_endorsements(session: AsyncSession, moves: Mapping[int, int]) -> None:
    """Carry "me too"s to the theme that absorbed their old one; drop duplicates."""
    for old, new in moves.items():
        rows = list(await session.scalars(select(Endorsement).where(Endorsement.theme_id == old)))
        for row in rows:
            clash = await session.scalar(
                select(Endorsement.id).where(
                    Endorsement.theme_id == new, Endorsement.person_id == row.person_id
                )
            )
            if clash is None:
                row.theme_id = new
            else:
                await session.delete(row)


async def live_subthemes(session: AsyncSession) -> list[Subtheme]:
    query = select(Subtheme).where(Subtheme.merged_into.is_(None)).order_by(Subtheme.id)
    return list(await session.scalars(query))


async def subthemes_after(session: AsyncSession, last_id: int) -> list[Subtheme]:
    """Live sub-themes created since ``last_id`` (another process's new ones)."""
    query = (
        select(Subtheme)
        .where(Subtheme.id > last_id, Subtheme.merged_into.is_(None))
        .order_by(Subtheme.id)
    )
    return list(await session.scalars(query))


async def subthemes_of(session: AsyncSession, theme_ids: Sequence[int]) -> list[Subtheme]:
    query = (
        select(Subtheme)
        .where(Subtheme.theme_id.in_(theme_ids), Subtheme.merged_into.is_(None))
        .order_by(Subtheme.id)
    )
    return list(await session.scalars(query))


async def get_subtheme(session: AsyncSession, subtheme_id: int) -> Subtheme | None:
    found = await session.get(Subtheme, subtheme_id)
    return None if found is None or found.merged_into is not None else found


async def lock_subtheme_centroids(
    session: AsyncSession, subtheme_ids: list[int]
) -> dict[int, bytes]:
    """As ``lock_centroids``, for sub-themes."""
    return await _lock(session, cast(Table, Subtheme.__table__), subtheme_ids)


async def create_subthemes(
    session: AsyncSession, rows: list[tuple[int, str, bytes, int]]
) -> list[int]:
    """New sub-themes (theme id, label, centroid sum, size) together; their ids in order."""
    subs = [Subtheme(theme_id=t, label=lb, centroid=c, size=n) for t, lb, c, n in rows]
    session.add_all(subs)
    await session.flush()
    return [sub.id for sub in subs]


async def grow_subthemes(session: AsyncSession, rows: list[tuple[int, bytes, int]]) -> None:
    """New centroid sums and added sizes (sub-theme id, centroid, by) in one executemany."""
    await _grow(session, cast(Table, Subtheme.__table__), rows)


@dataclass(frozen=True)
class Spread:
    """Distinct reporters (and places) of a theme within one group: a sub-theme or a work
    area. Callers show a group only when enough reporters share it."""

    theme_id: int
    key: str  # the sub-theme id (as text) or the work area
    title: str
    reporters: int
    places: int


def _reports_in(
    theme_ids: Sequence[int],
    start: datetime,
    end: datetime,
    place_key: str | None,
    circle_id: int | None,
) -> list[ColumnElement[bool]]:
    """A theme's reports in the period and scope: the scope is the digest's own
    (``storage.scope``), so a part never counts reports its theme line does not."""
    return [
        ReportTheme.theme_id.in_(theme_ids),
        Report.hidden.is_(False),
        Report.not_barrier.is_(False),
        Report.created_at >= start,
        Report.created_at < end,
        *report_scope(circle_id, place_key),
    ]


async def subtheme_spread(
    session: AsyncSession,
    theme_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    circle_id: int | None = None,
    place_key: str | None = None,
) -> list[Spread]:
    """Reporters per sub-theme of each theme, in the period (and circle or place, if given)."""
    if not theme_ids:
        return []
    query = (
        select(
            ReportTheme.theme_id,
            Subtheme.id,
            func.coalesce(Subtheme.name, Subtheme.label),
            func.count(func.distinct(Report.person_id)),
            func.count(func.distinct(Report.place_key)),
        )
        .join(Report, Report.id == ReportTheme.report_id)
        .join(Subtheme, Subtheme.id == ReportTheme.subtheme_id)
        .where(*_reports_in(theme_ids, start, end, place_key, circle_id))
        .group_by(ReportTheme.theme_id, Subtheme.id, Subtheme.name, Subtheme.label)
    )
    rows = (await session.execute(query)).all()
    return [Spread(int(t), str(s), str(title or ""), int(n), int(p)) for t, s, title, n, p in rows]


async def service_spread(
    session: AsyncSession,
    theme_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    circle_id: int | None = None,
    place_key: str | None = None,
) -> list[Spread]:
    """Reporters per work area (chosen at /start) of each theme, in the period."""
    if not theme_ids:
        return []
    area = func.coalesce(Person.work_area, "Not said")
    query = (
        select(
            ReportTheme.theme_id,
            area,
            func.count(func.distinct(Report.person_id)),
            func.count(func.distinct(Report.place_key)),
        )
        .join(Report, Report.id == ReportTheme.report_id)
        .join(Person, Person.id == Report.person_id)
        .where(*_reports_in(theme_ids, start, end, place_key, circle_id))
        .group_by(ReportTheme.theme_id, area)
    )
    rows = (await session.execute(query)).all()
    return [Spread(int(t), str(a), str(a), int(n), int(p)) for t, a, n, p in rows]
