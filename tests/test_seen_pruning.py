"""The seen-update log is pruned on a schedule, so it does not grow forever, and never
forgets an id Telegram could still redeliver."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from spacy.language import Language
from sqlalchemy import select

from bot.app import App
from bot.services.housekeeping import KEEP, SeenPruning
from config.settings import Settings
from groundswell.runtime import Runtime
from storage.db import Database
from storage.models import SeenUpdate
from storage.updates import seen_in


async def seen_ids(database: Database) -> set[str]:
    async with database.reading() as session:
        return set(await session.scalars(select(SeenUpdate.update_id)))


async def add_seen(database: Database, update_id: str, at: datetime) -> None:
    async with database.transaction() as session:
        session.add(SeenUpdate(platform="telegram", update_id=update_id, seen_at=at))


async def until_gone(database: Database, update_id: str, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if update_id not in await seen_ids(database):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{update_id} was never pruned")


async def test_a_pass_forgets_only_ids_older_than_the_redelivery_window(
    database: Database,
) -> None:
    now = datetime.now(UTC)
    await add_seen(database, "old", now - KEEP - timedelta(minutes=1))
    await add_seen(database, "recent", now - timedelta(hours=23))
    assert await SeenPruning(database, clock=lambda: now).tick() == 1
    assert await seen_ids(database) == {"recent"}
    assert await seen_in(database).mark("telegram", "recent") is True, "still a duplicate"


async def test_the_runtime_prunes_while_it_runs(settings: Settings, nlp: Language) -> None:
    app = await App.create(settings, nlp=nlp)
    db = app.services.db
    await add_seen(db, "stale", datetime.now(UTC) - timedelta(days=30))
    await add_seen(db, "fresh", datetime.now(UTC))
    runtime = Runtime(app)
    runtime.pruning.scheduler = SeenPruning(db, every_seconds=0.05)
    await runtime.start()
    try:
        await until_gone(db, "stale")
        await add_seen(db, "stale-later", datetime.now(UTC) - timedelta(days=30))
        await until_gone(db, "stale-later")  # again on a later pass, not only at start
        assert await seen_ids(db) == {"fresh"}
    finally:
        await runtime.stop()
