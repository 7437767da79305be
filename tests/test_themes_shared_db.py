"""Two bot processes on one database place reports into the same themes."""

from __future__ import annotations

import re

from spacy.language import Language

from bot.app import App
from config.settings import Settings
from groundswell.testing import BotHarness

A = "Procurement rules stop us buying from the local social enterprise in our area."
B = "The procurement framework shuts out local social enterprises from bidding for contracts."


async def test_second_process_sees_first_process_themes(settings: Settings, nlp: Language) -> None:
    first = await App.create(settings, nlp=nlp)
    second = await App.create(settings, nlp=nlp)  # loaded before any theme exists
    try:
        async with BotHarness(first) as one, BotHarness(second) as two:
            await one.onboard("kay", "Leeds")
            await two.onboard("lou", "York")
            await one.push("kay", f"/report {A}")
            await two.push("lou", f"/report {B}")
            # the replies name no theme below min_people reporters; each reporter's own
            # /mine does
            kay = (await one.push("kay", "/mine"))[-1].text
            lou = (await two.push("lou", "/mine"))[-1].text
        theme = re.search(r"theme #(\d+)", kay)
        assert theme, kay
        assert re.search(rf"theme #{theme.group(1)}\b", lou), lou
    finally:
        await first.close()
        await second.close()
