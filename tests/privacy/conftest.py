"""The attack stories send many messages quickly: the rate limit (tested in tests/abuse)
must not be what stops the attacker here."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from spacy.language import Language

from bot.app import App
from config.settings import Settings
from groundswell.testing import BotHarness


@pytest.fixture
async def bot(make_settings: Callable[..., Settings], nlp: Language) -> AsyncIterator[BotHarness]:
    app = await App.create(make_settings(rate_limit_per_minute=10**6), nlp=nlp)
    async with BotHarness(app) as harness:
        yield harness
    await app.close()
