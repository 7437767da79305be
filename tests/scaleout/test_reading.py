"""Read-only transactions: a reader does not wait for a writer that holds its transaction
open (on SQLite every other transaction takes the write lock at BEGIN), and a write slipped
into a reading transaction is refused on PostgreSQL, so the test runs there catch it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from storage.db import Database
from storage.models import Person


async def count_people(db: Database) -> int:
    async with db.reading() as session:
        return int(await session.scalar(select(func.count(Person.id))) or 0)


async def test_a_reader_does_not_wait_for_an_open_writer(database: Database) -> None:
    async with database.transaction() as writer:
        writer.add(Person())
        await writer.flush()  # the writer now holds its lock until commit
        assert await asyncio.wait_for(count_people(database), timeout=5) == 0  # a snapshot
    assert await count_people(database) == 1


async def test_a_writing_transaction_still_waits_its_turn(database: Database) -> None:
    async def write() -> None:
        async with database.transaction() as session:
            session.add(Person())

    async with database.transaction() as writer:
        writer.add(Person())
        await writer.flush()
        second = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        done_early = second.done()
    await asyncio.wait_for(second, timeout=10)
    if database.dialect == "sqlite":
        assert not done_early  # BEGIN IMMEDIATE: the second writer queued behind the first
    assert await count_people(database) == 2


async def test_a_write_in_a_reading_transaction_fails_on_postgresql(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SQLite has no read-only transactions; the PostgreSQL run checks this")
    with pytest.raises(DBAPIError, match="read-only"):
        async with database.reading() as session:
            session.add(Person())
    assert await count_people(database) == 0
