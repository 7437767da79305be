"""/themes and /metoo: seeing shared barriers and adding your voice to one."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.context import Context
from bot.digests.model import part_title
from bot.digests.render import count, period_text
from bot.digests.scope import ScopeError, parse_request, period
from bot.handlers.args import parse_number
from bot.messages import Button, Reply
from bot.services.visible import ThemeView

MAX_LISTED = 25
THEMES_USAGE = (
    "Use /themes or /themes since 7d|30d|90d|YYYY-MM; /themes N shows theme N's sub-themes."
)


async def themes(ctx: Context) -> list[Reply]:
    """The themes ``bot.visibility`` shows in the digest's period (the same fixed whole-day
    windows), with only the counts it allows."""
    k = ctx.services.settings.min_people
    number = parse_number(ctx.args)
    if number is not None:
        return [Reply(await subthemes_text(ctx, number))]
    try:
        request = parse_request(ctx.args)
        if request.circle or request.place or request.export:
            raise ScopeError(THEMES_USAGE)
        start, end = period(request.since, datetime.now(UTC), ctx.services.settings.zone)
    except ScopeError as problem:
        return [Reply(str(problem))]
    shown = await ctx.services.visible.all(start, end)
    when = period_text(start, end)
    if not shown:
        return [Reply(f"{when}: no barrier is shared by {k} or more people yet. Keep reporting!")]
    listed = shown[:MAX_LISTED]
    lines = [f"Shared barriers, {when} (tap “Me too” or say /metoo N if one is yours too):"]
    for view in listed:
        lines.append(
            f"#{view.theme_id} {view.title}: {view.people} people in {count(view.places, 'place')}"
        )
    return [Reply("\n".join(lines), buttons=await _metoo_buttons(ctx, listed))]


async def _metoo_buttons(ctx: Context, listed: list[ThemeView]) -> tuple[Button, ...]:
    """One "Me too" per listed theme (each already shown, so a button reveals nothing),
    except those the caller reported or already said "me too" to. Only in a private chat:
    a tap in a group would be answered there, telling the group which barrier the tapper
    faces."""
    person_id = ctx.caller.person_id
    if person_id is None or not ctx.incoming.is_private:
        return ()
    backed = await ctx.services.themes.backed_by(person_id)
    return tuple(metoo_button(v.theme_id) for v in listed if v.theme_id not in backed)


async def subthemes_text(ctx: Context, theme_id: int) -> str:
    """The specific ways one shown theme shows up, over /themes' default period; a
    sub-theme is listed only when at least min_people reporters share it. A theme that may
    not be shown gets the same answer as one that does not exist."""
    k = ctx.services.settings.min_people
    view = await ctx.services.visible.one(theme_id)
    if view is None:
        return f"There's no theme #{theme_id} to show. /themes lists them."
    start, end = period(None, datetime.now(UTC), ctx.services.settings.zone)
    parts = await ctx.services.themes.subtheme_spread(theme_id, start, end)
    rule = ctx.services.visible.rule
    shown = sorted(
        (p for p in parts if rule.shows(p.reporters)), key=lambda p: (-p.reporters, p.key)
    )
    hidden = f"Sub-themes shared by fewer than {k} people are not shown."
    if not shown:
        return f"#{theme_id} {view.title}: no sub-theme is shared by {k} or more people yet."
    lines = [f"#{theme_id} {view.title}, {period_text(start, end)}: the ways it shows up"]
    lines += [f"- {part_title(p.title)}: {p.reporters} people" for p in shown[:10]]
    return "\n".join([*lines, hidden])


METOO_USAGE = "Which theme? Use /metoo N with a number from /themes."


async def metoo(ctx: Context) -> list[Reply]:
    """A "me too" is counted only on a shown theme: an endorsement of a theme nobody can
    see would let two accounts push one person's report towards view, and the answer
    about an unknown, hidden or too-small theme is the same, so it reveals nothing."""
    raw = ctx.args or (ctx.incoming.button_data or "").partition(":")[2]
    number = parse_number(raw)
    if number is None:
        return [Reply(METOO_USAGE)]
    assert ctx.caller.person_id is not None
    view = await ctx.services.visible.one(number)
    if view is None:
        return [Reply(f"There's no theme #{number} to add to. /themes lists them.")]
    added = await ctx.services.themes.endorse(
        view.theme_id, ctx.caller.person_id, ctx.caller.place_key
    )
    if not added:
        return [Reply(f"You've already said “me too” to theme #{view.theme_id}.")]
    return [Reply(f"Thank you: your “me too” is counted on #{view.theme_id} {view.title}.")]


def metoo_button(theme_id: int) -> Button:
    """Numbered, so a list of themes can carry one each."""
    return Button(f"Me too #{theme_id}", f"metoo:{theme_id}")
