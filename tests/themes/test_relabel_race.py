"""A re-cluster makes its labels after its assignments commit, holding no lock while spaCy
works (issue 17). A report withdrawn meanwhile must not come back through a label: the
labels are checked against what the database holds before they are written."""

from __future__ import annotations

import re

import pytest

import nlp.labels as labels_module
from bot.nlp_worker import NlpWorker
from groundswell.testing import BotHarness
from storage import themes as theme_store
from storage.models import Theme

SHARED = "The agency staff rule means we cannot send anyone home on time, patients wait."
WITH_WORD = [f"{SHARED} The quillfeather form takes an hour {n}." for n in range(3)]


async def label_of(bot: BotHarness, theme_id: int) -> str:
    async with bot.app.services.db.reading() as session:
        theme = await session.get(Theme, theme_id)
        return theme.label if theme else ""


async def test_a_report_withdrawn_while_labels_are_made_leaves_them(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    for user in ("amy", "bo", "cy", "di"):
        await bot.onboard(user, "Calderdale")
    for user, text in zip(("amy", "bo", "cy"), WITH_WORD, strict=True):
        await bot.push(user, f"/report {text}")
    await bot.push("di", f"/report {SHARED}")
    await bot.app.services.reclusterer.run()
    theme = int(re.findall(r"theme #(\d+)", (await bot.push("amy", "/mine"))[-1].text)[0])
    assert "quillfeather" in await label_of(bot, theme)  # three reporters used it
    number = re.findall(r"#(\d+)", (await bot.push("cy", "/mine"))[-1].text)[0]
    real_labels = NlpWorker.labels_from  # the re-cluster's labels
    withdrawn: list[bool] = []

    async def withdraw_meanwhile(self: NlpWorker, *args: object, **kwargs: object) -> object:
        made = await real_labels(self, *args, **kwargs)  # type: ignore[arg-type]
        if not withdrawn:  # the re-cluster's first labels, made from cy's report too
            withdrawn.append(True)
            await bot.push("cy", f"/withdraw {number}")
        return made

    monkeypatch.setattr(NlpWorker, "labels_from", withdraw_meanwhile)
    await bot.app.services.reclusterer.run()
    assert withdrawn
    assert "quillfeather" not in await label_of(bot, theme)  # two reporters now


async def test_a_reclusters_phrases_are_counted_in_the_background_process(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting every run of words of every report held this interpreter's lock at each
    re-cluster; here it is broken in this process, and the labels still come."""
    for user, text in zip(("amy", "bo", "cy"), WITH_WORD, strict=True):
        await bot.onboard(user, "Calderdale")
        await bot.push(user, f"/report {text}")
    async with bot.app.services.db.transaction() as session:
        for row in await theme_store.live_themes(session):
            row.label = ""

    def not_here(*args: object) -> object:
        raise AssertionError("phrases counted in the bot's own process")

    monkeypatch.setattr(labels_module, "shared_phrases", not_here)
    await bot.app.services.reclusterer.run()
    theme = int(re.findall(r"theme #(\d+)", (await bot.push("amy", "/mine"))[-1].text)[0])
    assert "quillfeather" in await label_of(bot, theme)
