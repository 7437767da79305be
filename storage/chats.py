"""What is kept per group chat (its circle link and digest schedule), as the chat changes.

Telegram gives a group a new id when it becomes a supergroup; a bot removed from a group
can no longer post there. Both touch the same rows, so they live together."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CircleChat, Schedule

PER_CHAT = (CircleChat, Schedule)  # each unique on (platform, chat_id)


async def move_chat(session: AsyncSession, platform: str, old: str, new: str) -> bool:
    """Move the old id's rows to the new id; ``True`` if there were any. Moving twice (both
    of Telegram's service messages name the move) changes nothing the second time."""
    moved = False
    for model in PER_CHAT:
        found = await session.scalar(
            select(model.id).where(model.platform == platform, model.chat_id == old)
        )
        if found is None:
            continue
        await session.execute(delete(model).where(model.platform == platform, model.chat_id == new))
        await session.execute(
            update(model)
            .where(model.platform == platform, model.chat_id == old)
            .values(chat_id=new)
        )
        moved = True
    return moved


async def forget_chat(session: AsyncSession, platform: str, chat_id: str) -> bool:
    """The bot has left the chat: nothing may be sent there any more."""
    removed = 0
    for model in PER_CHAT:
        result = await session.execute(
            delete(model).where(model.platform == platform, model.chat_id == chat_id)
        )
        removed += int(result.rowcount)  # type: ignore[attr-defined]
    return removed > 0
