"""Where a chat is in a multi-message exchange (onboarding's place question): one row per
person per chat, written when a handler asks the next question and cleared when answered."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import state as store
from storage.db import Database
from storage.state import StateKey


class ConversationService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(
        self, key: StateKey, state: str, data: dict[str, Any], person_id: int | None
    ) -> None:
        """Saved with the message's other writes (before its reply goes out), not on its
        own: nothing in the message reads it back (handlers read ``ctx.state``)."""
        values = dict(data)

        async def write(session: AsyncSession) -> None:
            await store.set_state(session, key, state, values, person_id)

        await self.db.write_later(write)

    async def clear(self, key: StateKey) -> None:
        async def write(session: AsyncSession) -> None:
            await store.clear_state(session, key)

        await self.db.write_later(write)
