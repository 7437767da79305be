"""/circles, /join, /leave and /link: finding and joining local circles."""

from __future__ import annotations

from bot.context import Context
from bot.messages import Reply
from bot.roles import REFUSAL


async def circles(ctx: Context) -> list[Reply]:
    found = await ctx.services.circles.all()
    if not found:
        return [Reply("There are no circles yet. Organisers can create one.")]
    mine = set()
    if ctx.caller.person_id is not None:
        mine = {c.id for c, _ in await ctx.services.circles.mine(ctx.caller.person_id)}
    lines = ["Circles (join one with /join NAME):"]
    for circle in found:
        where = f" — {circle.place}" if circle.place else ""
        focus = f" ({circle.focus})" if circle.focus else ""
        joined = " ✓ joined" if circle.id in mine else ""
        lines.append(f"• {circle.name}{where}{focus}{joined}")
    return [Reply("\n".join(lines))]


async def join(ctx: Context) -> list[Reply]:
    if not ctx.args:
        return [Reply("Which circle? Use /join NAME; /circles lists them.")]
    circle = await ctx.services.circles.find(ctx.args)
    if circle is None or not circle.approved:
        return [Reply(f"I couldn't find a circle called “{ctx.args}”. /circles lists them.")]
    assert ctx.caller.person_id is not None
    if not await ctx.services.circles.join(circle.id, ctx.caller.person_id):
        return [Reply(f"You're already in {circle.name}.")]
    return [Reply(f"Welcome to {circle.name}! You'll hear about its news and digests.")]


async def leave(ctx: Context) -> list[Reply]:
    circle = await ctx.services.circles.find(ctx.args) if ctx.args else None
    if circle is None:
        return [Reply("Which circle? Use /leave NAME.")]
    assert ctx.caller.person_id is not None
    if not await ctx.services.circles.leave(circle.id, ctx.caller.person_id):
        return [Reply(f"You weren't in {circle.name}.")]
    return [Reply(f"You've left {circle.name}.")]


async def link(ctx: Context) -> list[Reply]:
    """A coordinator links a group chat to their circle."""
    if ctx.incoming.is_private:
        return [Reply("Use /link NAME inside the group chat you want to link.")]
    circle = await ctx.services.circles.find(ctx.args) if ctx.args else None
    if circle is None or not ctx.caller.may_coordinate(circle.id):
        return [Reply(REFUSAL)]
    i = ctx.incoming
    await ctx.services.circles.link(circle.id, i.platform, i.chat_id, i.chat_title)
    return [Reply(f"This chat is now linked to the circle {circle.name}.")]
