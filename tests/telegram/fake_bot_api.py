"""A small, strict stand-in for the Telegram Bot API, so the real PTB ``Application`` can be
driven end to end on 127.0.0.1 with no network.

It is strict where Telegram is strict and where our bugs would hide: HTML that Telegram
could not parse, messages over 4,096 characters, empty texts and oversized callback data
are refused with Telegram's own 400 errors. PTB sends form fields and JSON-encodes only
non-string values, so strings are never JSON-decoded here.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-TOKEN"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Groundswell", "username": "gs_test_bot"}
JsonDict = dict[str, Any]

ALLOWED_TAG = re.compile(
    r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|tg-spoiler|blockquote)>"
    r"|<a href=\"[^\"<>]*\">|</a>"
)
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "media",
}

SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}


class ApiError(Exception):
    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    """One request as PTB sent it: string fields, structured fields decoded, any files."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))


def html_to_text(markup: str) -> str:
    """What Telegram shows for HTML-mode text; raises as Telegram does on bad markup."""
    bare = ENTITY.sub("", ALLOWED_TAG.sub("", markup))
    if any(char in bare for char in "<>&"):
        raise ApiError(400, "Bad Request: can't parse entities: unsupported start tag")
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


class FakeBotApi:
    """Start with ``await FakeBotApi().start()``; ``close()`` releases any waiting poll."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.chats: dict[int, JsonDict] = {}
        self.messages: dict[tuple[int, int], JsonDict] = {}
        self._updates: list[JsonDict] = []
        self.handed_out: dict[int, int] = {}  # update id -> getUpdates calls when first sent
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._failures: dict[str, list[int]] = {}
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}  # old group id -> its supergroup's id
        self.menus: dict[tuple[str, int], list[str]] = {}  # (scope type, chat id) -> names
        self._changed = asyncio.Condition()
        self._poll_generation = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._endpoint)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def release_polls(self) -> None:
        """Answer every waiting ``getUpdates`` now, as Telegram would at the timeout."""
        self._poll_generation += 1
        await self._notify()

    async def close(self) -> None:
        """Release waiting polls for good, or shutdown would wait for their timeout."""
        self._closing = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests use -------------------------------------------------------------------

    async def inject(self, update: JsonDict) -> int:
        """Queue an update (an explicit ``update_id`` is kept, to model redelivery)."""
        update.setdefault("update_id", next(self._update_ids))
        for chat in _chats_in(update):
            self.chats[chat["id"]] = chat
        self._updates.append(update)
        await self._notify()
        return int(update["update_id"])

    @property
    def unconfirmed(self) -> list[int]:
        """Ids of updates the bot has not confirmed yet: Telegram would send them again."""
        return [int(u["update_id"]) for u in self._updates]

    def fail_once(self, method: str, retry_after: int) -> None:
        """The next call of ``method`` gets a 429 with ``retry_after`` seconds."""
        self._failures.setdefault(method.lower(), []).append(retry_after)

    def sent(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        return [
            call
            for call in self.calls
            if call.method == method.lower() and (chat_id is None or call.chat_id == str(chat_id))
        ]

    def documents(self, chat_id: int | str) -> list[tuple[str, bytes]]:
        """Every file the bot sent to the chat (alone or in an album), as (name, content)."""
        found: list[tuple[str, bytes]] = []
        for call in self.sent("sendDocument", chat_id) + self.sent("sendMediaGroup", chat_id):
            found += call.files.values()
        return found

    def texts(self, chat_id: int | str) -> list[str]:
        return [html_to_text(call.params["text"]) for call in self.sent("sendMessage", chat_id)]

    async def wait_for(
        self, method: str, count: int = 1, chat_id: int | str | None = None, within: float = 10
    ) -> list[Call]:
        """Wait until at least ``count`` such calls were made; fail the test otherwise."""
        deadline = time.monotonic() + within
        while len(self.sent(method, chat_id)) < count:
            if time.monotonic() > deadline:
                found = len(self.sent(method, chat_id))
                raise AssertionError(f"{method} to {chat_id}: {found} calls, wanted {count}")
            await asyncio.sleep(0.02)
        return self.sent(method, chat_id)

    def last_message(self, chat_id: int) -> JsonDict:
        """The newest message the bot sent to ``chat_id``, as Telegram stored it."""
        mine = [m for (chat, _), m in self.messages.items() if chat == chat_id]
        return max(mine, key=lambda message: int(message["message_id"]))

    # -- HTTP -----------------------------------------------------------------------------

    async def _endpoint(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        try:
            if request.match_info["token"] != TOKEN:
                raise ApiError(401, "Unauthorized")
            call = await _read_call(method, request)
            self.calls.append(call)
            self._maybe_fail(method)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(call)
        except ApiError as exc:
            body: JsonDict = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.code)
        return web.json_response({"ok": True, "result": result})

    def _maybe_fail(self, method: str) -> None:
        pending = self._failures.get(method)
        if pending:
            retry_after = pending.pop(0)
            description = f"Too Many Requests: retry after {retry_after}"
            raise ApiError(429, description, retry_after=retry_after)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- API methods ----------------------------------------------------------------------

    async def _api_getme(self, _call: Call) -> JsonDict:
        return BOT_USER

    async def _api_deletewebhook(self, _call: Call) -> bool:
        return True

    async def _api_setwebhook(self, _call: Call) -> bool:
        return True

    async def _api_setmycommands(self, call: Call) -> bool:
        """Strict as Telegram: valid names and descriptions, at most 100, a known scope."""
        commands = call.params["commands"]
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        scope = call.params.get("scope") or {"type": "default"}
        one_chat = scope["type"] in {"chat", "chat_administrators", "chat_member"}
        if scope["type"] not in SCOPES or one_chat != ("chat_id" in scope):
            raise ApiError(400, "Bad Request: invalid scope")
        key = (scope["type"], int(scope["chat_id"])) if "chat_id" in scope else (scope["type"], 0)
        self.menus[key] = [command["command"] for command in commands]
        return True

    async def _api_answercallbackquery(self, _call: Call) -> bool:
        return True

    async def _api_getupdates(self, call: Call) -> list[JsonDict]:
        """Long poll: confirm below ``offset``, wait up to ``timeout`` for newer updates."""
        offset = int(call.params.get("offset") or 0)
        limit = int(call.params.get("limit") or 100)
        timeout = float(call.params.get("timeout") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            return bool(self._updates) or self._closing or generation != self._poll_generation

        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(ready), timeout)
        if self._closing:
            return []
        batch = self._updates[:limit]
        polls = len(self.sent("getUpdates"))
        for update in batch:
            self.handed_out.setdefault(int(update["update_id"]), polls)
        return batch

    async def _api_sendmessage(self, call: Call) -> JsonDict:
        text = self._text_of(call.params)
        return self._store(call, text=text, reply_markup=self._markup(call.params))

    async def _api_editmessagetext(self, call: Call) -> JsonDict:
        key = (int(call.params["chat_id"]), int(call.params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        message = self.messages[key]
        message["text"] = self._text_of(call.params)
        message.pop("reply_markup", None)
        if "reply_markup" in call.params:
            message["reply_markup"] = self._markup(call.params)
        return message

    async def _api_senddocument(self, call: Call) -> JsonDict:
        name, content = _file(call, "document")
        document = {"file_id": f"doc{len(content)}", "file_unique_id": "d", "file_name": name}
        return self._store(call, document=document)

    async def _api_sendmediagroup(self, call: Call) -> list[JsonDict]:
        """An album: 2-10 items, documents only with documents, each file attached by name."""
        media = call.params.get("media") or []
        if not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the group")
        kinds = {item["type"] for item in media}
        if "document" in kinds and kinds != {"document"}:
            raise ApiError(400, "Bad Request: documents can't be mixed with other media")
        group_id = str(next(self._message_ids))
        sent = []
        for item in media:
            reference = str(item.get("media", ""))
            name = reference.removeprefix("attach://")
            if not reference.startswith("attach://") or name not in call.files:
                raise ApiError(400, "Bad Request: a media group file is missing")
            filename, content = call.files[name]
            document = {"file_id": f"doc{len(content)}", "file_unique_id": name}
            sent.append(
                self._store(
                    call, document={**document, "file_name": filename}, media_group_id=group_id
                )
            )
        return sent

    async def _api_sendphoto(self, call: Call) -> JsonDict:
        _file(call, "photo")
        photo = [{"file_id": "photo1", "file_unique_id": "p", "width": 800, "height": 600}]
        return self._store(call, photo=photo)

    # -- helpers --------------------------------------------------------------------------

    def _text_of(self, params: dict[str, Any]) -> str:
        raw = params.get("text", "")
        text = html_to_text(raw) if params.get("parse_mode") == "HTML" else raw
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    @staticmethod
    def _markup(params: dict[str, Any]) -> JsonDict | None:
        markup: JsonDict | None = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if "url" in button:
                    continue
                if not 1 <= len(button.get("callback_data", "").encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _store(self, call: Call, **content: Any) -> JsonDict:
        chat_id = int(call.params["chat_id"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrated[chat_id],
            )
        chat = self.chats.get(chat_id) or _default_chat(chat_id)
        message: JsonDict = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
        }
        message.update({key: value for key, value in content.items() if value is not None})
        self.messages[(chat_id, message["message_id"])] = message
        return message


async def _read_call(method: str, request: web.Request) -> Call:
    """Form fields stay strings except the known structured ones (JSON in a string)."""
    if request.content_type == "application/json":
        raw: dict[str, Any] = await request.json()
        return Call(method, raw)
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for key, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            files[key] = (value.filename, value.file.read())
        elif key in JSON_FIELDS:
            params[key] = json.loads(value)
        else:
            params[key] = value
    return Call(method, params, files)


def _file(call: Call, name: str) -> tuple[str, bytes]:
    reference = str(call.params.get(name, ""))
    key = reference.removeprefix("attach://") if reference.startswith("attach://") else name
    if key not in call.files:
        raise ApiError(400, f"Bad Request: there is no {name} in the request")
    return call.files[key]


def _default_chat(chat_id: int) -> JsonDict:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "someone"}
    return {"id": chat_id, "type": "supergroup", "title": "a group"}


def _chats_in(update: JsonDict) -> list[JsonDict]:
    found = []
    for key in ("message", "edited_message"):
        if key in update:
            found.append(update[key]["chat"])
    if "callback_query" in update and "message" in update["callback_query"]:
        found.append(update["callback_query"]["message"]["chat"])
    return found
