"""Running the bot: the app, the dispatcher, and whichever adapters have tokens."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from adapters.base import Adapter
from bot.app import App
from bot.digests.schedule import SchedulerTask, build_scheduler
from bot.dispatcher import Dispatcher
from bot.messages import Outgoing
from config.settings import Settings
from storage.updates import seen_in

log = logging.getLogger("groundswell.runtime")


@dataclass(frozen=True)
class PlatformEntry:
    platform: str
    token_setting: str
    factory_path: str  # "module:Class", imported only when the platform is configured
    dedupes_updates: bool = False  # takes ``seen=`` to skip redelivered updates


PLATFORMS = (
    PlatformEntry("telegram", "telegram_token", "adapters.telegram:TelegramAdapter", True),
    PlatformEntry("discord", "discord_token", "adapters.discord:DiscordAdapter"),
)

AdapterFactory = Callable[..., Adapter]
DRAIN_SECONDS = 10.0


def configured_platforms(settings: Settings) -> list[PlatformEntry]:
    return [entry for entry in PLATFORMS if getattr(settings, entry.token_setting)]


def load_factory(entry: PlatformEntry) -> AdapterFactory:
    module_name, _, attribute = entry.factory_path.partition(":")
    factory: AdapterFactory = getattr(importlib.import_module(module_name), attribute)
    return factory


class Runtime:
    """Routes each reply to the adapter of its platform."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.adapters: dict[str, Adapter] = {}
        self.dispatcher = Dispatcher(app.handle, self.deliver, app.settings.handler_concurrency)
        self.schedules = SchedulerTask(build_scheduler(app.services, self.deliver))

    def add(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter

    async def deliver(self, message: Outgoing) -> None:
        adapter = self.adapters.get(message.platform)
        if adapter is None:
            log.warning("no %s adapter running; a reply was not delivered", message.platform)
            return
        await adapter.send(message)

    async def start(self) -> None:
        await self.dispatcher.start()
        for adapter in self.adapters.values():
            await adapter.start()
        self.schedules.start()

    def build(self, entry: PlatformEntry) -> Adapter:
        """Construct a configured platform's adapter with what it needs from the core."""
        extras = {"seen": seen_in(self.app.services.db)} if entry.dedupes_updates else {}
        return load_factory(entry)(self.app.settings, self.dispatcher.submit, **extras)

    async def stop(self) -> None:
        """Let replies already being handled reach their chats, then close everything."""
        await self.schedules.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.dispatcher.join(), DRAIN_SECONDS)
        for adapter in self.adapters.values():
            await adapter.stop()
        await self.dispatcher.stop()
        await self.app.close()

    async def serve_forever(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()
