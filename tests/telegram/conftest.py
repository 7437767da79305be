"""Fixtures for driving the real PTB Application against the fake Bot API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from tg_support import EchoCore

from adapters.telegram import TelegramAdapter
from bot.handlers import build_router
from config.settings import Settings


def _from_ptb(record: logging.LogRecord) -> bool:
    return record.name == "telegram" or record.name.startswith("telegram.")


@pytest.fixture(autouse=True)
def no_telegram_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """PTB logs an ERROR when our integration is wrong; any such record fails the test."""
    yield
    records = caplog.get_records("setup") + caplog.get_records("call") + caplog.records
    errors = [r for r in records if _from_ptb(r) and r.levelno >= logging.ERROR]
    if errors:
        pytest.fail("telegram logged errors: " + "; ".join(r.getMessage() for r in errors))


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = await FakeBotApi().start()
    yield api
    await api.close()


@pytest.fixture
def tg_settings(fake_api: FakeBotApi, tmp_path: Path) -> Settings:
    return Settings(
        telegram_token=TOKEN,
        telegram_base_url=fake_api.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'telegram.db'}",
    )


@pytest.fixture
async def echo(tg_settings: Settings) -> AsyncIterator[EchoCore]:
    """A started adapter wired to an echo core; stopped (polls released) at teardown."""
    core = EchoCore()
    core.adapter = TelegramAdapter(tg_settings, core.submit, commands=build_router().commands)
    await core.adapter.start()
    yield core
    await core.adapter.stop()
