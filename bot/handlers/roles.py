"""/coordinators, /appoint and /unappoint: who coordinates a circle.

Organisers (from settings) appoint coordinators, and the person is asked first; anyone else
is refused with the same words whether or not the circle exists, and the answer to an
organiser is the same whether or not the named person uses the bot, so neither a refusal
nor an answer reveals who is there.
"""

from __future__ import annotations

from bot.context import Context
from bot.handlers.args import parse_number
from bot.messages import Button, Reply
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
    if contact.platform == ctx.incoming.platform:
        return contact.handle
    return f"{contact.handle} {ctx.services.introductions.where(contact.platform)}"


def _may_appoint(ctx: Context, found: Circle) -> bool:
    """Organisers only: proposing a circle (or having proposed one) gives no power over
    who coordinates it."""
    return ctx.caller.is_organiser


_USAGE = "Use /appoint NAME @handle (or /unappoint NAME @handle)."


async def _target(ctx: Context) -> tuple[Circle, int | None, str] | Reply:
    """Parse "NAME @handle" (or "platform:user_id", for people without a handle) and check
    the caller may appoint. The person is None unless exactly one onboarded person answers
    to it; the caller is never told which, so the answer cannot be used to find out who
    uses the bot, and the person is asked before anything changes."""
    name, _, handle = ctx.args.strip().rpartition(" ")
    found = await _named_circle(ctx, name)
    if found is None or not _may_appoint(ctx, found):
        return Reply(REFUSAL)
    if not handle.strip("@:"):
        return Reply(_USAGE)
    people = await ctx.services.introductions.people_by_handle(handle)
    return found, (people[0] if len(people) == 1 else None), handle


async def invitation(ctx: Context, circle: Circle, person: int, invitation_id: int) -> list[Reply]:
    """The private question "will you coordinate?", with buttons naming this invitation."""
    contact = await ctx.services.introductions.contact(person)
    if contact is None or contact.chat_id is None:
        return []
    text = (
        f"You're invited to coordinate the circle {circle.name}: your handle would be shown "
        "to its members in /coordinators. Will you?"
    )
    buttons = (
        Button("Yes, I'll coordinate", f"coord:yes:{invitation_id}"),
        Button("No thanks", f"coord:no:{invitation_id}"),
    )
    return [Reply(text, buttons=buttons, platform=contact.platform, chat_id=contact.chat_id)]


async def appoint(ctx: Context) -> list[Reply]:
    target = await _target(ctx)
    if isinstance(target, Reply):
        return [target]
    found, person, handle = target
    said = Reply(
        f"If {handle} uses Groundswell, I've asked them privately whether they'll coordinate "
        f"{found.name}; they'll be listed in /coordinators only once they say yes."
    )
    if (
        person is None
        or await ctx.services.circles.role_of(found.id, person) == CircleRole.COORDINATOR
    ):
        return [said]
    invitation_id = await ctx.services.circles.invite(found.id, person)
    return [said, *await invitation(ctx, found, person, invitation_id)]


async def unappoint(ctx: Context) -> list[Reply]:
    target = await _target(ctx)
    if isinstance(target, Reply):
        return [target]
    found, person, handle = target
    if (
        person is not None
        and await ctx.services.circles.role_of(found.id, person) == CircleRole.COORDINATOR
    ):
        await ctx.services.circles.set_role(found.id, person, CircleRole.MEMBER)
    return [Reply(f"If {handle} coordinated {found.name}, they no longer do; they stay a member.")]


async def answer_invitation(ctx: Context) -> list[Reply]:
    """A tap on "Yes, I'll coordinate" / "No thanks": ``coord:yes|no:INVITATION``."""
    parts = (ctx.incoming.button_data or "").split(":")
    invitation_id = parse_number(parts[2]) if len(parts) == 3 else None
    person = ctx.caller.person_id
    if invitation_id is None or person is None or parts[1] not in ("yes", "no"):
        return [Reply("That invitation is no longer open.")]
    yes = parts[1] == "yes"
    circle = await ctx.services.circles.answer_invitation(invitation_id, person, yes)
    if circle is None:
        return [Reply("That invitation is no longer open.")]
    if not yes:
        return [Reply(f"Okay: you're not a coordinator of {circle.name}.")]
    return [Reply(f"You're now a coordinator of {circle.name}. /help shows what you can do.")]
