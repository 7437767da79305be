"""A group chat's life as the platforms report it: a new id, the bot added or removed, and
members joining. Adapters only say what happened; what follows is decided here."""

from __future__ import annotations

import time
from collections.abc import Callable

from storage import chats as store
from storage.db import Database

WELCOME_EVERY = 10 * 60.0
"""Seconds between welcomes in one group: a burst of joins gets one welcome, not one each
(a group may only be sent 20 messages a minute, and thirty identical welcomes are noise)."""


class ChatService:
    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self._clock = clock
        self._welcomed: dict[tuple[str, str], float] = {}

    async def moved(self, platform: str, old: str, new: str) -> bool:
        """Follow a chat to its new id: its circle link and schedule go with it."""
        async with self.db.transaction() as session:
            return await store.move_chat(session, platform, old, new)

    async def left(self, platform: str, chat_id: str) -> bool:
        """The bot was removed: unlink the chat and stop its schedule."""
        async with self.db.transaction() as session:
            return await store.forget_chat(session, platform, chat_id)

    def welcome_due(self, platform: str, chat_id: str) -> bool:
        """``True`` at most once per ``WELCOME_EVERY`` per chat (in this process)."""
        now = self._clock()
        for key in [k for k, at in self._welcomed.items() if now - at >= WELCOME_EVERY]:
            del self._welcomed[key]
        key = (platform, chat_id)
        if key in self._welcomed:
            return False
        self._welcomed[key] = now
        return True
