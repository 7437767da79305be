"""Reports and their theme assignments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Report, ReportTheme, Subtheme, Theme
from storage.themes import assignment_row


async def add_reports(
    session: AsyncSession, placed: Sequence[tuple[Report, int, float, int | None]]
) -> None:
    """A batch of reports with their themes and sub-themes, in two statements' worth of
    flushes."""
    for report, theme_id, _, _ in placed:
        report.not_barrier = theme_id == 0  # theme 0: not a barrier, kept out of every theme
    session.add_all([report for report, _, _, _ in placed])
    await session.flush()
    rows = [assignment_row(r.id, (t, sub, s)) for r, t, s, sub in placed if t != 0]
    if rows:
        await session.execute(insert(ReportTheme), rows)


async def reports_of(session: AsyncSession, person_id: int) -> list[tuple[Report, int | None]]:
    query = (
        select(Report, ReportTheme.theme_id)
        .outerjoin(ReportTheme, ReportTheme.report_id == Report.id)
        .where(Report.person_id == person_id)
        .order_by(Report.id)
    )
    return [(r, t) for r, t in (await session.execute(query)).all()]


async def delete_report(session: AsyncSession, person_id: int, report_id: int) -> int | None:
    """Delete one of the person's own reports; returns its theme id, or None if not theirs."""
    query = (
        select(Report, ReportTheme.theme_id)
        .outerjoin(ReportTheme, ReportTheme.report_id == Report.id)
        .where(Report.id == report_id, Report.person_id == person_id)
    )
    row = (await session.execute(query)).first()
    if row is None:
        return None
    await session.execute(delete(Report).where(Report.id == report_id))
    return int(row[1]) if row[1] is not None else 0


async def all_report_vectors(
    session: AsyncSession,
) -> Sequence[tuple[int, bytes | None, int | None, int | None]]:
    """(report, vector, theme, sub-theme) of every report that takes part in themes."""
    query = (
        select(Report.id, Report.vector, ReportTheme.theme_id, ReportTheme.subtheme_id)
        .outerjoin(ReportTheme, ReportTheme.report_id == Report.id)
        .where(Report.hidden.is_(False), Report.not_barrier.is_(False))
        .order_by(Report.id)
    )
    return [(int(i), v, t, s) for i, v, t, s in (await session.execute(query)).all()]


async def report_assignments(session: AsyncSession) -> list[tuple[int, int | None, int | None]]:
    """(report, theme, sub-theme) of every report ``all_report_vectors`` gives, without the
    vectors: what a re-cluster re-reads under the theme lock after clustering a snapshot."""
    query = (
        select(Report.id, ReportTheme.theme_id, ReportTheme.subtheme_id)
        .outerjoin(ReportTheme, ReportTheme.report_id == Report.id)
        .where(Report.hidden.is_(False), Report.not_barrier.is_(False), Report.vector.is_not(None))
        .order_by(Report.id)
    )
    return [(int(i), t, s) for i, t, s in (await session.execute(query)).all()]


async def report_vectors(session: AsyncSession, report_ids: Sequence[int]) -> dict[int, bytes]:
    """Stored vectors of the given reports (those that have one)."""
    if not report_ids:
        return {}
    query = select(Report.id, Report.vector).where(
        Report.id.in_(report_ids), Report.vector.is_not(None)
    )
    return {int(i): v for i, v in (await session.execute(query)).all() if v is not None}


async def reports_for_export(
    session: AsyncSession, since: datetime | None = None
) -> list[tuple[Report, Theme | None, Subtheme | None]]:
    query = (
        select(Report, Theme, Subtheme)
        .outerjoin(ReportTheme, ReportTheme.report_id == Report.id)
        .outerjoin(Theme, Theme.id == ReportTheme.theme_id)
        .outerjoin(Subtheme, Subtheme.id == ReportTheme.subtheme_id)
        .order_by(Report.id)
    )
    if since is not None:
        query = query.where(Report.created_at >= since)
    return [(r, t, s) for r, t, s in (await session.execute(query)).all()]


async def theme_phrases(
    session: AsyncSession, theme_ids: Sequence[int] | None = None
) -> list[tuple[int, int, list[str]]]:
    """(theme, reporter, phrases) per visible report: labels count reporters, not reports."""
    query = (
        select(ReportTheme.theme_id, Report.person_id, Report.phrases)
        .join(Report, Report.id == ReportTheme.report_id)
        .where(Report.hidden.is_(False))
    )
    if theme_ids is not None:
        query = query.where(ReportTheme.theme_id.in_(theme_ids))
    rows = (await session.execute(query)).all()
    return [(int(t), int(who), list(p or [])) for t, who, p in rows]


LabelRow = tuple[int, int, int | None, int, list[str]]  # report, theme, sub, reporter, phrases


async def label_rows(session: AsyncSession) -> list[LabelRow]:
    """Each visible placed report's theme, sub-theme, reporter and phrases: what a
    re-cluster makes every label from, and checks is still so before writing them."""
    query = select(
        ReportTheme.report_id,
        ReportTheme.theme_id,
        ReportTheme.subtheme_id,
        Report.person_id,
        Report.phrases,
    ).join(Report, Report.id == ReportTheme.report_id)
    rows = (await session.execute(query.where(Report.hidden.is_(False)))).all()
    return [
        (int(r), int(t), None if s is None else int(s), int(who), list(p or []))
        for r, t, s, who, p in rows
    ]


async def find_by_message(
    session: AsyncSession, platform: str, chat_id: str, message_id: str
) -> tuple[int, int | None] | None:
    """The report (and its theme) already stored for this platform message, if any: a
    redelivered or re-sent message must not become a second report."""
    query = (
        select(Report.id, ReportTheme.theme_id)
        .outerjoin(ReportTheme, ReportTheme.report_id == Report.id)
        .where(
            Report.platform == platform,
            Report.chat_id == chat_id,
            Report.message_id == message_id,
        )
    )
    row = (await session.execute(query)).first()
    return (int(row[0]), row[1]) if row is not None else None


async def find_by_messages(
    session: AsyncSession, keys: Sequence[tuple[str, str, str | None]]
) -> dict[tuple[str, str, str | None], tuple[int, int]]:
    """``find_by_message`` for a whole batch in one query: (report id, theme id) by key."""
    if not keys:
        return {}
    query = (
        select(Report.platform, Report.chat_id, Report.message_id, Report.id, ReportTheme.theme_id)
        .outerjoin(ReportTheme, ReportTheme.report_id == Report.id)
        .where(
            Report.platform.in_({p for p, _, _ in keys}),
            Report.chat_id.in_({c for _, c, _ in keys}),
            Report.message_id.in_({m for _, _, m in keys}),
        )
    )
    wanted = set(keys)
    found = {}
    for platform, chat, message, report_id, theme_id in (await session.execute(query)).all():
        if (platform, chat, message) in wanted:
            found[(platform, chat, message)] = (int(report_id), int(theme_id or 0))
    return found


async def theme_sizes(
    session: AsyncSession, theme_ids: Sequence[int]
) -> dict[int, tuple[int, str]]:
    """(size, label) per theme, read as columns: the session's Theme objects may predate
    the batch's placements, which grow themes with core statements."""
    query = select(Theme.id, Theme.size, Theme.label).where(Theme.id.in_(theme_ids))
    rows = (await session.execute(query)).all()
    return {int(t): (int(size or 0), str(label or "")) for t, size, label in rows}


async def report_texts(session: AsyncSession, report_ids: Sequence[int]) -> dict[int, str]:
    query = select(Report.id, Report.text).where(Report.id.in_(report_ids))
    return {int(i): str(t) for i, t in (await session.execute(query)).all()}


async def set_vectors(session: AsyncSession, vectors: dict[int, bytes]) -> None:
    """Re-embedded reports keep their new vectors, so a representation change costs once;
    one executemany, since after a model change that is every report."""
    if not vectors:
        return
    table = cast(Table, Report.__table__)
    statement = (
        update(table)
        .where(table.c.id == bindparam("report_id"))
        .values(vector=bindparam("new_vector"))
    )
    params = [{"report_id": r, "new_vector": v} for r, v in vectors.items()]
    await session.execute(statement, params)
