"""/themes and /metoo: seeing shared barriers and adding your voice to one."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.context import Context
from bot.digests.render import count, period_text
from bot.digests.scope import ScopeError, parse_request, period_start
from bot.messages import Button, Reply
from storage import digests as digest_store
from storage.digests import Scope

THEMES_USAGE = (
    "Use /themes or /themes since 7d|30d|90d|YYYY-MM-DD; /themes N shows theme N's sub-themes."
)


def people_text(people: int, min_people: int) -> str:
    return f"{people} people" if people >= min_people else f"fewer than {min_people} people"


async def themes(ctx: Context) -> list[Reply]:
    """Themes shared by two or more people in the same period as ``/digest`` (and with its
    numbers: both count with ``theme_counts``' rules); exact counts only from min_people up."""
    k = ctx.services.settings.min_people
    number = ctx.args.strip().lstrip("#")
    if number.isdigit():
        return [Reply(await subthemes_text(ctx, int(number)))]
    try:
        request = parse_request(ctx.args)
        if request.circle or request.place or request.export:
            raise ScopeError(THEMES_USAGE)
        end = datetime.now(UTC)
        start = period_start(request.since, end, ctx.services.settings.zone)
    except ScopeError as problem:
        return [Reply(str(problem))]
    async with ctx.services.db.reading() as session:
        counts = await digest_store.theme_counts(session, Scope(), start, end)
        shared = [c for c in counts if c.people >= 2]
        titles = await digest_store.themes_by_id(session, [c.theme_id for c in shared])
    period = period_text(start, end)
    if not shared:
        return [Reply(f"{period}: no barrier is shared by two or more people yet. Keep reporting!")]
    lines = [f"Shared barriers, {period} (say /metoo N if one is yours too):"]
    for c in sorted(shared, key=lambda c: (-c.people, c.theme_id))[:25]:
        title = titles[c.theme_id].name or titles[c.theme_id].label
        where = f" in {count(c.places, 'place')}" if c.people >= k else ""
        lines.append(f"#{c.theme_id} {title}: {people_text(c.people, k)}{where}")
    return [Reply("\n".join(lines))]


async def subthemes_text(ctx: Context, theme_id: int) -> str:
    """The specific ways one theme shows up, over /themes' default period; a sub-theme is
    listed only when at least min_people reporters share it."""
    k = ctx.services.settings.min_people
    end = datetime.now(UTC)
    start = period_start(None, end, ctx.services.settings.zone)
    theme = await ctx.services.themes.get(theme_id)
    if theme is None or theme.hidden:
        return f"There's no theme #{theme_id}. /themes lists them."
    parts = await ctx.services.themes.subtheme_spread(theme_id, start, end)
    shown = sorted((p for p in parts if p.reporters >= k), key=lambda p: (-p.reporters, p.key))
    title = theme.name or theme.label
    if not shown:
        return f"#{theme_id} {title}: no sub-theme is shared by {k} or more people yet."
    lines = [f"#{theme_id} {title}, {period_text(start, end)}: the ways it shows up"]
    lines += [f"- {p.title}: {p.reporters} people" for p in shown[:10]]
    if len(shown) < len(parts):
        lines.append(f"Sub-themes shared by fewer than {k} people are not shown.")
    return "\n".join(lines)


async def metoo(ctx: Context) -> list[Reply]:
    number = (ctx.args or (ctx.incoming.button_data or "").partition(":")[2]).lstrip("#")
    if not number.isdigit():
        return [Reply("Which theme? Use /metoo N with a number from /themes.")]
    assert ctx.caller.person_id is not None
    theme = await ctx.services.themes.get(int(number))
    if theme is None or theme.hidden:
        return [Reply(f"There's no theme #{number}. /themes lists them.")]
    added = await ctx.services.themes.endorse(theme.id, ctx.caller.person_id, ctx.caller.place_key)
    if not added:
        return [Reply(f"You've already said “me too” to theme #{theme.id}.")]
    return [
        Reply(f"Thank you: your “me too” is counted on #{theme.id} {theme.name or theme.label}.")
    ]


def metoo_button(theme_id: int) -> Button:
    return Button("Me too", f"metoo:{theme_id}")
