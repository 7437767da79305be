"""Organisers' curation of themes and reports, and its log (who, when, what).

The log is also what re-clustering reads to know which themes an organiser has shaped, so
their reports stay where the organiser put them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CurationLog, Report, ReportTheme, Subtheme, Theme, utcnow

THEME_ACTIONS = ("name", "demand", "merge", "split", "hide", "move", "promote")


async def log(
    session: AsyncSession,
    actor: str,
    action: str,
    theme_id: int | None = None,
    report_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        CurationLog(
            actor=actor,
            action=action,
            theme_id=theme_id,
            report_id=report_id,
            detail=dict(detail or {}),
            created_at=at or utcnow(),
        )
    )
    await session.flush()


async def entries(session: AsyncSession) -> list[CurationLog]:
    return list(await session.scalars(select(CurationLog).order_by(CurationLog.id)))


async def curated_theme_ids(session: AsyncSession) -> set[int]:
    """Themes an organiser named, gave a demand, merged into, split or hid."""
    rows = await session.execute(
        select(CurationLog.theme_id, CurationLog.detail).where(
            CurationLog.action.in_(THEME_ACTIONS)
        )
    )
    found: set[int] = set()
    for theme_id, detail in rows.all():
        if theme_id is not None:
            found.add(int(theme_id))
        into = (detail or {}).get("into")
        if isinstance(into, list):
            found.update(int(t) for t in into if isinstance(t, int))
    return found


async def curated_subtheme_ids(session: AsyncSession) -> set[int]:
    """Sub-themes an organiser shaped: a report moved into one, or one promoted."""
    rows = await session.execute(
        select(CurationLog.detail).where(CurationLog.action.in_(("move", "promote")))
    )
    found: set[int] = set()
    for (detail,) in rows.all():
        sub = (detail or {}).get("subtheme")
        if isinstance(sub, int):
            found.add(sub)
    return found


async def set_theme_text(session: AsyncSession, theme_id: int, field: str, text: str) -> None:
    assert field in ("name", "demand")
    await session.execute(update(Theme).where(Theme.id == theme_id).values({field: text}))


async def hide_theme(session: AsyncSession, theme_id: int) -> None:
    await session.execute(update(Theme).where(Theme.id == theme_id).values(hidden=True))


async def hide_report(session: AsyncSession, report_id: int) -> bool:
    result = await session.execute(
        update(Report).where(Report.id == report_id, Report.hidden.is_(False)).values(hidden=True)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def move_reports(session: AsyncSession, from_theme: int, to_theme: int) -> None:
    """A merge: reports and sub-themes of one theme move into another."""
    await session.execute(
        update(ReportTheme).where(ReportTheme.theme_id == from_theme).values(theme_id=to_theme)
    )
    await session.execute(
        update(Subtheme).where(Subtheme.theme_id == from_theme).values(theme_id=to_theme)
    )


async def assign_reports(
    session: AsyncSession,
    theme_of_report: Mapping[int, int],
    subtheme_of_report: Mapping[int, int] | None = None,
) -> None:
    subs = subtheme_of_report or {}
    for report_id, theme_id in theme_of_report.items():
        values: dict[str, int] = {"theme_id": theme_id}
        if report_id in subs:
            values["subtheme_id"] = subs[report_id]
        await session.execute(
            update(ReportTheme).where(ReportTheme.report_id == report_id).values(values)
        )


async def theme_report_vectors(
    session: AsyncSession, theme_id: int
) -> Sequence[tuple[int, bytes, list[str]]]:
    """(report, vector, phrases) of a theme's visible reports, for splitting it."""
    query = (
        select(Report.id, Report.vector, Report.phrases)
        .join(ReportTheme, ReportTheme.report_id == Report.id)
        .where(
            ReportTheme.theme_id == theme_id,
            Report.hidden.is_(False),
            Report.vector.is_not(None),
        )
        .order_by(Report.id)
    )
    rows = (await session.execute(query)).all()
    return [(int(r), v, list(p or [])) for r, v, p in rows if v is not None]


async def report_vector(session: AsyncSession, report_id: int) -> bytes | None:
    report = await session.get(Report, report_id)
    return None if report is None else (report.vector or b"")


async def place_report(
    session: AsyncSession, report_id: int, theme_id: int, subtheme_id: int
) -> None:
    """Move one report (even one kept out as not a barrier) into a theme and sub-theme,
    carrying its vector's weight from the old centroids to the new ones."""
    report = await session.get(Report, report_id)
    assert report is not None
    row = await session.get(ReportTheme, report_id)
    vector = np.frombuffer(report.vector or b"", dtype=np.float32)
    if row is not None:
        await _weigh(session, Theme, row.theme_id, vector, -1)
        if row.subtheme_id is not None:
            await _weigh(session, Subtheme, row.subtheme_id, vector, -1)
        row.theme_id, row.subtheme_id = theme_id, subtheme_id
    else:
        session.add(ReportTheme(report_id=report_id, theme_id=theme_id, subtheme_id=subtheme_id))
    report.not_barrier = False
    await _weigh(session, Theme, theme_id, vector, 1)
    await _weigh(session, Subtheme, subtheme_id, vector, 1)
    await session.flush()


async def _weigh(
    session: AsyncSession,
    kind: type[Theme] | type[Subtheme],
    key: int,
    vector: NDArray[np.float32],
    sign: int,
) -> None:
    group: Theme | Subtheme | None = await session.get(kind, key)
    if group is None:
        return
    group.size = max(0, (group.size or 0) + sign)
    centre = np.frombuffer(group.centroid or b"", dtype=np.float32)
    if len(vector) and len(centre) in (0, len(vector)):
        base = centre if len(centre) else np.zeros_like(vector)
        group.centroid = (base + sign * vector).astype(np.float32).tobytes()


async def promote_subtheme(session: AsyncSession, sub: Subtheme, old: Theme) -> int:
    """A new theme holding the sub-theme and its reports; the old theme loses their weight."""
    theme = Theme(label=sub.label, name=sub.name, centroid=sub.centroid, size=sub.size)
    session.add(theme)
    await session.flush()
    centre = np.frombuffer(old.centroid or b"", dtype=np.float32)
    moved = np.frombuffer(sub.centroid or b"", dtype=np.float32)
    if len(centre) and len(centre) == len(moved):
        old.centroid = (centre - moved).astype(np.float32).tobytes()
    old.size = max(0, (old.size or 0) - (sub.size or 0))
    await session.execute(
        update(ReportTheme).where(ReportTheme.subtheme_id == sub.id).values(theme_id=theme.id)
    )
    sub.theme_id = theme.id
    await session.flush()
    return theme.id


async def not_barriers(session: AsyncSession, limit: int = 20) -> list[Report]:
    """The latest messages kept out of themes, for an organiser to review."""
    query = (
        select(Report)
        .where(Report.not_barrier.is_(True), Report.hidden.is_(False))
        .order_by(Report.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))
