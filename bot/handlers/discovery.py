"""Suggesting circles after onboarding and after each report, with one-tap join buttons."""

from __future__ import annotations

from bot.context import Context
from bot.handlers.args import parse_number
from bot.messages import Button, Reply
from bot.services.discovery import Circles, Reason, Suggestion

_WHY = {
    Reason.SAME_PLACE: "in your area",
    Reason.NEARBY: "nearby",
    Reason.THEME: "members share this barrier",
}


def _line(suggestion: Suggestion) -> str:
    circle = suggestion.circle
    where = f" — {circle.place}" if circle.place else ""
    focus = f" ({circle.focus})" if circle.focus else ""
    return f"• {circle.name}{where}{focus}: {_WHY[suggestion.reason]}"


def join_button_for(circle_id: int, name: str) -> Button:
    """The one "Join" button (suggestions and /circles): ``join_button`` answers it."""
    return Button(f"Join {name}", f"join:{circle_id}")


def _buttons(found: list[Suggestion]) -> tuple[Button, ...]:
    return tuple(join_button_for(s.circle.id, s.circle.name) for s in found)


async def suggestions(
    ctx: Context,
    person_id: int,
    theme_id: int | None = None,
    circles: Circles | None = None,
) -> tuple[str, tuple[Button, ...]]:
    """Text and join buttons for the circles worth suggesting; empty when there are none."""
    found = await ctx.services.discovery.suggest(person_id, theme_id, circles)
    if not found:
        return "", ()
    lines = ["Circles you could join:", *map(_line, found)]
    return "\n".join(lines), _buttons(found)


async def onboarding_note(ctx: Context, person_id: int) -> tuple[str, tuple[Button, ...]]:
    """What to add to the "you're set up" message: nearby circles, if any."""
    text, buttons = await suggestions(ctx, person_id)
    return (f"\n\n{text}" if text else ""), buttons


async def join_button(ctx: Context) -> list[Reply]:
    """A tap on "Join NAME": the same checks as /join."""
    person_id = ctx.caller.person_id
    if person_id is None or not ctx.caller.onboarded:
        return [Reply("Please send /start first so I can explain what I keep and why.")]
    number = (ctx.incoming.button_data or "").partition(":")[2]
    circle_id = parse_number(number)
    circle = await ctx.services.circles.by_id(circle_id) if circle_id is not None else None
    if circle is None or not circle.approved:
        return [Reply("That circle is no longer open. /circles lists the current ones.")]
    if not await ctx.services.circles.join(circle.id, person_id):
        return [Reply(f"You're already in {circle.name}.")]
    return [Reply(f"Welcome to {circle.name}! You'll hear about its news and digests.")]
