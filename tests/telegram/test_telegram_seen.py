"""``storage.updates``: an update id is new exactly once, also across processes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from storage.db import Database
from storage.models import SeenUpdate, utcnow
from storage.updates import forget_seen_before, mark_seen, seen_in


async def test_first_sighting_is_new_then_duplicate(database: Database) -> None:
    async with database.transaction() as session:
        assert await mark_seen(session, "telegram", "10") is False
        assert await mark_seen(session, "telegram", "10") is True
        assert await mark_seen(session, "discord", "10") is False, "ids are per platform"


async def test_seen_survives_a_new_database_object(database: Database) -> None:
    assert await seen_in(database).mark("telegram", "11") is False
    again = Database(database.url)
    try:
        assert await seen_in(again).check("telegram", "11") is True
        assert await seen_in(again).mark("telegram", "11") is True
    finally:
        await again.close()


async def test_racing_callers_agree_on_one_winner(database: Database) -> None:
    seen = seen_in(database)
    results = await asyncio.gather(*(seen.mark("telegram", "12") for _ in range(8)))
    assert sorted(results) == [False] + [True] * 7


async def test_old_ids_can_be_forgotten(database: Database) -> None:
    seen = seen_in(database)
    await seen.mark("telegram", "13")
    async with database.transaction() as session:
        assert await forget_seen_before(session, utcnow() - timedelta(days=1)) == 0
        assert await forget_seen_before(session, utcnow() + timedelta(seconds=1)) == 1
        remaining = await session.scalar(select(func.count()).select_from(SeenUpdate))
    assert remaining == 0


async def test_checking_does_not_record(database: Database) -> None:
    """An adapter checks before handling and marks after, so a crash in between leaves the
    update to be handled when Telegram sends it again."""
    seen = seen_in(database)
    assert await seen.check("telegram", "14") is False
    assert await seen.check("telegram", "14") is False
    assert await seen.mark("telegram", "14") is False
    assert await seen.check("telegram", "14") is True
