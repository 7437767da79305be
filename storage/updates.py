"""Platform update ids already handled, so a redelivered update is processed once.

Telegram redelivers an update whose receipt was not confirmed (a crash between fetching
and confirming, a restart, a webhook retry); recording its id in the database is what
makes "once" survive a restart and hold across several bot processes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
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


async def was_seen(session: AsyncSession, platform: str, update_id: str) -> bool:
    found = await session.scalar(
        select(SeenUpdate.update_id).where(
            SeenUpdate.platform == platform, SeenUpdate.update_id == update_id
        )
    )
    return found is not None


class SeenLog:
    """The seen-log adapters take. ``mark`` claims an id (committed at once, so racing
    processes agree); ``check`` only reads, for an adapter that marks an update after it
    has been handled, so one cut short by a crash is handled when it comes again."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def check(self, platform: str, update_id: str) -> bool:
        async with self.database.reading() as session:
            return await was_seen(session, platform, update_id)

    async def mark(self, platform: str, update_id: str) -> bool:
        async with self.database.transaction() as session:
            return await mark_seen(session, platform, update_id)


def seen_in(database: Database) -> SeenLog:
    return SeenLog(database)
