"""/digest through the whole bot: who may see which scope, and the export files."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from digest_seed import Seeded, seed

from bot.app import App
from bot.messages import Incoming
from bot.roles import CircleRole
from groundswell.testing import BotHarness

REFUSAL = "Sorry, that command isn't available to you here."


@pytest.fixture
async def live(app: App) -> Seeded:
    """The seed, moved so that its 'now' is the real clock the handler reads."""
    return await seed(app, now=datetime.now(UTC))


async def make_coordinator(bot: BotHarness, app: App, user: str, circle: str) -> None:
    await bot.onboard(user, "Leeds")
    found = await app.services.circles.find(circle)
    caller = await app.services.people.caller(Incoming("console", f"dm-{user}", user))
    assert found is not None and caller.person_id is not None
    await app.services.circles.join(found.id, caller.person_id, role=CircleRole.COORDINATOR)


async def last(bot: BotHarness, user: str, text: str, group: str | None = None) -> str:
    return (await bot.push(user, text, group=group))[-1].text


async def test_organiser_sees_everything_by_default(bot: BotHarness, live: Seeded) -> None:
    text = await last(bot, "olive", "/digest")
    assert text.startswith("Shared-demand digest: everywhere")
    assert "6 people in 2 places" in text
    assert "5 people in 3 places, 2 circles — including Leeds (3)" in text
    week = await last(bot, "olive", "/digest since 7d")
    assert "5 people in 3 places" in week and "4 people in 4 places" not in week
    bradford = await last(bot, "olive", "/digest place Bradford")
    assert "digest: Bradford" in bradford and "falling (5 → 3 people, −2)" in bradford


async def test_scope_in_a_linked_chat_is_its_circle(
    bot: BotHarness, app: App, live: Seeded
) -> None:
    await make_coordinator(bot, app, "cora", "Leeds Health")
    assert "now linked" in await last(bot, "cora", "/link Leeds Health", group="leeds")
    for user in ("cora", "olive"):
        text = await last(bot, user, "/digest", group="leeds")
        assert text.startswith("Shared-demand digest: circle Leeds Health")
        assert "3 people in 1 place — including Leeds (3)" in text
        assert "York" not in text and "Bradford" not in text
    private = await last(bot, "cora", "/digest")
    assert private.startswith("Shared-demand digest: circle Leeds Health")


async def test_everyone_else_gets_the_same_refusal(bot: BotHarness, app: App, live: Seeded) -> None:
    await bot.onboard("mo", "Leeds")
    await make_coordinator(bot, app, "cora", "Leeds Health")
    attempts = [
        ("mo", "/digest"),
        ("mo", "/digest circle Leeds Health"),
        ("mo", "/digest circle No Such Circle"),
        ("mo", "/digest since banana"),
        ("cora", "/digest circle York Care"),
        ("cora", "/digest circle No Such Circle"),
    ]
    for user, command in attempts:
        assert await last(bot, user, command) == REFUSAL, (user, command)
    assert "no circle called" in await last(bot, "olive", "/digest circle No Such Circle")
    assert "since banana" in await last(bot, "olive", "/digest since banana")
    assert "Use /digest" in await last(bot, "olive", "/digest everything please")


async def test_export_sends_files_that_parse(bot: BotHarness, live: Seeded) -> None:
    reply = (await bot.push("olive", "/digest circle Leeds Health export"))[-1]
    assert re.match(r"Shared-demand digest: circle Leeds Health, \d\d \w{3} \d{4} – ", reply.text)
    assert re.search(r"\d{4}\. 1 theme; the files follow", reply.text)
    files = {f.name: f for f in reply.files}
    assert set(files) == {
        "digest.md",
        "digest.csv",
        "digest.json",
        "digest.html",
        "digest-chart.png",
    }
    assert files["digest-chart.png"].is_image
    data = json.loads(files["digest.json"].content)
    assert [(t["theme_id"], t["people"]) for t in data["themes"]] == [(live.themes["A"], 3)]
    rows = list(csv.DictReader(io.StringIO(files["digest.csv"].content.decode())))
    assert [(r["theme_id"], r["named_places"]) for r in rows] == [
        (str(live.themes["A"]), "Leeds (3)")
    ]
