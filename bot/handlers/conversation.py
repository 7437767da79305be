"""Helpers for handlers that hold a conversation across messages."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from storage import state as store


async def set_state(ctx: Context, state: str, data: dict[str, Any] | None = None) -> None:
    async with ctx.services.db.transaction() as session:
        await store.set_state(session, ctx.state_key, state, data or {}, ctx.caller.person_id)


async def clear_state(ctx: Context) -> None:
    async with ctx.services.db.transaction() as session:
        await store.clear_state(session, ctx.state_key)
