"""/themes and /metoo: seeing shared barriers and adding your voice to one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.context import Context
from bot.messages import Button, Reply
from storage import digests as digest_store
from storage.digests import Scope

ALL_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def people_text(people: int, min_people: int) -> str:
    return f"{people} people" if people >= min_people else f"fewer than {min_people} people"


async def themes(ctx: Context) -> list[Reply]:
    """Themes shared by two or more people; exact counts only from ``min_people`` up."""
    k = ctx.services.settings.min_people
    end = datetime.now(UTC) + timedelta(days=1)
    async with ctx.services.db.reading() as session:
        counts = [c for c in await digest_store.theme_counts(session, Scope(), ALL_TIME, end)]
        shared = [c for c in counts if c.people >= 2]
        titles = await digest_store.themes_by_id(session, [c.theme_id for c in shared])
    rows = [
        (c.people, c.theme_id, titles[c.theme_id].name or titles[c.theme_id].label, c.places)
        for c in shared
    ]
    if not rows:
        return [Reply("No barrier is shared by two or more people yet. Keep reporting!")]
    lines = ["Shared barriers (say /metoo N if one is yours too):"]
    for people, theme_id, title, places in sorted(rows, key=lambda r: (-r[0], r[1]))[:25]:
        where = f" in {places} places" if people >= k else ""
        lines.append(f"#{theme_id} {title}: {people_text(people, k)}{where}")
    return [Reply("\n".join(lines))]


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
