"""Shared fixtures: the spaCy model is loaded once a session; every test gets its own
SQLite file in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from spacy.language import Language

from bot.app import App
from config.settings import Settings, load_settings
from groundswell.testing import BotHarness
from nlp.model import load_model
from storage.db import Database

pytest_plugins = ["db_backends"]  # `database_url`: every DB test runs on SQLite and PostgreSQL


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model("auto")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database of its own, for tests of the storage layer without an App."""
    db = Database(database_url)
    await db.migrate()
    yield db
    await db.close()


@pytest.fixture
def make_settings(database_url: str) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "organisers": ["console:olive"],
            "auto_recluster_growth": 0.0,  # themes change only when a test re-clusters
            "_env_file": None,
        }
        values.update(overrides)
        return load_settings(**values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
async def app(settings: Settings, nlp: Language) -> AsyncIterator[App]:
    built = await App.create(settings, nlp=nlp)
    yield built
    await built.close()


@pytest.fixture
async def bot(app: App) -> AsyncIterator[BotHarness]:
    async with BotHarness(app) as harness:
        yield harness
