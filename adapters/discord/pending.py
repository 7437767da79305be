"""Which interaction a reply from the core should answer.

``Outgoing`` names only a chat, so per chat we keep the interactions acknowledged but not
yet answered, oldest first. A reply goes through the oldest; once used, an interaction
keeps taking replies for a short grace (one answer is often several messages) and is
dropped when a newer event arrives in the chat.

In a DM that is exact: one person, and a mismatch would only thread a reply under their
own earlier command. A guild channel is shared, and a reply seen only by its sender
(a report) must never go through someone else's public interaction, so there interactions
take turns: the core sees the next one only when the previous one has been answered (or
``TURN_WAIT`` has passed). Acknowledging is never delayed, so the 3-second rule holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import discord

TOKEN_LIFETIME = 14 * 60.0  # interaction tokens last 15 minutes
GRACE = 3.0  # seconds a used interaction still takes further replies of the same answer
SETTLE = 0.5  # after an answer starts, how long its remaining messages may take
TURN_WAIT = 30.0  # the longest a guild-channel command waits for the one before it


@dataclass
class Pending:
    interaction: discord.Interaction[Any]
    ephemeral: bool
    command: str | None = None
    created: float = field(default_factory=time.monotonic)
    used: float | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    def live(self, now: float) -> bool:
        fresh = now - self.created < TOKEN_LIFETIME
        return fresh and (self.used is None or now - self.used < GRACE)


class PendingReplies:
    def __init__(self) -> None:
        self._by_chat: dict[str, list[Pending]] = {}
        self._turns: dict[str, asyncio.Lock] = {}

    async def admit(
        self, interaction: discord.Interaction[Any], ephemeral: bool, command: str | None = None
    ) -> None:
        """Remember an acknowledged interaction; in a guild channel, wait for its turn."""
        chat_id = str(interaction.channel_id)
        if interaction.guild_id is None:
            self.remember(chat_id, Pending(interaction, ephemeral, command))
            return
        async with self._turns.setdefault(chat_id, asyncio.Lock()):
            await self._wait_for_turn(chat_id)
            self.remember(chat_id, Pending(interaction, ephemeral, command))

    async def _wait_for_turn(self, chat_id: str) -> None:
        """Until those before have been answered and their last messages have gone."""
        deadline = time.monotonic() + TURN_WAIT
        for before in list(self._by_chat.get(chat_id, [])):
            remaining = deadline - time.monotonic()
            if before.used is None and remaining > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(before.answered.wait(), remaining)
            if before.used is not None:
                await asyncio.sleep(max(0.0, before.used + SETTLE - time.monotonic()))

    def remember(self, chat_id: str, pending: Pending) -> None:
        self.supersede(chat_id)
        self._by_chat.setdefault(chat_id, []).append(pending)

    def supersede(self, chat_id: str) -> None:
        """A new event ends the answers already given; unanswered ones keep their turn."""
        waiting = [p for p in self._by_chat.get(chat_id, []) if p.used is None]
        self._set(chat_id, waiting)

    def discard(self, interaction: discord.Interaction[Any]) -> None:
        chat_id = str(interaction.channel_id)
        left = [p for p in self._by_chat.get(chat_id, []) if p.interaction is not interaction]
        self._set(chat_id, left)

    def take(self, chat_id: str) -> Pending | None:
        """The interaction the next reply to ``chat_id`` should go through, if any."""
        now = time.monotonic()
        live = [p for p in self._by_chat.get(chat_id, []) if p.live(now)]
        self._set(chat_id, live)
        if not live:
            return None
        live[0].used = now
        live[0].answered.set()
        return live[0]

    def _set(self, chat_id: str, pending: list[Pending]) -> None:
        if pending:
            self._by_chat[chat_id] = pending
        else:
            self._by_chat.pop(chat_id, None)
