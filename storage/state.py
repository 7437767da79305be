"""Conversation state, keyed by (platform, chat, user), so a restart resumes a conversation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState, utcnow


@dataclass(frozen=True)
class StateKey:
    platform: str
    chat_id: str
    user_id: str


async def get_state(session: AsyncSession, key: StateKey) -> ConversationState | None:
    return await session.get(ConversationState, (key.platform, key.chat_id, key.user_id))


async def set_state(
    session: AsyncSession, key: StateKey, state: str, data: dict[str, Any], person_id: int | None
) -> None:
    row = await get_state(session, key)
    if row is None:
        row = ConversationState(platform=key.platform, chat_id=key.chat_id, user_id=key.user_id)
        session.add(row)
    row.state = state
    row.data = dict(data)
    row.person_id = person_id
    row.updated_at = utcnow()
    await session.flush()


async def clear_state(session: AsyncSession, key: StateKey) -> None:
    await session.execute(
        delete(ConversationState).where(
            ConversationState.platform == key.platform,
            ConversationState.chat_id == key.chat_id,
            ConversationState.user_id == key.user_id,
        )
    )
