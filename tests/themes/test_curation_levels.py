"""Off-topic messages stay out of themes (organisers review them), and curation at both
levels (a report moved, a sub-theme promoted) survives re-clustering."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sqlalchemy import select
from test_two_levels import STORY, assignments, tell

from bench.story_set import NOT_BARRIERS
from bot.app import App
from groundswell.testing import BotHarness
from nlp.recluster import Levels
from storage.models import Report


async def test_off_topic_messages_stay_out_of_themes(bot: BotHarness, app: App) -> None:
    await tell(bot, STORY[:1])
    await bot.onboard("tess", "Leeds")
    for text in ("test", "testing 1 2 3", "asdfgh"):  # abuse is refused before this (#14)
        reply = (await bot.push("tess", f"/report {text}"))[0].text
        assert "doesn't look like a workplace barrier" in reply, reply
    await app.services.reclusterer.run()
    async with app.services.db.reading() as session:
        kept_out = set(await session.scalars(select(Report.id).where(Report.not_barrier)))
    assert len(kept_out) == 3
    assert not kept_out & set(await assignments(app)), "in no theme, even after re-clustering"
    review = (await bot.push("olive", "/theme review"))[-1].text
    assert "asdfgh" in review and review.count("\n#") == 3
    assert NOT_BARRIERS[0] == "test"


async def test_a_moved_report_and_a_promoted_subtheme_survive_reclustering(
    bot: BotHarness, app: App
) -> None:
    told = await tell(bot, STORY)
    await app.services.reclusterer.run()
    placed = await assignments(app)
    parking = [r for r, b in told.items() if b == STORY[1]]
    spends_theme = placed[next(r for r, b in told.items() if b == STORY[0])][0]
    moved = parking[0]
    reply = (await bot.push("olive", f"/theme move {moved} {spends_theme}"))[-1].text
    assert f"theme #{spends_theme}" in reply, reply
    sub_id = int(re.search(r"sub-theme #(\d+)", reply).group(1))  # type: ignore[union-attr]

    # a theme with two sub-themes: an organiser merges the "systems" theme into another
    other = next(r for r, b in told.items() if b == STORY[2])
    other_theme, other_sub = placed[other]
    await bot.push("olive", f"/theme merge {spends_theme} {other_theme}")
    promoted = (await bot.push("olive", f"/theme promote {other_sub}"))[-1].text
    found = re.search(r"now theme #(\d+)", promoted)
    assert found, promoted
    members = [r for r, (_, sub) in placed.items() if sub == other_sub and r != moved]
    for _ in range(2):
        await app.services.reclusterer.run()
        after = await assignments(app)
        assert after[moved] == (spends_theme, sub_id)
        assert {after[r][0] for r in members} == {int(found.group(1))}
        assert {after[r][1] for r in members} == {other_sub}


async def test_a_move_made_while_the_recluster_clusters_is_kept(
    bot: BotHarness, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clustering works on a snapshot without the theme lock; an organiser who moves a
    report meanwhile is not overwritten by it: the apply step reads curation afresh."""
    told = await tell(bot, STORY[:2])
    await app.services.reclusterer.run()
    placed = await assignments(app)
    moved = next(r for r, b in told.items() if b == STORY[1])
    spends_theme = placed[next(r for r, b in told.items() if b == STORY[0])][0]
    reclusterer = app.services.reclusterer
    cluster = reclusterer._cluster
    replies: list[str] = []

    async def cluster_while_an_organiser_moves(vectors: np.ndarray) -> Levels:
        replies.append((await bot.push("olive", f"/theme move {moved} {spends_theme}"))[-1].text)
        return await cluster(vectors)

    monkeypatch.setattr(reclusterer, "_cluster", cluster_while_an_organiser_moves)
    await reclusterer.run()
    assert f"theme #{spends_theme}" in replies[0], replies
    sub_id = int(re.search(r"sub-theme #(\d+)", replies[0]).group(1))  # type: ignore[union-attr]
    assert (await assignments(app))[moved] == (spends_theme, sub_id)
