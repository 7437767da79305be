"""Themes, endorsements and the report-to-theme assignments that re-clustering rewrites."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Endorsement, ReportTheme, Theme


async def live_themes(session: AsyncSession) -> list[Theme]:
    query = select(Theme).where(Theme.merged_into.is_(None)).order_by(Theme.id)
    return list(await session.scalars(query))


async def themes_after(session: AsyncSession, last_id: int) -> list[Theme]:
    """Live themes created since ``last_id``: how one process sees another's new themes."""
    query = select(Theme).where(Theme.id > last_id, Theme.merged_into.is_(None)).order_by(Theme.id)
    return list(await session.scalars(query))


async def lock_centroid(session: AsyncSession, theme_id: int) -> bytes | None:
    """The live theme's current centroid sum, row-locked on PostgreSQL until commit."""
    query = (
        select(Theme.centroid)
        .where(Theme.id == theme_id, Theme.merged_into.is_(None))
        .with_for_update()
    )
    return await session.scalar(query)


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


async def grow_theme(session: AsyncSession, theme_id: int, centroid: bytes, by: int = 1) -> None:
    await session.execute(
        update(Theme).where(Theme.id == theme_id).values(centroid=centroid, size=Theme.size + by)
    )


async def shrink_theme(session: AsyncSession, theme_id: int) -> None:
    await session.execute(update(Theme).where(Theme.id == theme_id).values(size=Theme.size - 1))


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


async def replace_assignments(
    session: AsyncSession, theme_of_report: Mapping[int, int], similarities: Mapping[int, float]
) -> None:
    await session.execute(delete(ReportTheme))
    rows = [
        {"report_id": r, "theme_id": t, "similarity": similarities.get(r, 0.0)}
        for r, t in theme_of_report.items()
    ]
    if rows:
        await session.execute(insert(ReportTheme), rows)


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
