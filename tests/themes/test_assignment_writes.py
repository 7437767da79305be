"""A re-cluster writes only the assignments that changed: every row it writes lengthens the
transaction that holds the themes chat places reports in, and most reports stay put."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from bot.app import App
from groundswell.testing import BotHarness
from storage.models import ReportTheme
from tests.themes.test_two_levels import STORY, tell

WRITES = ("insert into report_themes", "update report_themes", "delete from report_themes")


@contextmanager
def assignment_writes(app: App) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.casefold().lstrip().startswith(WRITES):
            seen.append(statement)

    engine = app.services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def rows(app: App) -> dict[int, tuple[int, int | None, float]]:
    async with app.services.db.reading() as session:
        found = (await session.scalars(select(ReportTheme))).all()
    return {r.report_id: (r.theme_id, r.subtheme_id, r.similarity) for r in found}


async def test_a_recluster_over_the_same_reports_writes_no_assignment(
    bot: BotHarness, app: App
) -> None:
    await tell(bot, STORY)
    await app.services.reclusterer.run()
    before = await rows(app)
    with assignment_writes(app) as writes:
        await app.services.reclusterer.run()
    assert writes == []
    assert await rows(app) == before


async def test_after_new_reports_every_report_still_has_one_current_row(
    bot: BotHarness, app: App
) -> None:
    told = await tell(bot, STORY[:2])
    await app.services.reclusterer.run()
    more = await tell(bot, STORY[2:])
    with assignment_writes(app) as writes:
        summary = await app.services.reclusterer.run()
    after = await rows(app)
    assert set(after) == set(told) | set(more)
    assert summary.reports == len(after)
    assert writes  # the new barrier's reports moved into a theme of their own, or were re-scored
    themes_of_new = {after[r][0] for r in more}
    themes_of_old = {after[r][0] for r in told}
    assert themes_of_new - themes_of_old  # a third barrier: a theme of its own
