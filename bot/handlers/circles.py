"""/circles, /join, /leave, /link, /circle and /announce: local circles and their chats."""

from __future__ import annotations

import re

from bot.context import Context
from bot.handlers.discovery import join_button_for
from bot.handlers.roles import invitation
from bot.messages import Button, Reply
from bot.places_lookup import resolve_place
from bot.roles import REFUSAL
from storage.models import Circle


async def circles(ctx: Context) -> list[Reply]:
    found = await ctx.services.circles.all()
    if not found:
        return [Reply("There are no circles yet. Organisers can create one.")]
    mine = set()
    if ctx.caller.person_id is not None:
        mine = {c.id for c, _ in await ctx.services.circles.mine(ctx.caller.person_id)}
    lines = ["Circles (tap “Join” or use /join NAME):"]
    for circle in found:
        where = f" — {circle.place}" if circle.place else ""
        focus = f" ({circle.focus})" if circle.focus else ""
        joined = " ✓ joined" if circle.id in mine else ""
        lines.append(f"• {circle.name}{where}{focus}{joined}")
    return [Reply("\n".join(lines), buttons=_join_buttons(ctx, found, mine))]


MAX_JOIN_BUTTONS = 10


def _join_buttons(ctx: Context, found: list[Circle], mine: set[int]) -> tuple[Button, ...]:
    """A "Join" for each open circle the caller is not in (the same ``join:ID`` the
    suggestions carry). Only privately: a tap in a group is answered in the group."""
    if ctx.caller.person_id is None or not ctx.incoming.is_private:
        return ()
    open_ = [c for c in found if c.id not in mine][:MAX_JOIN_BUTTONS]
    return tuple(join_button_for(c.id, c.name) for c in open_)


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
    linked = await ctx.services.circles.link(circle.id, i.platform, i.chat_id, i.chat_title)
    if linked != circle.id:
        return [Reply(LINKED_ELSEWHERE)]
    return [Reply(f"This chat is now linked to the circle {circle.name}.")]


LINKED_ELSEWHERE = (
    "This chat is already linked to another circle. Its coordinator or an organiser can "
    "/unlink it here first."
)


async def unlink(ctx: Context) -> list[Reply]:
    """Only the linked circle's coordinators (or an organiser) may free its chat."""
    circle_id = ctx.caller.chat_circle_id
    if ctx.incoming.is_private or circle_id is None or not ctx.caller.may_coordinate(circle_id):
        return [Reply(REFUSAL)]
    await ctx.services.circles.unlink(ctx.incoming.platform, ctx.incoming.chat_id)
    return [Reply("This chat is no longer linked to a circle.")]


_NEW = re.compile(
    r"new\s+(?P<name>.+?)\s+place\s+(?P<place>.+?)(?:\s+focus\s+(?P<focus>.+))?",
    re.IGNORECASE | re.DOTALL,
)
NEW_ARGS = "new NAME place PLACE [focus TEXT]"
NEW_USAGE = (
    "Use /circle new NAME place PLACE [focus TEXT], e.g. /circle new Leeds Carers place Leeds"
)


async def circle(ctx: Context) -> list[Reply]:
    """/circle new|approve|pending: the sub-command decides who may run it."""
    verb, _, rest = ctx.args.strip().partition(" ")
    verb = verb.casefold()
    if verb == "new":
        return await _new(ctx)
    if not ctx.caller.is_organiser:
        return [Reply(REFUSAL)]
    if verb == "approve":
        return await _approve(ctx, rest.strip())
    if verb == "pending":
        return await _pending(ctx)
    return [Reply(NEW_USAGE)]


async def _new(ctx: Context) -> list[Reply]:
    """Organisers create circles; anyone else proposes one for an organiser to approve."""
    match = _NEW.fullmatch(ctx.args.strip())
    if match is None:
        return [Reply(NEW_USAGE)]
    too_long = _too_long(match["name"], match["focus"])
    if too_long:
        return [Reply(too_long)]
    try:
        place = resolve_place(match["place"])
    except ValueError as problem:
        return [Reply(str(problem))]
    organiser = ctx.caller.is_organiser
    made = await ctx.services.circles.create(
        match["name"], place.name, place.key, place.region, match["focus"],
        ctx.caller.person_id, approved=organiser,
    )  # fmt: skip
    if made is None:
        return [Reply(f"There is already a circle called “{match['name'].strip()}”.")]
    if organiser:
        return [Reply(f"Circle {made.name} ({made.place}) is open. Link a group with /link.")]
    return [
        Reply(
            f"Thank you: I've passed your proposal for {made.name} to the organisers. "
            "Once it's approved I'll ask whether you'd like to coordinate it."
        )
    ]


MAX_NAME, MAX_FOCUS = 80, 280  # within the circles table's columns


def _too_long(name: str, focus: str | None) -> str | None:
    if len(name.strip()) > MAX_NAME:
        return f"Please keep a circle's name under {MAX_NAME} characters. Nothing was saved."
    if focus and len(focus.strip()) > MAX_FOCUS:
        return f"Please keep the focus under {MAX_FOCUS} characters. Nothing was saved."
    return None


async def _approve(ctx: Context, name: str) -> list[Reply]:
    found = await ctx.services.circles.find(name) if name else None
    if found is None or found.approved:
        return [Reply("Which proposal? /circle pending lists them.")]
    result = await ctx.services.circles.approve(found.id)
    if result is None:
        return [Reply(f"{found.name} is already approved.")]
    approved, invitation_id = result
    replies = [Reply(f"Circle {approved.name} is approved and open to join.")]
    if approved.created_by is not None and invitation_id is not None:
        replies.append(Reply("Its proposer is asked whether they'll coordinate it."))
        replies += await invitation(ctx, approved, approved.created_by, invitation_id)
    return replies


async def _pending(ctx: Context) -> list[Reply]:
    waiting = await ctx.services.circles.pending()
    if not waiting:
        return [Reply("No circles are waiting for approval.")]
    lines = ["Proposed circles (approve with /circle approve NAME):"]
    lines += [f"• {c.name} — {c.place}" + (f" ({c.focus})" if c.focus else "") for c in waiting]
    return [Reply("\n".join(lines))]


UNLINKED_ANNOUNCE = (
    "This chat isn't linked to a circle, so there is no one to announce to from here. "
    "Link it with /link NAME, or send /announce NAME TEXT to me privately."
)


async def announce(ctx: Context) -> list[Reply]:
    """A coordinator's message to every chat linked to the circle, on every platform."""
    target = await _announce_target(ctx)
    if target is None and ctx.caller.is_organiser and not ctx.incoming.is_private:
        return [Reply(UNLINKED_ANNOUNCE)]
    if target is None:
        return [Reply(REFUSAL)]
    found, text = target
    if not text:
        return [
            Reply(
                "What should I announce? /announce TEXT in a linked chat, or /announce NAME TEXT."
            )
        ]
    chats = await ctx.services.circles.linked_chats(found.id)
    if not chats:
        return [Reply(f"{found.name} has no linked chats yet: use /link {found.name} in a group.")]
    message = f"📣 {found.name}: {text}"
    replies = [Reply(message, platform=platform, chat_id=chat) for platform, chat in chats]
    if ctx.caller.chat_circle_id != found.id:
        replies.append(Reply(f"Sent to {len(chats)} linked chat(s) of {found.name}."))
    return replies


async def _announce_target(ctx: Context) -> tuple[Circle, str] | None:
    """The circle (this chat's, or named first in private) and the text, if allowed."""
    circle_id = ctx.caller.chat_circle_id
    if circle_id is not None and not ctx.incoming.is_private:
        found = await ctx.services.circles.by_id(circle_id)
        text = ctx.args.strip()
    elif ctx.incoming.is_private and (ctx.caller.is_organiser or ctx.caller.coordinates):
        leading = await ctx.services.circles.find_leading(ctx.args)
        found, text = leading if leading else (None, "")
    else:
        return None
    if found is None or not found.approved or not ctx.caller.may_coordinate(found.id):
        return None
    return found, text
