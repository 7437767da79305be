"""Fixtures for driving the real discord.py client against the local fake."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from fake_discord import CIRCLE_CHANNEL, GUILD_ID, OTHER_CHANNEL, FakeDiscord, Guild

from adapters.discord import DiscordAdapter
from bot.handlers import build_router
from config.settings import Settings, load_settings


def _ours(record: logging.LogRecord) -> bool:
    return record.name == "discord" or record.name.startswith("discord.")


@pytest.fixture(autouse=True)
def no_discord_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """discord.py logs an ERROR when our integration is wrong; any such record fails."""
    caplog.set_level(logging.INFO, logger="discord")
    yield
    records = caplog.get_records("setup") + caplog.get_records("call") + caplog.records
    errors = [r for r in records if _ours(r) and r.levelno >= logging.ERROR]
    if errors:
        pytest.fail("discord logged errors: " + "; ".join(r.getMessage() for r in errors))


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord(
        [
            Guild(
                GUILD_ID,
                "Leeds Workers",
                {CIRCLE_CHANNEL: "procurement-circle", OTHER_CHANNEL: "general"},
            )
        ]
    )
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url)
    )
    yield server
    await server.stop()


@pytest.fixture
def dc_settings(tmp_path: Path) -> Settings:
    return load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'groundswell.db'}",
        discord_token="fake-token",
        discord_guilds=[GUILD_ID],
        organisers=["discord:500"],
        _env_file=None,
    )


Submit = Callable[[Any], Awaitable[None]]
Starter = Callable[..., Awaitable[DiscordAdapter]]


@pytest.fixture
async def start_adapter(fake: FakeDiscord) -> AsyncIterator[Starter]:
    """Build, log in and connect adapters; every one started is stopped at teardown."""
    started: list[DiscordAdapter] = []

    async def start(settings: Settings, submit: Submit, **kwargs: Any) -> DiscordAdapter:
        kwargs.setdefault("commands", build_router().commands)  # as the runtime hands it
        adapter = DiscordAdapter(
            settings,
            submit,
            reconnect=False,
            client_options={"guild_ready_timeout": 0.05},
            **kwargs,
        )
        started.append(adapter)
        await adapter.start()
        await asyncio.wait_for(adapter.wait_until_ready(), 10)
        return adapter

    yield start
    for adapter in started:
        await adapter.stop()
