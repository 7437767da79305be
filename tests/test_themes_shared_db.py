"""Two bot processes on one database place reports into the same themes."""

from __future__ import annotations

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
            made = (await one.push("kay", f"/report {A}"))[-1].text
            joined = (await two.push("lou", f"/report {B}"))[-1].text
        theme = made.split("theme #")[1].split(":")[0]
        assert f"theme #{theme}:" in joined
        assert "2 people in 2 places" in joined
    finally:
        await first.close()
        await second.close()
