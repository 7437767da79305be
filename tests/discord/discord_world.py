"""People acting on the fake Discord against the real App, Dispatcher and adapter.

Each action dispatches a gateway event, waits until the adapter has handed the event to
the core and the dispatcher has delivered every reply, and returns what the bot sent
(follow-ups and channel messages) as recorded by the fake.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from fake_discord import (
    APP_ID,
    FakeDiscord,
    Place,
    Recorded,
    button,
    dm_message,
    slash,
    user_payload,
)

from groundswell.runtime import Runtime

_ESCAPED = re.compile(r"\\([^\w\s])")


def is_bot_message(r: Recorded) -> bool:
    followup = r.method == "POST" and r.path.startswith(f"/webhooks/{APP_ID}/")
    posted = r.method == "POST" and r.path.startswith("/channels/")
    return followup or posted


def text_of(r: Recorded) -> str:
    """What a reader sees: content and embed text, with markdown escapes removed."""
    body = r.body or {}
    pieces = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        pieces += [embed.get("title", ""), embed.get("description", "")]
    return _ESCAPED.sub(r"\1", "\n".join(p for p in pieces if p))


@dataclass
class World:
    fake: FakeDiscord
    runtime: Runtime
    submitted: int = 0
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def submit(self, incoming: Any) -> None:
        await self.runtime.dispatcher.submit(incoming)
        async with self.arrived:
            self.submitted += 1
            self.arrived.notify_all()

    async def act(
        self, event: str, payload: dict[str, Any], expect_core: bool = True
    ) -> list[Recorded]:
        mark, before = len(self.fake.requests), self.submitted
        await self.fake.dispatch(event, payload)
        if expect_core:
            async with self.arrived:
                await asyncio.wait_for(self.arrived.wait_for(lambda: self.submitted > before), 10)
        await self.runtime.dispatcher.join()
        return [r for r in self.fake.requests[mark:] if is_bot_message(r)]


@dataclass
class Person:
    world: World
    id: int
    name: str
    history: list[Recorded] = field(default_factory=list)

    @property
    def user(self) -> dict[str, Any]:
        return user_payload(self.id, self.name)

    @property
    def dm(self) -> Place:
        return Place(self.id + 1)  # the fake's DM channel for this user

    async def slash(
        self, command: str, at: Place | None = None, perms: int = 0, /, **options: Any
    ) -> str:
        """``at`` a guild channel (with permission bits ``perms``) or, by default, the DM.
        Only a command Discord offers there can be used: it sends nothing for the rest."""
        place = at or self.dm
        offered = self.world.fake.offered(place.guild_id, perms)
        assert command in offered, f"/{command} is not offered to {self.name} there"
        event = slash(command, options, self.user, place, perms)
        return self._seen(await self.world.act("INTERACTION_CREATE", event))

    async def press(self, label: str, place: Place | None = None) -> str:
        custom_id, components = self._button(label)
        event = button(custom_id, self.user, place or self.dm, components)
        return self._seen(await self.world.act("INTERACTION_CREATE", event))

    async def say(self, text: str) -> str:
        event = dm_message(text, self.user, self.dm.channel_id)
        return self._seen(await self.world.act("MESSAGE_CREATE", event))

    async def onboard(self, place: str, area: str = "Health") -> None:
        await self.slash("start")
        await self.press("Yes, I agree")
        await self.say(place)
        assert "You're set up" in await self.press(area)

    def _seen(self, sent: list[Recorded]) -> str:
        self.history.extend(sent)
        return "\n".join(text_of(r) for r in sent)

    def _button(self, label: str) -> tuple[str, list[dict[str, Any]]]:
        for message in reversed(self.history):
            components = (message.body or {}).get("components") or []
            for row in components:
                for item in row["components"]:
                    if item.get("label") == label:
                        return item["custom_id"], components
        raise AssertionError(f"{self.name} was never shown a {label!r} button")
