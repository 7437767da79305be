"""The one label writer: live themes get their new label, a retired one keeps its last."""

from __future__ import annotations

from sqlalchemy import select

from storage import themes as store
from storage.db import Database
from storage.models import Theme


async def test_labels_reach_live_themes_and_leave_retired_ones(database_url: str) -> None:
    db = Database(database_url)
    await db.migrate()
    try:
        async with db.transaction() as session:
            live = await store.create_theme(session, "old live", b"")
            retired = await store.create_theme(session, "old retired", b"")
            retired.merged_into = live.id
        async with db.transaction() as session:
            await store.set_labels(session, {live.id: "rota gaps", retired.id: "leaked words"})
        async with db.reading() as session:
            rows = await session.execute(select(Theme.id, Theme.label))
            labels = {int(i): label for i, label in rows.all()}
        assert labels == {live.id: "rota gaps", retired.id: "old retired"}
    finally:
        await db.close()
