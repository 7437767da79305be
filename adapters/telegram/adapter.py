"""The Telegram adapter: python-telegram-bot's ``Application`` on one side, ``submit`` and
``send`` on the other.

It translates and delivers; it never decides. Each update is checked against ``seen``
before anything else so a redelivered update (after a crash, a restart or a webhook retry)
is processed once. Long polling and the webhook are ours (``polling``, ``webhook``): an
update is confirmed to Telegram (a poll's offset, a webhook's answer) only after the core
has handled it, and stopping is two steps, ``stop_receiving`` (no new
updates; those fetched go on) and ``stop`` once the core has drained them. Failures are
contained per update and per outgoing message: the person gets a friendly apology, the
error is logged, and the bot keeps serving everyone else.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any
from urllib.parse import urlparse

from telegram import (
    CallbackQuery,
    Chat,
    InputMediaDocument,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import ChatMigrated, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from adapters.base import AdapterStartError, CommandList, Seen, Submit
from adapters.telegram.menu import register_menus, telegram_organisers
from adapters.telegram.outbox import Outbox
from adapters.telegram.polling import Poller
from adapters.telegram.render import deep_link, escape, fits_callback, keyboard, render_reply
from adapters.telegram.translate import PLATFORM, moved, translate
from adapters.telegram.webhook import Webhook
from bot.messages import APOLOGY, Button, Incoming, OutFile, Outgoing, Reply
from config.settings import Settings

log = logging.getLogger(__name__)


TelegramApp = Application[Any, Any, Any, Any, Any, Any]

CHOOSE = "Choose one:"
PRIVATE_LINK_LABEL = "Message me privately"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_ALIASES = 4096
ALBUM = 10  # Telegram's most files in one media group (and it needs at least two)
LAST_WORD = 2.0
"""At least this long, even past ``stop_timeout``, to confirm what was handled and send the
replies already queued: giving up on those would answer no one and fetch it all again."""


class TelegramStartError(AdapterStartError):
    """The adapter could not start; the message is one line saying what to fix."""


class MemorySeen:
    """Fallback dedupe for one process; the storage-backed one also survives restarts."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._ids: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._capacity = capacity

    async def check(self, platform: str, update_id: str) -> bool:
        return (platform, update_id) in self._ids

    async def mark(self, platform: str, update_id: str) -> bool:
        key = (platform, update_id)
        if key in self._ids:
            return True
        self._ids[key] = None
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)
        return False


def build_application(settings: Settings) -> TelegramApp:
    """PTB with the rate limiter on: it queues sends and honours 429 ``retry_after``."""
    if not settings.telegram_token:
        raise ValueError("setting 'telegram_token' is needed for the Telegram adapter")
    return (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .updater(None)  # polling and the webhook are ours (``polling``, ``webhook``)
        .build()
    )


class TelegramAdapter:
    platform = PLATFORM

    def __init__(
        self,
        settings: Settings,
        submit: Submit,
        seen: Seen | None = None,
        commands: CommandList = (),
    ) -> None:
        self.settings = settings
        self.commands = commands
        self._submit = submit
        self._seen: Seen = seen or MemorySeen()
        self._aliases: OrderedDict[str, str] = OrderedDict()
        self._topics: OrderedDict[tuple[str, str], int] = OrderedDict()
        self.application = build_application(settings)
        self.poller = Poller(self.application.bot, self._receive, ALLOWED_UPDATES)
        self.outbox = Outbox(self._send_now)
        self.webhook: Webhook | None = None
        self._stop_by: float | None = None  # set by stop_receiving: one bound for the stop

    async def start(self) -> None:
        """Initialise (``getMe`` checks the token), register menus, then receive updates."""
        await self._initialize()
        organisers = telegram_organisers(self.settings.organiser_ids("telegram"))
        await register_menus(self.application.bot, self.commands, organisers)
        if self.settings.telegram_webhook_url:
            await self._start_webhook(self.settings.telegram_webhook_url)
        else:
            await self.poller.start()
        log.info("telegram adapter started as @%s", self.application.bot.username)

    async def _initialize(self) -> None:
        """A wrong token or an unreachable server is a one-line start-up error, not a trace."""
        try:
            await self.application.initialize()
        except InvalidToken:
            raise TelegramStartError(
                "Telegram refused the bot token: check the telegram_token setting"
            ) from None
        except NetworkError as exc:
            url = self.settings.telegram_base_url
            raise TelegramStartError(f"cannot reach the Telegram Bot API at {url}: {exc}") from None

    async def _start_webhook(self, url: str) -> None:
        """Telegram echoes the secret in a header; requests without it are refused (403)."""
        secret = self.settings.telegram_webhook_secret or secrets.token_urlsafe(32)
        self.webhook = Webhook(
            self.application.bot,
            self._receive,
            secret,
            urlparse(url).path,
            self.settings.telegram_webhook_listen,
            self.settings.telegram_webhook_port,
        )
        await self.webhook.start()
        await self.application.bot.set_webhook(
            url,
            allowed_updates=ALLOWED_UPDATES,
            secret_token=secret,
            max_connections=self.settings.telegram_webhook_connections,
        )

    async def stop_receiving(self) -> None:
        """Fetch nothing more; updates already received are handed to the core (a webhook's
        requests are turned away) and go on being handled. The stop's clock starts here:
        the whole stop, the core's drain included, keeps within ``stop_timeout``."""
        if self._stop_by is None:
            self._stop_by = time.monotonic() + self.settings.stop_timeout
        await self.poller.stop_fetching()
        if self.webhook is not None:
            self.webhook.stop_receiving()

    async def stop(self) -> None:
        """After the core has drained: confirm what was handled, then close the connection.
        An update still unfinished stays unconfirmed, so Telegram sends it again."""
        await self.stop_receiving()
        receiver = self.webhook or self.poller
        if not await receiver.drain(self._time_left()):
            log.warning("some telegram updates were not finished; they will come again")
        await self.poller.confirm()
        if self.webhook is not None:
            await self.webhook.close()
        if not await self.outbox.flush(self._time_left()):
            log.warning("some telegram replies could not be sent before stopping")
            await self.outbox.cancel()
        await self.application.shutdown()

    def _time_left(self) -> float:
        assert self._stop_by is not None  # stop_receiving came first
        return max(self._stop_by - time.monotonic(), LAST_WORD)

    # -- incoming ---------------------------------------------------------------------------

    async def _receive(self, update: Update) -> Awaitable[None]:
        """Polling and webhook: skip an update handled before, hand the rest to the core in
        order, and record it as handled only once the core has finished with it."""
        update_id = str(update.update_id)
        try:
            if await self._seen.check(PLATFORM, update_id):
                log.info("telegram update %s seen before; skipped", update_id)
                return _finished()
            handled = await self._hand_over(update)
        except Exception as exc:
            await self._apologise(update, exc)
            return _finished()
        return self._mark_when_done(update_id, handled)

    async def _mark_when_done(self, update_id: str, handled: list[Awaitable[None] | None]) -> None:
        await asyncio.gather(*(done for done in handled if done is not None))
        await self._seen.mark(PLATFORM, update_id)

    async def _hand_over(self, update: Update) -> list[Awaitable[None] | None]:
        """Submit every event of the update; each result completes once it is handled."""
        if update.callback_query is not None:
            await self._acknowledge(update.callback_query)
        self._remember_topic(update.effective_message)
        return [
            await self._submit(self._unalias(incoming))
            for incoming in translate(update, self.application.bot.username)
        ]

    async def _apologise(self, update: object, error: BaseException | None) -> None:
        log.error("telegram update failed: %r", error, exc_info=error)
        chat = _apology_chat(update)
        if chat is not None:
            try:
                await self.application.bot.send_message(chat.id, APOLOGY)
            except TelegramError as exc:
                log.warning("could not apologise in chat %s: %s", chat.id, exc)

    async def _acknowledge(self, query: CallbackQuery) -> None:
        """Stop the button's spinner and retire the keyboard so it can't be tapped twice."""
        try:
            await query.answer()
            message = query.message
            if isinstance(message, Message) and message.text:
                choice = _label_of(message, query.data or "")
                await query.edit_message_text(
                    f"{message.text_html}\n\n<i>» {escape(choice)}</i>"
                    if choice
                    else message.text_html,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                )
        except TelegramError as exc:
            log.warning("could not acknowledge a button tap: %s", exc)

    # -- outgoing ---------------------------------------------------------------------------

    async def send(self, message: Outgoing) -> None:
        """Queue the reply for its chat and return: a group's rate limit delays only that
        group's messages (see ``outbox``)."""
        self.outbox.put(message)

    async def flush(self) -> None:
        """Until every queued reply has been sent (or refused)."""
        await self.outbox.flush(self.settings.stop_timeout)

    async def _send_now(self, message: Outgoing) -> None:
        """Deliver one reply; a refusal by Telegram is logged, never raised into the core."""
        try:
            await self._deliver(message.chat_id, message.reply)
        except ChatMigrated as exc:
            await self._follow_migration(message, str(exc.new_chat_id))
        except Forbidden as exc:
            log.warning("telegram chat %s refused a message: %s", message.chat_id, exc)
        except TelegramError:
            log.exception("could not send to telegram chat %s", message.chat_id)

    async def _deliver(self, chat_id: str, reply: Reply) -> None:
        await self._send_text(chat_id, reply)
        await self._send_files(chat_id, reply.files)

    async def _follow_migration(self, message: Outgoing, new_chat_id: str) -> None:
        """The group became a supergroup: tell the core (it moves the chat's link and
        schedule), then deliver this message to the new id."""
        log.info("telegram chat %s is now %s", message.chat_id, new_chat_id)
        await self._submit(moved(message.chat_id, new_chat_id))
        try:
            await self._deliver(new_chat_id, message.reply)
        except TelegramError:
            log.exception("could not send to telegram chat %s", new_chat_id)

    async def _send_text(self, chat_id: str, reply: Reply) -> None:
        chunks = render_reply(reply, PLATFORM)
        markup = keyboard((self._alias(b) for b in reply.buttons), self._private_link(reply))
        if markup is not None and not chunks:
            chunks = [CHOOSE]
        threading = self._threading(chat_id, reply)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await self.application.bot.send_message(
                chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                link_preview_options=NO_PREVIEW,
                **threading,
            )

    def _remember_topic(self, message: Message | None) -> None:
        """A command sent in a forum topic is answered in that topic, not in General."""
        if message is None or not message.is_topic_message or message.message_thread_id is None:
            return
        self._topics[(str(message.chat_id), str(message.message_id))] = message.message_thread_id
        if len(self._topics) > MAX_ALIASES:
            self._topics.popitem(last=False)

    def _threading(self, chat_id: str, reply: Reply) -> dict[str, Any]:
        """In a group, an answer is a reply to the message it answers (in its topic, if
        any), so it is clear whose command it answers; private chats need no threads."""
        if reply.reply_to is None or not chat_id.startswith("-"):
            return {}
        options: dict[str, Any] = {
            "reply_parameters": ReplyParameters(
                int(reply.reply_to), allow_sending_without_reply=True
            )
        }
        topic = self._topics.get((chat_id, reply.reply_to))
        if topic is not None:
            options["message_thread_id"] = topic
        return options

    def _private_link(self, reply: Reply) -> tuple[str, str] | None:
        """``reply.private_link`` asks for a button opening a private chat with the bot."""
        if reply.private_link is None:
            return None
        url = deep_link(self.application.bot.username, reply.private_link)
        return PRIVATE_LINK_LABEL, url

    async def _send_files(self, chat_id: str, files: tuple[OutFile, ...]) -> None:
        """Several files (an export) arrive as one album of documents, not a message each;
        one file alone is a photo if it is an image, else a document."""
        bot = self.application.bot
        for group in _albums(files):
            if len(group) > 1:
                media = [InputMediaDocument(f.content, filename=f.name) for f in group]
                await bot.send_media_group(chat_id, media)
            elif group[0].is_image:
                await bot.send_photo(chat_id, group[0].content, filename=group[0].name)
            else:
                await bot.send_document(chat_id, group[0].content, filename=group[0].name)

    # -- callback data longer than Telegram's 64 bytes --------------------------------------

    def _alias(self, button: Button) -> Button:
        """Telegram caps callback data at 64 bytes; longer data travels as a short alias."""
        if fits_callback(button.data):
            return button
        alias = "~" + hashlib.sha256(button.data.encode()).hexdigest()[:40]
        self._aliases[alias] = button.data
        self._aliases.move_to_end(alias)
        if len(self._aliases) > MAX_ALIASES:
            self._aliases.popitem(last=False)
        return Button(button.label, alias)

    def _unalias(self, incoming: Incoming) -> Incoming:
        data = incoming.button_data
        if data is None or data not in self._aliases:
            return incoming
        return replace(incoming, button_data=self._aliases[data])


def _albums(files: tuple[OutFile, ...]) -> list[tuple[OutFile, ...]]:
    """Up to ALBUM files each; the last two share one rather than leave a file alone."""
    groups = [files[i : i + ALBUM] for i in range(0, len(files), ALBUM)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2:] = [groups[-2][:-1], groups[-2][-1:] + groups[-1]]
    return groups


async def _finished() -> None:
    return None


def _label_of(message: Message, data: str) -> str:
    markup = message.reply_markup
    if markup is None:
        return ""
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return ""


def _apology_chat(update: object) -> Chat | None:
    """Apologise where someone spoke to the bot: a private chat, a command or a button tap,
    never in reply to group talk the bot would have ignored anyway."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return None
    chat = update.effective_chat
    text = update.effective_message.text if update.effective_message else None
    if chat.type == Chat.PRIVATE or update.callback_query or (text or "").startswith("/"):
        return chat
    return None
