"""Platform update ids already handled, so a redelivered update is processed once.

Telegram redelivers an update whose receipt was not confirmed (a crash between fetching
and confirming, a restart, a webhook retry); recording its id in the database is what
makes "once" survive a restart and hold across several bot processes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import SeenUpdate, utcnow


async def mark_seen(session: AsyncSession, platform: str, update_id: str) -> bool:
    """Record the update; ``True`` if it had been recorded before (a duplicate).

    An insert that ignores a conflicting key, so two processes racing on the same update
    agree on exactly one winner without an error or a retry.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(SeenUpdate)
        .values(platform=platform, update_id=update_id, seen_at=utcnow())
        .on_conflict_do_nothing(index_elements=["platform", "update_id"])
    )
    result = await session.execute(statement)
    return bool(result.rowcount == 0)  # type: ignore[attr-defined]


async def forget_seen_before(session: AsyncSession, cutoff: datetime) -> int:
    """Old ids can go: Telegram never redelivers an update older than a day."""
    result = await session.execute(delete(SeenUpdate).where(SeenUpdate.seen_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]


def seen_in(database: Database) -> Callable[[str, str], Awaitable[bool]]:
    """The ``seen`` callable adapters take, committed before the update is handled."""

    async def seen(platform: str, update_id: str) -> bool:
        async with database.transaction() as session:
            return await mark_seen(session, platform, update_id)

    return seen
