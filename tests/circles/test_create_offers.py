"""The batch's one offer insert: every new pair gets its row and its id back, pairs offered
before are skipped by the database and not returned, over more rows than one page of
SQLAlchemy's insertmanyvalues (1,000) on both databases."""

from __future__ import annotations

from itertools import combinations

from sqlalchemy import select

from storage import introductions as store
from storage import people as people_store
from storage import themes as theme_store
from storage.db import Database
from storage.models import Introduction


async def test_offers_return_the_ids_of_new_pairs_only(database_url: str) -> None:
    db = Database(database_url)
    await db.migrate()
    try:
        async with db.transaction() as session:
            people = await people_store.create_people(
                session, "console", [(f"u{n}", None) for n in range(60)]
            )
            theme = await theme_store.create_theme(session, "rota gaps", b"")
        ids = [p.id for p in people]
        pairs = list(combinations(ids, 2))  # 1,770 pairs
        async with db.transaction() as session:
            before = await store.create_offers(session, [(b, a, theme.id) for a, b in pairs[:100]])
        async with db.transaction() as session:
            made = await store.create_offers(session, [(a, b, theme.id) for a, b in pairs])
        async with db.reading() as session:
            rows = await session.execute(
                select(Introduction.id, Introduction.person_low, Introduction.person_high)
            )
            stored = {(int(low), int(high)): int(i) for i, low, high in rows.all()}
        assert len(before) == 100
        assert set(made) == set(pairs[100:])
        assert stored == {**before, **made}
    finally:
        await db.close()
