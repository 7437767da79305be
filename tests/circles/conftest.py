"""Fixtures for circle stories: the same bot reached from two platforms."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from groundswell.testing import BotHarness


@pytest.fixture
async def duo(app: App) -> AsyncIterator[BotHarness]:
    """The same bot reached from the console and from Telegram."""
    async with BotHarness(app, platforms=("console", "telegram")) as harness:
        yield harness
