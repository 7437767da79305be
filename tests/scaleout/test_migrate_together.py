"""Two processes starting at once against an empty database both come up (no "table
already exists"), on both backends."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from storage.db import Database
from storage.models import Base


async def test_several_processes_can_migrate_an_empty_database_at_once(
    database_url: str,
) -> None:
    dbs = [Database(database_url) for _ in range(3)]
    try:
        await asyncio.gather(*(db.migrate() for db in dbs))
        async with dbs[0].engine.connect() as connection:
            tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        assert set(Base.metadata.tables) <= tables
        await dbs[1].migrate()  # already at head: a no-op, not an error
    finally:
        for db in dbs:
            await db.close()
