"""A re-cluster makes its labels after its assignments commit, holding no lock while spaCy
works (issue 17). A report withdrawn meanwhile must not come back through a label: the
labels are checked against what the database holds before they are written."""

from __future__ import annotations

import re

import pytest

from bot.nlp_worker import NlpWorker
from groundswell.testing import BotHarness
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
    real_labels = NlpWorker.labels
    withdrawn: list[bool] = []

    async def withdraw_meanwhile(self: NlpWorker, *args: object, **kwargs: object) -> object:
        made = await real_labels(self, *args, **kwargs)  # type: ignore[arg-type]
        if not withdrawn:  # the re-cluster's first labels, made from cy's report too
            withdrawn.append(True)
            await bot.push("cy", f"/withdraw {number}")
        return made

    monkeypatch.setattr(NlpWorker, "labels", withdraw_meanwhile)
    await bot.app.services.reclusterer.run()
    assert withdrawn
    assert "quillfeather" not in await label_of(bot, theme)  # two reporters now
