"""/updates on|off: whether campaign news on the themes you raised reaches you."""

from __future__ import annotations

from bot.context import Context
from bot.messages import Reply

UPDATES_USAGE = "Use /updates off to stop news on the barriers you raised, or /updates on."


async def updates(ctx: Context) -> list[Reply]:
    choice = ctx.args.strip().casefold()
    if choice not in ("on", "off"):
        return [Reply(UPDATES_USAGE)]
    assert ctx.caller.person_id is not None
    await ctx.services.campaigns.set_updates(ctx.caller.person_id, choice == "on")
    if choice == "on":
        return [Reply("Updates are on: I'll tell you privately when a barrier you raised moves.")]
    return [Reply("Updates are off: I won't send news on your themes. /updates on turns them on.")]
