"""What the CSV import asks the database: which rows it has already stored."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Report

CHUNK = 500  # message ids per query, well inside every database's parameter limit


async def existing_message_ids(
    session: AsyncSession, platform: str, chat_id: str, message_ids: Sequence[str]
) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(message_ids), CHUNK):
        chunk = message_ids[start : start + CHUNK]
        query = select(Report.message_id).where(
            Report.platform == platform, Report.chat_id == chat_id, Report.message_id.in_(chunk)
        )
        found.update(m for m in await session.scalars(query) if m is not None)
    return found
