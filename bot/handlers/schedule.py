"""/schedule: post this chat's digest on a regular day and time.

Organisers may schedule any chat; a coordinator only their circle's linked chat (whose digest
is that circle's). Everyone else gets the usual refusal."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.context import Context
from bot.digests.schedule import ScheduleError, next_run, parse_cadence
from bot.messages import Reply
from bot.roles import REFUSAL


def may_schedule(ctx: Context) -> bool:
    caller = ctx.caller
    if caller.is_organiser:
        return True
    return caller.chat_circle_id is not None and caller.may_coordinate(caller.chat_circle_id)


async def _current(ctx: Context) -> str:
    i = ctx.incoming
    next_run_at = await ctx.services.schedules.next_run(i.platform, i.chat_id)
    if next_run_at is None:
        return "This chat has no digest schedule. /schedule weekly mon 09:00 sets one."
    return f"This chat's digest is posted next at {_local(ctx, next_run_at)}."


def _local(ctx: Context, moment: datetime) -> str:
    zone = ctx.services.settings.zone
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return f"{aware.astimezone(zone):%a %d %b %Y %H:%M} ({ctx.services.settings.timezone})"


async def schedule(ctx: Context) -> list[Reply]:
    if not may_schedule(ctx):
        return [Reply(REFUSAL)]
    if not ctx.args.strip():
        return [Reply(await _current(ctx))]
    try:
        cadence = parse_cadence(ctx.args)
    except ScheduleError as problem:
        return [Reply(str(problem))]
    i = ctx.incoming
    if cadence is None:
        removed = await ctx.services.schedules.remove(i.platform, i.chat_id)
        return [Reply("Scheduled digests are off here." if removed else "Nothing was scheduled.")]
    first = next_run(cadence, datetime.now(UTC), ctx.services.settings.zone)
    await ctx.services.schedules.save(
        i.platform, i.chat_id, cadence, first, ctx.caller.chat_circle_id, ctx.caller.person_id
    )
    return [
        Reply(f"I'll post this chat's digest {cadence.describe()}; next: {_local(ctx, first)}.")
    ]
