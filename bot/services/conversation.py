"""Where a chat is in a multi-message exchange (onboarding's place question): one row per
person per chat, written when a handler asks the next question and cleared when answered."""

from __future__ import annotations

from typing import Any

from storage import state as store
from storage.db import Database
from storage.state import StateKey


class ConversationService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(
        self, key: StateKey, state: str, data: dict[str, Any], person_id: int | None
    ) -> None:
        async with self.db.transaction() as session:
            await store.set_state(session, key, state, data, person_id)

    async def clear(self, key: StateKey) -> None:
        async with self.db.transaction() as session:
            await store.clear_state(session, key)
