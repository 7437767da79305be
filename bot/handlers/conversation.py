"""Helpers for handlers that hold a conversation across messages."""

from __future__ import annotations

from typing import Any

from bot.context import Context


async def set_state(ctx: Context, state: str, data: dict[str, Any] | None = None) -> None:
    await ctx.services.conversation.set(ctx.state_key, state, data or {}, ctx.caller.person_id)


async def clear_state(ctx: Context) -> None:
    await ctx.services.conversation.clear(ctx.state_key)
