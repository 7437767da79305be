"""Long polling that confirms an update to Telegram only once the core has finished it.

Telegram forgets every update below the ``offset`` of the next ``getUpdates``. PTB's
``Updater`` sends that offset on its very next poll, while the updates it just fetched are
still waiting to be handled, so a crash or a stop in between loses them for good (a
``/report`` already "received" is never stored, answered or sent again). Here the offset
only moves past an update once it has been handled and its replies handed over; anything
unfinished when the process dies is sent again on the next start, where the seen-log and the
core's per-message de-duplication make sure it counts once.

Updates are handed over in the order Telegram sent them (a button tap never overtakes the
question it answers); handling them runs concurrently, as the dispatcher decides.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import Conflict, Forbidden, InvalidToken, TelegramError

log = logging.getLogger(__name__)

Receive = Callable[[Update], Awaitable[Awaitable[None]]]
"""Hand one update to the core (in order); the result completes when it has been handled."""

LONG_POLL = 10
"""Seconds Telegram may hold a poll open when nothing is waiting here."""

BUSY_WAIT = 0.25
"""While updates are in flight Telegram answers at once (they are still unconfirmed), so
between such polls we wait this long, or until one of them finishes."""

RETRY_AFTER = (1.0, 2.0, 5.0, 10.0)
"""Back-off after a failed poll (network down, Bot API restarting)."""


class Poller:
    """``start``, then ``stop_fetching`` / ``drain`` / ``confirm`` for an orderly stop."""

    def __init__(
        self,
        bot: Bot,
        receive: Receive,
        allowed_updates: Sequence[str],
        long_poll: int = LONG_POLL,
    ) -> None:
        self._bot = bot
        self._receive = receive
        self._allowed = list(allowed_updates)
        self._long_poll = long_poll
        self._next = 0  # the first update id not fetched yet
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._finished = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._started = False
        self._stopping = False
        self._handing_over = False

    @property
    def offset(self) -> int:
        """Confirm everything below the oldest update still being handled."""
        return min(self._in_flight, default=self._next)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Polling and a webhook exclude each other; a leftover webhook would get a 409."""
        await self._bot.delete_webhook()
        self._started = True
        self._task = asyncio.create_task(self._run(), name="telegram-poller")

    async def stop_fetching(self) -> None:
        """No new updates from now on; those already fetched go on being handled.

        Only a poll still waiting on the network is cancelled: an update being handed to
        the core is handed over in full. A poll cancelled as its answer arrives confirmed
        nothing, so Telegram sends those updates again on the next start."""
        if self._task is None:
            return
        self._stopping = True
        if not self._handing_over:
            self._task.cancel()  # waiting on the network, or between polls
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def drain(self, within: float) -> bool:
        """Wait until every fetched update is handled; ``False`` if some were not in time."""
        waiting = list(self._in_flight.values())
        if waiting:
            _, pending = await asyncio.wait(waiting, timeout=within)
            return not pending
        return True

    async def confirm(self) -> None:
        """Tell Telegram what is finished (a short poll); unfinished updates stay queued
        there and come back on the next start."""
        if not self._started:
            return
        try:
            await self._bot.get_updates(offset=self.offset, timeout=0, limit=1)
        except TelegramError as exc:
            log.warning("could not confirm the last updates (they may come again): %s", exc)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                updates = await self._fetch()
            except (InvalidToken, Forbidden) as exc:
                log.error("telegram stopped accepting this bot's polls: %s", exc)
                return
            except Conflict as exc:
                log.warning("another process is polling with this token: %s", exc)
                updates = None
            except TelegramError as exc:
                log.warning("polling telegram failed: %s", exc)
                updates = None
            if updates is None:
                await asyncio.sleep(RETRY_AFTER[min(failures, len(RETRY_AFTER) - 1)])
                failures += 1
                continue
            failures = 0
            if not await self._take(updates) and self._in_flight:
                await self._one_finished(BUSY_WAIT)

    async def _fetch(self) -> tuple[Update, ...]:
        timeout = 0 if self._in_flight else self._long_poll
        return await self._bot.get_updates(
            offset=self.offset, timeout=timeout, allowed_updates=self._allowed
        )

    async def _take(self, updates: Sequence[Update]) -> bool:
        """Hand over the updates not seen in this run; ``True`` if there were any."""
        fresh = [update for update in updates if update.update_id >= self._next]
        self._handing_over = True
        try:
            for update in fresh:
                self._next = update.update_id + 1
                handled = await self._receive(update)
                self._track(update.update_id, handled)
        finally:
            self._handing_over = False
        return bool(fresh)

    def _track(self, update_id: int, handled: Awaitable[None]) -> None:
        task = asyncio.ensure_future(handled)
        self._in_flight[update_id] = task
        task.add_done_callback(lambda done: self._done(update_id, done))

    def _done(self, update_id: int, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(update_id, None)
        self._finished.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("telegram update %s failed", update_id, exc_info=task.exception())

    async def _one_finished(self, within: float) -> None:
        self._finished.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._finished.wait(), within)
