"""Webhook mode that answers Telegram only once an update has been handled.

PTB's own webhook server answers 200 as soon as an update is queued, and Telegram never
sends an answered update again: a stop or a crash before the core has stored a ``/report``
loses it for good. Here each POST is answered only after the core has handled the update
and handed over its replies (the same ``receive`` that long polling uses, which checks the
seen-log first and records the update once it is done). If the process dies first,
Telegram got no answer and sends the update again on the next start, where the seen-log
makes it count once. A copy arriving while the first is still being handled (Telegram
retries a slow answer) waits for that one instead of being handled twice. Telegram keeps at
most ``max_connections`` requests open (``telegram_webhook_connections``, up to 100), so
that many updates can be in flight; raise it if commits are slow and updates queue up.

Stopping is the same two steps as polling: ``stop_receiving`` turns new requests away with
503 (Telegram retries them later, at the next process), ``drain`` waits for those in
flight, then ``close``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, Update
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)

Receive = Callable[[Update], Awaitable[Awaitable[None]]]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Webhook:
    """``start``, then ``stop_receiving`` / ``drain`` / ``close`` for an orderly stop."""

    def __init__(
        self, bot: Bot, receive: Receive, secret: str, path: str, listen: str, port: int
    ) -> None:
        self._bot = bot
        self._receive = receive
        self._secret = secret
        self._listen, self._port = listen, port
        app = tornado.web.Application([(rf"/{path.strip('/')}/?", _Handler, {"hook": self})])
        self._server = HTTPServer(app)
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._accepting = False

    async def start(self) -> None:
        self._server.listen(self._port, address=self._listen)
        self._accepting = True

    def stop_receiving(self) -> None:
        """No new connections; requests on open ones get 503 and come again later."""
        if self._accepting:
            self._accepting = False
            self._server.stop()

    async def drain(self, within: float) -> bool:
        """Wait until every update received is handled; ``False`` if some were not in time
        (their requests stay unanswered, so Telegram sends them again)."""
        waiting = list(self._in_flight.values())
        if not waiting:
            return True
        _, pending = await asyncio.wait(waiting, timeout=within)
        return not pending

    async def close(self) -> None:
        self.stop_receiving()
        await self._server.close_all_connections()

    async def answer(self, headers: Any, body: bytes) -> HTTPStatus:
        """The status for one POST, returned only once its update has been handled."""
        if not self._accepting:
            return HTTPStatus.SERVICE_UNAVAILABLE
        if headers.get("Content-Type") != "application/json":
            return HTTPStatus.FORBIDDEN
        if not hmac.compare_digest(headers.get(SECRET_HEADER, "").encode(), self._secret.encode()):
            return HTTPStatus.FORBIDDEN
        update = self._parse(body)
        if update is None:
            return HTTPStatus.BAD_REQUEST
        task = self._in_flight.get(update.update_id)
        if task is None:
            task = asyncio.create_task(self._handle(update))
            self._in_flight[update.update_id] = task
            task.add_done_callback(lambda _: self._in_flight.pop(update.update_id, None))
        await asyncio.shield(task)  # a dropped connection must not cancel the handling
        return HTTPStatus.OK

    def _parse(self, body: bytes) -> Update | None:
        try:
            return Update.de_json(json.loads(body), self._bot)
        except (ValueError, TypeError, KeyError):
            log.warning("a webhook request was not a Telegram update")
            return None

    async def _handle(self, update: Update) -> None:
        """Failures are contained as in polling: logged, and the update counts as done
        (answering an error would have Telegram send the same failing update forever)."""
        try:
            await (await self._receive(update))
        except Exception:
            log.exception("telegram update %s failed", update.update_id)


class _Handler(tornado.web.RequestHandler):
    def initialize(self, hook: Webhook) -> None:
        self.hook = hook

    async def post(self) -> None:
        self.set_status(await self.hook.answer(self.request.headers, self.request.body))
