"""Curation by organisers: name, demand, merge, split, hide; logged, and kept by recluster."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digest_seed import NOW, Seeded

from bot.app import App
from bot.digests.model import Digest
from bot.digests.scope import Scope
from groundswell.testing import BotHarness
from storage import curation as curation_store
from storage.models import Report, Theme

REFUSAL = "Sorry, that command isn't available to you here."


async def everywhere(app: App) -> Digest:
    return await app.services.digests.build(Scope(), "everywhere", NOW - timedelta(30), NOW)


async def say(bot: BotHarness, text: str) -> str:
    return (await bot.push("olive", text))[-1].text


async def curate(bot: BotHarness, seeded: Seeded) -> int:
    """Name and give a demand to A, merge E into it, hide D and one of A's reports."""
    a, d, e = (seeded.themes[x] for x in "ADE")
    hull_report = seeded.reports[5]  # p5's procurement report from Hull
    assert "now called" in await say(bot, f"/theme {a} name Fair procurement for local groups")
    assert "now demands" in await say(bot, f"/theme {a} demand Let small providers bid")
    assert "merged into" in await say(bot, f"/theme merge {a} {e}")
    assert "hidden" in await say(bot, f"/theme hide {d}")
    assert "is hidden" in await say(bot, f"/hide {hull_report}")
    return hull_report


async def check_curated(app: App, seeded: Seeded, hull_report: int) -> None:
    digest = await everywhere(app)
    a, d, e = (seeded.themes[x] for x in "ADE")
    assert [t.theme_id for t in digest.themes] == [a, seeded.themes["B"]]
    top = digest.themes[0]
    assert top.title == "Fair procurement for local groups"
    assert top.demand == "Let small providers bid"
    # A (p1-p5) and E (p3-p6) together, less p5's hidden Hull report (p5 stays via E).
    assert (top.people, top.places, top.reports) == (6, 4, 9)
    async with app.services.db.transaction() as session:
        assert (await session.get(Theme, e)).merged_into == a  # type: ignore[union-attr]
        assert (await session.get(Theme, d)).hidden  # type: ignore[union-attr]
        assert (await session.get(Report, hull_report)).hidden  # type: ignore[union-attr]


async def test_curation_survives_recluster(bot: BotHarness, app: App, seeded: Seeded) -> None:
    hull_report = await curate(bot, seeded)
    await check_curated(app, seeded, hull_report)
    summary = await app.services.reclusterer.run()
    assert summary.reports == 26  # every visible report
    await check_curated(app, seeded, hull_report)
    assert seeded.themes["D"] not in {t.theme_id for t in (await everywhere(app)).themes}


async def test_every_curation_is_logged(bot: BotHarness, app: App, seeded: Seeded) -> None:
    before = datetime.now(UTC)
    hull_report = await curate(bot, seeded)
    async with app.services.db.transaction() as session:
        log = await curation_store.entries(session)
    a, d, e = (seeded.themes[x] for x in "ADE")
    assert [(x.action, x.theme_id, x.report_id) for x in log] == [
        ("name", a, None),
        ("demand", a, None),
        ("merge", a, None),
        ("hide", d, None),
        ("hide_report", None, hull_report),
    ]
    assert {x.actor for x in log} == {"console:olive"}
    assert log[0].detail == {"from": None, "to": "Fair procurement for local groups"}
    assert log[2].detail == {"absorbed": e}
    assert all(x.created_at.replace(tzinfo=UTC) >= before - timedelta(seconds=1) for x in log)


async def test_split_persists_through_recluster(bot: BotHarness, app: App, seeded: Seeded) -> None:
    a, e = seeded.themes["A"], seeded.themes["E"]
    await say(bot, f"/theme merge {a} {e}")
    reply = await say(bot, f"/theme split {a}")
    assert f"Theme #{a} is split into 2 themes: #{a}, #" in reply
    new_id = int(reply.rsplit("#", 1)[1].rstrip("."))
    for _ in range(2):
        items = {t.theme_id: t for t in (await everywhere(app)).themes}
        assert (items[a].people, items[a].reports) == (5, 6)  # procurement again
        assert (items[new_id].people, items[new_id].reports) == (4, 4)  # the rota reports
        await app.services.reclusterer.run()
    assert "too alike" in await say(bot, f"/theme split {seeded.themes['B']}")


async def test_only_organisers_curate(bot: BotHarness, app: App, seeded: Seeded) -> None:
    await bot.onboard("mo", "Leeds")
    a = seeded.themes["A"]
    for command in (f"/theme {a} name Mine", f"/theme hide {a}", "/hide 1", f"/theme split {a}"):
        assert (await bot.push("mo", command))[-1].text == REFUSAL
    assert "There's no theme #999" in await say(bot, "/theme 999 name Nothing")
    assert "Use /theme" in await say(bot, "/theme rename 1")
    assert "same theme" in await say(bot, f"/theme merge {a} {a}")
    async with app.services.db.transaction() as session:
        assert await curation_store.entries(session) == []
