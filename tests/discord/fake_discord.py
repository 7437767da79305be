"""A small stand-in for Discord's REST API and gateway, on 127.0.0.1, for end-to-end tests.

discord.py's own network code talks to it unchanged (only ``Route.BASE`` and
``DiscordWebSocket.DEFAULT_GATEWAY`` are pointed here), so the tests exercise the real
login, IDENTIFY/READY handshake, zlib-stream decompression, interaction callbacks,
webhook follow-ups and multipart uploads rather than mocks of them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

API = "/api/v10"
GUILD_ID = 700_000_000_000_000_001
CIRCLE_CHANNEL = 700_000_000_000_000_011
OTHER_CHANNEL = 700_000_000_000_000_012
APP_ID = 900_000_000_000_000_001
BOT_ID = 900_000_000_000_000_002
JSON_HEADERS = {"Content-Type": "application/json"}  # exactly this: discord.py rejects a charset
Socket = tuple[web.WebSocketResponse, Any]  # the connection and its zlib compressor, if any
_ids = itertools.count(1_000_000_000_000_000_000)


def snowflake() -> str:
    return str(next(_ids))


def user_payload(user_id: int | str, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


@dataclass
class Recorded:
    """One REST call the client made: the body as JSON plus any uploaded files."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass
class Refusal:
    """A route's error answer (status and Discord's JSON error body)."""

    status: int
    body: dict[str, Any]


NAME = re.compile(r"[-_\w]{1,32}")
ADMINISTRATOR = 1 << 3


def command_problem(body: list[dict[str, Any]]) -> str | None:
    """What Discord would refuse in a bulk overwrite of commands, or None."""
    names = [c["name"] for c in body]
    if len(set(names)) != len(names):
        return "APPLICATION_COMMANDS_DUPLICATE_NAME"
    for cmd in body:
        if not NAME.fullmatch(cmd["name"]) or cmd["name"] != cmd["name"].lower():
            return f"{cmd['name']}: invalid name"
        if not 1 <= len(cmd.get("description", "")) <= 100:
            return f"{cmd['name']}: description must be 1-100 characters"
        permissions = cmd.get("default_member_permissions")
        if permissions is not None and not str(permissions).isdigit():
            return f"{cmd['name']}: default_member_permissions must be a bit set string"
        if not set(cmd.get("contexts") or []) <= {0, 1, 2}:
            return f"{cmd['name']}: unknown context"
        problem = _options_problem(cmd.get("options") or [])
        if problem is not None:
            return f"{cmd['name']}: {problem}"
    return None


def _options_problem(options: list[dict[str, Any]]) -> str | None:
    if len(options) > 25:
        return "more than 25 options"
    required = [bool(o.get("required")) for o in options]
    if required != sorted(required, reverse=True):
        return "required options must come before optional ones"
    for option in options:
        longest = option.get("max_length")
        if longest is not None and (option["type"] != 3 or not 1 <= longest <= 6000):
            return f"{option['name']}: max_length must be 1-6000, on a string option"
        if option.get("autocomplete") and option.get("choices"):
            return f"{option['name']}: autocomplete and choices exclude each other"
    return None


def _contexts(cmd: dict[str, Any]) -> set[int]:
    """A global command's contexts; without the field, Discord's default (guild, bot DM),
    less the DM if ``dm_permission`` is false."""
    if cmd.get("contexts") is not None:
        return set(cmd["contexts"])
    return {0, 1} if cmd.get("dm_permission", True) else {0}


def _permitted(cmd: dict[str, Any], permissions: int) -> bool:
    """``default_member_permissions``: a member needs every bit (administrators all)."""
    needed = cmd.get("default_member_permissions")
    if needed is None or permissions & ADMINISTRATOR:
        return True
    return permissions & int(needed) == int(needed)


@dataclass
class Guild:
    id: int
    name: str
    channels: dict[int, str]  # channel id -> name


class FakeDiscord:
    """REST under ``/api/v10`` and a gateway WebSocket under ``/gateway``."""

    def __init__(self, guilds: list[Guild] | None = None) -> None:
        self.guilds = guilds or []
        self.requests: list[Recorded] = []
        self.expired_tokens: set[str] = set()
        self.closed_dms: set[int] = set()  # DM channels whose user does not accept DMs
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.identified = asyncio.Event()
        self._changed = asyncio.Condition()
        self._sockets: list[Socket] = []
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws, _ in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ----------------------------------------------------------------- gateway
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        comp = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        entry = (ws, comp)
        self._sockets.append(entry)
        await self._send(entry, {"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            payload = json.loads(msg.data)
            if payload["op"] == 1:
                await self._send(entry, {"op": 11})
            elif payload["op"] == 2:
                await self._ready(entry)
        self._sockets.remove(entry)
        return ws

    async def _send(self, entry: Socket, payload: dict[str, Any]) -> None:
        ws, comp = entry
        data = json.dumps(payload).encode()
        if comp is None:
            await ws.send_str(data.decode())
        else:
            await ws.send_bytes(comp.compress(data) + comp.flush(zlib.Z_SYNC_FLUSH))

    async def _ready(self, entry: Socket) -> None:
        await self._dispatch_to(
            entry,
            "READY",
            {
                "v": 10,
                "user": user_payload(BOT_ID, "groundswell", bot=True),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in self.guilds],
                "session_id": "fake-session",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
            },
        )
        for guild in self.guilds:
            await self._dispatch_to(entry, "GUILD_CREATE", self.guild_payload(guild))
        self.identified.set()

    async def _dispatch_to(self, entry: Socket, name: str, data: dict[str, Any]) -> None:
        self._seq += 1
        await self._send(entry, {"op": 0, "t": name, "s": self._seq, "d": data})

    async def dispatch(self, name: str, data: dict[str, Any]) -> None:
        """Send a gateway event (INTERACTION_CREATE, MESSAGE_CREATE...) to every client."""
        for entry in list(self._sockets):
            await self._dispatch_to(entry, name, data)

    def guild_payload(self, guild: Guild) -> dict[str, Any]:
        channels = [
            {
                "id": str(cid),
                "type": 0,
                "name": name,
                "guild_id": str(guild.id),
                "position": i,
                "permission_overwrites": [],
            }
            for i, (cid, name) in enumerate(guild.channels.items())
        ]
        return {
            "id": str(guild.id),
            "name": guild.name,
            "owner_id": "1",
            "channels": channels,
            "roles": [
                {
                    "id": str(guild.id),
                    "name": "@everyone",
                    "permissions": "0",
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                }
            ],
            "members": [],
            "member_count": 1,
            "large": False,
            "features": [],
            "threads": [],
            "emojis": [],
            "stickers": [],
        }

    # ----------------------------------------------------------------- REST
    async def _rest(self, request: web.Request) -> web.Response:
        body, files = await _read_body(request)
        path = "/" + request.match_info["tail"]
        self.requests.append(Recorded(request.method, path, dict(request.query), body, files))
        async with self._changed:
            self._changed.notify_all()
        token = re.fullmatch(r"/webhooks/\d+/([^/]+).*", path)
        if token and token.group(1) in self.expired_tokens:  # tokens live 15 minutes
            return web.Response(
                status=404,
                headers=JSON_HEADERS,
                body=b'{"message": "Unknown Webhook", "code": 10015}',
            )
        dm = re.fullmatch(r"/channels/(\d+)/messages", path)
        if dm and request.method == "POST" and int(dm.group(1)) in self.closed_dms:
            return web.Response(
                status=403,
                headers=JSON_HEADERS,
                body=b'{"message": "Cannot send messages to this user", "code": 50007}',
            )
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match and method == request.method:
                result = handler(body, *match.groups())
                status = 200
                if isinstance(result, Refusal):
                    status, result = result.status, result.body
                return web.Response(
                    status=status, body=json.dumps(result).encode(), headers=JSON_HEADERS
                )
        return web.Response(
            status=404, body=b'{"message": "Unknown", "code": 0}', headers=JSON_HEADERS
        )

    def _routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("GET", r"/users/@me", lambda _b: user_payload(BOT_ID, "groundswell", bot=True)),
            ("GET", r"/oauth2/applications/@me", lambda _b: self._app_info()),
            ("PUT", r"/applications/\d+/commands", self._commands),
            ("PUT", r"/applications/\d+/guilds/(\d+)/commands", self._commands),
            ("POST", r"/interactions/(\d+)/[^/]+/callback", self._callback),
            ("POST", r"/webhooks/\d+/[^/]+", lambda b: self._message(b, "0")),
            ("PATCH", r"/webhooks/\d+/[^/]+/messages/@original", lambda b: self._message(b, "0")),
            ("POST", r"/channels/(\d+)/messages", lambda b, cid: self._message(b, cid)),
            ("POST", r"/users/@me/channels", self._dm_channel),
        ]

    def _app_info(self) -> dict[str, Any]:
        return {
            "id": str(APP_ID),
            "name": "Groundswell",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "flags": 0,
            "verify_key": "0" * 64,
            "team": None,
            "owner": user_payload(1, "owner"),
            "summary": "",
        }

    def _commands(self, body: list[dict[str, Any]], guild_id: str | None = None) -> Any:
        """A bulk overwrite: checked as Discord checks it, then the registered set."""
        problem = command_problem(body)
        if problem is not None:
            return Refusal(400, {"message": "Invalid Form Body", "code": 50035, "error": problem})
        registered = [
            {
                **cmd,
                "id": snowflake(),
                "application_id": str(APP_ID),
                "version": "1",
                "default_member_permissions": cmd.get("default_member_permissions"),
                "type": cmd.get("type", 1),
            }
            for cmd in body
        ]
        if guild_id is None:
            self.global_commands = registered
        else:
            self.guild_commands[int(guild_id)] = registered
        return registered

    def offered(self, guild_id: int | None, permissions: int = 0) -> list[str]:
        """The command names a person sees in a DM (``guild_id`` None) or in a guild, with
        these permission bits: the guild's own commands plus the global ones allowed
        there, as Discord lists them (a name registered both ways shows twice)."""
        if guild_id is None:
            return [c["name"] for c in self.global_commands if 1 in _contexts(c)]
        chosen = self.guild_commands.get(guild_id, []) + [
            c for c in self.global_commands if 0 in _contexts(c)
        ]
        return [c["name"] for c in chosen if _permitted(c, permissions)]

    def _callback(self, body: dict[str, Any], interaction_id: str) -> dict[str, Any]:
        return {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": body["type"] == 5,
                "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64),
            },
            "resource": {"type": body["type"]},
        }

    @staticmethod
    def _message(body: dict[str, Any] | None, channel_id: str) -> dict[str, Any]:
        body = body or {}
        return {
            "id": snowflake(),
            "channel_id": channel_id,
            "type": 0,
            "author": user_payload(BOT_ID, "groundswell", bot=True),
            "content": body.get("content") or "",
            "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "components": body.get("components") or [],
            "flags": body.get("flags", 0),
        }

    def _dm_channel(self, body: dict[str, Any]) -> dict[str, Any]:
        recipient = body["recipient_id"]
        return {
            "id": str(int(recipient) + 1),
            "type": 1,
            "last_message_id": None,
            "recipients": [user_payload(recipient, f"user{recipient}")],
        }

    # ----------------------------------------------------------------- test helpers
    async def wait_for(
        self, predicate: Callable[[Recorded], bool], count: int = 1, within: float = 10.0
    ) -> list[Recorded]:
        """Wait until ``count`` recorded requests match; they are returned in order."""

        async def matches() -> list[Recorded]:
            async with self._changed:
                while len(found := [r for r in self.requests if predicate(r)]) < count:
                    await self._changed.wait()
                return found

        return await asyncio.wait_for(matches(), within)

    def matching(self, predicate: Callable[[Recorded], bool]) -> list[Recorded]:
        return [r for r in self.requests if predicate(r)]


async def _read_body(request: web.Request) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """JSON bodies as they are; multipart bodies as payload_json plus named files."""
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: dict[str, tuple[str, bytes]] = {}
        reader = await request.multipart()
        async for part in reader:
            data = await part.read()  # type: ignore[union-attr]
            if part.name == "payload_json":  # type: ignore[union-attr]
                body = json.loads(data)
            else:
                files[part.name or ""] = (part.filename or "", bytes(data))  # type: ignore[union-attr]
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), {}


# --------------------------------------------------------------------- event builders
MANAGE_GUILD = 1 << 5


@dataclass(frozen=True)
class Place:
    """Where an event happens: a DM (guild None) or a guild text channel."""

    channel_id: int
    guild_id: int | None = None

    def channel(self) -> dict[str, Any]:
        if self.guild_id is None:
            return {"id": str(self.channel_id), "type": 1}
        return {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "circle",
            "position": 0,
            "permission_overwrites": [],
        }


def _interaction(
    kind: int,
    data: dict[str, Any],
    user: dict[str, Any],
    place: Place,
    permissions: int,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": str(APP_ID),
        "type": kind,
        "token": "tok-" + snowflake(),
        "version": 1,
        "data": data,
        "channel_id": str(place.channel_id),
        "channel": place.channel(),
        "locale": "en-GB",
        "attachment_size_limit": 8_388_608,
        "app_permissions": "0",
        "entitlements": [],
        "context": 0 if place.guild_id else 1,
        **(extra or {}),
    }
    if place.guild_id is None:
        payload["user"] = user
    else:
        payload.update(
            guild_id=str(place.guild_id),
            guild_locale="en-GB",
            member={
                "user": user,
                "roles": [],
                "permissions": str(permissions),
                "joined_at": "2026-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
        )
    return payload


def _option_type(value: Any) -> int:
    """Discord's option types: 3 string, 4 integer, 5 boolean, 6 user (given as a payload)."""
    if isinstance(value, bool):
        return 5
    if isinstance(value, dict):
        return 6
    return 4 if isinstance(value, int) else 3


def slash(
    name: str,
    options: dict[str, Any],
    user: dict[str, Any],
    place: Place,
    permissions: int = 0,
    focused: str | None = None,
) -> dict[str, Any]:
    """A slash command (or, with ``focused``, an autocomplete request) as the gateway sends it."""
    opts = [
        {
            "name": k,
            "type": _option_type(v),
            "value": v["id"] if isinstance(v, dict) else v,
            **({"focused": True} if k == focused else {}),
        }
        for k, v in options.items()
    ]
    data: dict[str, Any] = {"id": snowflake(), "name": name, "type": 1, "options": opts}
    users = {v["id"]: v for v in options.values() if isinstance(v, dict)}
    if users:
        data["resolved"] = {"users": users}
    if place.guild_id is not None:
        data["guild_id"] = str(place.guild_id)
    return _interaction(4 if focused else 2, data, user, place, permissions)


def button(
    custom_id: str, user: dict[str, Any], place: Place, components: list[dict[str, Any]]
) -> dict[str, Any]:
    """A press on a button of a message the bot sent earlier (perhaps before a restart);
    ``components`` are that message's, as Discord echoes them back with the press."""
    message = FakeDiscord._message(
        {"content": "earlier", "components": components}, str(place.channel_id)
    )
    return _interaction(
        3, {"custom_id": custom_id, "component_type": 2}, user, place, 0, {"message": message}
    )


def dm_message(text: str, user: dict[str, Any], channel_id: int) -> dict[str, Any]:
    """A MESSAGE_CREATE for free text in a DM (no guild_id)."""
    message = FakeDiscord._message({"content": text}, str(channel_id))
    return {**message, "author": user}
