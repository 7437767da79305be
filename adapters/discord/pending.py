"""Which interaction a reply from the core answers: the one it names, never a guess.

Every interaction is acknowledged at once and kept here under its id, which is also the
``message_id`` of the event the core sees. The core names that id in ``Reply.reply_to``
when a reply answers the event, so each answer goes through its own interaction (and is
ephemeral if that interaction was); an announcement or a scheduled digest names none and
is posted to the channel like any message. Matching by channel and order instead would
hand one person's private answer to someone else's interaction, or post it publicly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import discord

TOKEN_LIFETIME = 14 * 60.0  # interaction tokens last 15 minutes; keep a minute in hand


@dataclass
class Pending:
    interaction: discord.Interaction[Any]
    ephemeral: bool
    command: str | None = None
    # Answered in the person's DM (a command about them, used in a guild channel); the
    # interaction then only says where the answer went, or carries it if the DM fails.
    moved: bool = False
    told: bool = False  # the interaction has said where the answer went
    created: float = field(default_factory=time.monotonic)

    def live(self, now: float) -> bool:
        return now - self.created < TOKEN_LIFETIME


class PendingReplies:
    def __init__(self) -> None:
        self._by_id: dict[str, Pending] = {}

    def admit(
        self,
        interaction: discord.Interaction[Any],
        ephemeral: bool,
        command: str | None = None,
        moved: bool = False,
    ) -> Pending:
        self._prune(time.monotonic())
        pending = Pending(interaction, ephemeral, command, moved)
        self._by_id[str(interaction.id)] = pending
        return pending

    def get(self, reply_to: str | None) -> Pending | None:
        """The live interaction a reply names, if any."""
        if reply_to is None:
            return None
        pending = self._by_id.get(reply_to)
        if pending is None or not pending.live(time.monotonic()):
            self._by_id.pop(reply_to, None)
            return None
        return pending

    def discard(self, interaction: discord.Interaction[Any]) -> None:
        self._by_id.pop(str(interaction.id), None)

    def _prune(self, now: float) -> None:
        for key in [k for k, p in self._by_id.items() if not p.live(now)]:
            del self._by_id[key]
