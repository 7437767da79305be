"""/digest: the shared-demand digest, for organisers (everything) and coordinators (their
circle). Anyone else gets the same polite refusal, which reveals nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.context import Context
from bot.digests.render import render_text
from bot.messages import Reply
from bot.roles import REFUSAL
from storage.digests import Scope


def allowed_scope(ctx: Context) -> tuple[Scope, str] | None:
    caller = ctx.caller
    if caller.chat_circle_id is not None and caller.may_coordinate(caller.chat_circle_id):
        return Scope(circle_id=caller.chat_circle_id), "this circle"
    if caller.is_organiser:
        return Scope(), "everywhere"
    return None


async def digest(ctx: Context) -> list[Reply]:
    scope = allowed_scope(ctx)
    if scope is None:
        return [Reply(REFUSAL)]
    end = datetime.now(UTC)
    built = await ctx.services.digests.build(scope[0], scope[1], end - timedelta(days=30), end)
    return [Reply(render_text(built))]
