"""Fixtures for driving the real PTB Application against the fake Bot API."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fake_bot_api import TOKEN, FakeBotApi

from adapters.telegram import TelegramAdapter
from bot.messages import Incoming, Outgoing, Reply
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


class EchoCore:
    """Stands in for the core: records what arrives and answers ``echo: TEXT``."""

    def __init__(self) -> None:
        self.received: list[Incoming] = []
        self.adapter: TelegramAdapter | None = None
        self.fail_on: set[str] = set()

    async def wait(self, count: int, within: float = 10) -> list[Incoming]:
        """Until ``count`` events arrived; fail the test if they never do."""
        for _ in range(int(within / 0.02)):
            if len(self.received) >= count:
                return self.received
            await asyncio.sleep(0.02)
        raise AssertionError(f"core received {len(self.received)} events, wanted {count}")

    async def submit(self, incoming: Incoming) -> None:
        self.received.append(incoming)
        if incoming.text in self.fail_on:
            raise RuntimeError(f"core failed on {incoming.text!r}")
        assert self.adapter is not None
        answer = f"echo: {incoming.text or incoming.kind.value}"
        await self.adapter.send(Outgoing("telegram", incoming.chat_id, Reply(text=answer)))


@pytest.fixture
async def echo(tg_settings: Settings) -> AsyncIterator[EchoCore]:
    """A started adapter wired to an echo core; stopped (polls released) at teardown."""
    core = EchoCore()
    core.adapter = TelegramAdapter(tg_settings, core.submit)
    await core.adapter.start()
    yield core
    await core.adapter.stop()
