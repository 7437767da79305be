"""Re-pointing every row that names one place key at another (an organiser's merge)."""

from __future__ import annotations

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Circle, Endorsement, Person, Report


async def merge_place(
    session: AsyncSession, old_key: str, name: str, key: str, region: str | None
) -> int:
    """People, reports, "me too"s and circles at ``old_key`` move to the known place; the
    number of rows changed (for the log, not for anyone to read)."""
    changed = 0
    for table in (Person, Report, Circle):
        values: dict[str, object] = {"place": name, "place_key": key}
        if table is not Report:
            values["region"] = region
        result = await session.execute(
            update(table).where(table.place_key == old_key).values(**values)
        )
        changed += _rows(result)
    result = await session.execute(
        update(Endorsement).where(Endorsement.place_key == old_key).values(place_key=key)
    )
    return changed + _rows(result)


def _rows(result: object) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0
