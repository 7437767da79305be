"""Fixtures for circle stories: the same bot reached from two platforms."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from spacy.language import Language

from bot.app import App
from config.settings import Settings
from groundswell.platforms import PLACES
from groundswell.testing import BotHarness


@pytest.fixture
async def duo(app: App) -> AsyncIterator[BotHarness]:
    """The same bot reached from the console and from Telegram."""
    async with BotHarness(app, platforms=("console", "telegram")) as harness:
        yield harness


@pytest.fixture
async def pairs(make_settings: Callable[..., Settings], nlp: Language) -> AsyncIterator[BotHarness]:
    """min_people 2: introductions are offered only on a theme that may be shown, so stories
    about a pair need a threshold a pair can reach. Platforms are named as the CLI names
    them (``PLACES``)."""
    built = await App.create(make_settings(min_people=2), nlp=nlp, places=PLACES)
    async with BotHarness(built, platforms=("console", "telegram")) as harness:
        yield harness
    await built.close()
