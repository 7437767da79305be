"""/coordinators, /appoint and /unappoint: who coordinates a circle.

Organisers come from settings; a circle's creator (an organiser, or the member whose
proposal was approved) may appoint coordinators; anyone else is refused with the same
words whether or not the circle exists, so a refusal reveals nothing.
"""

from __future__ import annotations

from bot.context import Context
from bot.messages import Reply
from bot.roles import REFUSAL, CircleRole
from storage.models import Circle


async def _named_circle(ctx: Context, name: str) -> Circle | None:
    """The circle named, or this chat's when no name is given; proposals count as unknown."""
    if name:
        found = await ctx.services.circles.find(name)
    elif ctx.caller.chat_circle_id is not None:
        found = await ctx.services.circles.by_id(ctx.caller.chat_circle_id)
    else:
        found = None
    return found if found is not None and found.approved else None


async def coordinators(ctx: Context) -> list[Reply]:
    """Visible to organisers, the circle's coordinators and members, and in its own chats."""
    found = await _named_circle(ctx, ctx.args.strip())
    if found is None or not await _may_see(ctx, found):
        return [Reply(REFUSAL)]
    people = await ctx.services.circles.coordinators(found.id)
    handles = [await _handle(ctx, person) for person in people]
    if not handles:
        return [Reply(f"{found.name} has no coordinators yet.")]
    return [Reply(f"Coordinators of {found.name}: " + ", ".join(handles))]


async def _may_see(ctx: Context, found: Circle) -> bool:
    if ctx.caller.may_coordinate(found.id) or ctx.caller.chat_circle_id == found.id:
        return True
    person = ctx.caller.person_id
    return person is not None and await ctx.services.circles.role_of(found.id, person) is not None


async def _handle(ctx: Context, person_id: int) -> str:
    contact = await ctx.services.introductions.contact(person_id, ctx.incoming.platform)
    if contact is None:
        return "(someone who has left)"
    where = "" if contact.platform == ctx.incoming.platform else f" on {contact.platform_name}"
    return contact.handle + where


def _may_appoint(ctx: Context, found: Circle) -> bool:
    creator = found.created_by is not None and found.created_by == ctx.caller.person_id
    return ctx.caller.is_organiser or creator


async def _target(ctx: Context) -> tuple[Circle, int, str] | Reply:
    """Parse "NAME @handle", check the caller may appoint, and find the one person meant."""
    name, _, handle = ctx.args.strip().rpartition(" ")
    found = await _named_circle(ctx, name)
    if found is None or not _may_appoint(ctx, found):
        return Reply(REFUSAL)
    if not handle:
        return Reply("Use /appoint NAME @handle (or /unappoint NAME @handle).")
    people = await ctx.services.introductions.people_by_handle(handle)
    if not people:
        return Reply(f"I don't know anyone set up with me as {handle}.")
    if len(people) > 1:
        return Reply(f"More than one person uses {handle}; try platform:user_id instead.")
    return found, people[0], handle


async def appoint(ctx: Context) -> list[Reply]:
    target = await _target(ctx)
    if isinstance(target, Reply):
        return [target]
    found, person, handle = target
    await ctx.services.circles.set_role(found.id, person, CircleRole.COORDINATOR)
    replies = [Reply(f"{handle} is now a coordinator of {found.name}.")]
    contact = await ctx.services.introductions.contact(person)
    if contact is not None and contact.chat_id is not None:
        note = f"You're now a coordinator of {found.name}. /help shows what you can do."
        replies.append(Reply(note, platform=contact.platform, chat_id=contact.chat_id))
    return replies


async def unappoint(ctx: Context) -> list[Reply]:
    target = await _target(ctx)
    if isinstance(target, Reply):
        return [target]
    found, person, handle = target
    if await ctx.services.circles.role_of(found.id, person) != CircleRole.COORDINATOR:
        return [Reply(f"{handle} isn't a coordinator of {found.name}.")]
    await ctx.services.circles.set_role(found.id, person, CircleRole.MEMBER)
    return [Reply(f"{handle} is no longer a coordinator of {found.name}; they stay a member.")]
