"""Running the bot: the app, the dispatcher, and whichever adapters have tokens."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.app import App
from bot.digests.schedule import SchedulerTask, build_scheduler
from bot.dispatcher import Dispatcher
from bot.messages import Outgoing
from bot.ports import Adapter
from bot.services.campaigns import build_update_sender
from bot.services.housekeeping import SeenPruning
from groundswell.heap import freeze_startup, thaw
from groundswell.platforms import PlatformEntry, Ports
from storage.updates import seen_in

log = logging.getLogger("groundswell.runtime")


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Runtime:
    """Routes each reply to the adapter of its platform."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.adapters: dict[str, Adapter] = {}
        self.dispatcher = Dispatcher(app.handle, self.deliver, app.settings.handler_concurrency)
        self.schedules = SchedulerTask(build_scheduler(app.services, self.deliver))
        services = app.services
        sender = build_update_sender(
            services.db, services.introductions, self.deliver, lambda: tuple(self.adapters)
        )
        self.updates = SchedulerTask(sender, "campaign-updates")
        self.pruning = SchedulerTask(SeenPruning(services.db), "seen-pruning")

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
        self.updates.start()
        self.pruning.start()
        freeze_startup()  # the bot is built: full collections skip it from now on

    def ports(self) -> Ports:
        return Ports(
            submit=self.dispatcher.submit,
            seen=seen_in(self.app.services.db),
            commands=tuple(self.app.router.commands),
            lookup=self.app.services.lookup,
        )

    def build(self, entry: PlatformEntry) -> Adapter:
        """Construct a configured platform's adapter with the ports it needs from the core."""
        return entry.build(self.app.settings, self.ports())

    async def stop(self) -> None:
        """Stop fetching first, drain every event already received through to its reply,
        then close. The other way round, an adapter's own queue would be emptied into a
        dispatcher about to be cancelled, and a report already received would be lost."""
        await self.schedules.stop()
        await self.updates.stop()
        await self.pruning.stop()
        for adapter in self.adapters.values():
            await adapter.stop_receiving()
        await self._drain(self.app.settings.stop_timeout)
        for adapter in self.adapters.values():
            await adapter.stop()
        await self.dispatcher.stop()
        await self.app.close()
        thaw()

    async def _drain(self, within: float) -> None:
        """Until the dispatcher is idle, however long that takes under load, but no longer
        than the operator's ``stop_timeout``: past it the supervisor would kill us anyway,
        and what is unfinished stays unconfirmed (Telegram sends it again)."""
        try:
            await asyncio.wait_for(self.dispatcher.join(), within)
        except TimeoutError:
            log.warning(
                "stopping after %.0f s with %d message(s) unfinished; they are not confirmed",
                within,
                self.dispatcher.unfinished,
            )

    async def serve_forever(self) -> None:
        """Until SIGTERM (systemd, Docker, Kubernetes) or SIGINT (Ctrl-C): both run the same
        orderly ``stop``. A signal during the stop changes nothing; the drain is bounded."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, stopping.set)
        try:
            await self.start()
            await stopping.wait()
            log.info("stopping: no new updates; finishing those already received")
        finally:
            try:
                await self.stop()
            finally:
                for signum in STOP_SIGNALS:
                    loop.remove_signal_handler(signum)
