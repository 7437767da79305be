"""Digest fixtures: the shared app with a seeded database."""

from __future__ import annotations

import pytest
from digest_seed import Seeded, seed

from bot.app import App


@pytest.fixture
async def seeded(app: App) -> Seeded:
    return await seed(app)
