"""The table of chat platforms: which setting turns each on, and how its adapter is built.

This is the one place that knows every platform and its constructor's quirks. Each
adapter module is imported only when its token is set, so a bot configured for Telegram
alone never loads discord.py (and the core never loads either).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.ports import Adapter, CommandList, Lookup, Seen, Submit
from bot.services.introductions import PlatformPlaces
from config.settings import Settings


@dataclass(frozen=True)
class Ports:
    """Everything the core hands an adapter; each adapter takes the parts it uses."""

    submit: Submit
    seen: Seen
    commands: CommandList
    lookup: Lookup


Build = Callable[[Settings, Ports], Adapter]


@dataclass(frozen=True)
class PlatformEntry:
    platform: str
    token_setting: str
    build: Build


def _telegram(settings: Settings, ports: Ports) -> Adapter:
    """Menus come from the core's command list; Telegram redelivers updates after a
    restart or a webhook retry, so it takes ``seen``."""
    from adapters.telegram import TelegramAdapter

    return TelegramAdapter(settings, ports.submit, seen=ports.seen, commands=ports.commands)


def _discord(settings: Settings, ports: Ports) -> Adapter:
    """Discord's slash commands are built from the core's command list; autocomplete
    reads names through the core's read-only lookup."""
    from adapters.discord import DiscordAdapter

    return DiscordAdapter(settings, ports.submit, commands=ports.commands, lookup=ports.lookup)


PLATFORMS = (
    PlatformEntry("telegram", "telegram_token", _telegram),
    PlatformEntry("discord", "discord_token", _discord),
)


def configured_platforms(settings: Settings) -> list[PlatformEntry]:
    return [entry for entry in PLATFORMS if getattr(settings, entry.token_setting)]


PLACES = PlatformPlaces(
    {"telegram": "on Telegram", "discord": "on Discord", "console": "in the console"}
)
"""How replies say where someone is, for every platform this bot runs on (the console
included): "meet @amira in the console", not "on Console"."""
