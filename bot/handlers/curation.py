"""/theme and /hide: organisers shape the themes digests are built from, and they (or the
coordinators of a circle that shares a theme) run its campaign: its demand and progress.

Every change is logged (who, when, what) and is kept by ``groundswell recluster``."""

from __future__ import annotations

from bot.context import Context
from bot.digests.curation import CurationError, Curator
from bot.digests.naming import quote_text
from bot.digests.render import step_text
from bot.handlers.args import parse_number
from bot.messages import Reply
from bot.roles import REFUSAL
from bot.services.campaigns import STATUSES, CampaignError

THEME_USAGE = (
    "Use /theme N name TEXT, /theme N demand TEXT, /theme N update STATUS TEXT "
    f"(STATUS: {', '.join(STATUSES)}), /theme merge N M, /theme split N, /theme hide N, "
    "/theme move REPORT N (or REPORT sub S), /theme promote S (a sub-theme) or /theme review "
    "(messages kept out as not a barrier); N from /themes or /digest."
)
CAMPAIGN_FIELDS = ("demand", "update")  # what a sharing circle's coordinators may set
MAX_TEXT = {"name": 200, "demand": 2000}


def _number(word: str) -> int | None:
    return parse_number(word)


def actor_of(ctx: Context) -> str:
    return f"{ctx.incoming.platform}:{ctx.incoming.user_id}"


def curator_of(ctx: Context) -> Curator:
    return Curator(ctx.services.db, ctx.services.themes)


async def _set_text(ctx: Context, theme_id: int, field: str, text: str) -> str:
    if not text or len(text) > MAX_TEXT[field]:
        return f"Please give the {field} in 1 to {MAX_TEXT[field]} characters."
    await curator_of(ctx).set_text(actor_of(ctx), theme_id, field, text)
    what = "now called" if field == "name" else "now demands"
    return f"Theme #{theme_id} is {what}: {text}"


async def _merge(ctx: Context, words: list[str]) -> str:
    numbers = [_number(w) for w in words[1:]]
    if len(numbers) != 2 or None in numbers:
        return THEME_USAGE
    survivor, absorbed = (int(n) for n in numbers if n is not None)
    await curator_of(ctx).merge(actor_of(ctx), survivor, absorbed)
    return f"Theme #{absorbed} is merged into #{survivor}; it stays merged after re-clustering."


async def _split(ctx: Context, theme_id: int) -> str:
    ids = await curator_of(ctx).split(actor_of(ctx), theme_id)
    await ctx.services.reports.derived.labels(ids)
    parts = ", ".join(f"#{i}" for i in ids)
    return f"Theme #{theme_id} is split into {len(ids)} themes: {parts}."


async def _update(ctx: Context, theme_id: int, words: list[str]) -> str:
    if len(words) < 4:
        return THEME_USAGE
    text = " ".join(ctx.args.split(maxsplit=3)[3:])
    step = await ctx.services.campaigns.post(actor_of(ctx), theme_id, words[2], text)
    return (
        f"Theme #{theme_id}: {step_text(step)}\nIt goes privately to everyone who reported it "
        "or said “me too” (unless they turned updates off), and shows in digests."
    )


async def _may_campaign(ctx: Context, words: list[str]) -> bool:
    """Organisers may do anything here; a coordinator may set the demand of, and post
    progress on, a theme their circle's digest shows (min_people of its members share it)."""
    if ctx.caller.is_organiser:
        return True
    theme_id = _number(words[0])
    if theme_id is None or len(words) < 2 or words[1].casefold() not in CAMPAIGN_FIELDS:
        return False
    return await ctx.services.campaigns.shared_by_circles(theme_id, ctx.caller.coordinates)


async def _move(ctx: Context, words: list[str]) -> str:
    numbers = [_number(w) for w in words[1:] if w.casefold() not in ("to", "sub")]
    if len(numbers) != 2 or None in numbers:
        return THEME_USAGE
    report_id, target = (int(n) for n in numbers if n is not None)
    to_sub = any(w.casefold() == "sub" for w in words)
    theme_id, sub_id = await curator_of(ctx).move_report(
        actor_of(ctx), report_id, None if to_sub else target, target if to_sub else None
    )
    return (
        f"Report #{report_id} is now in theme #{theme_id} (sub-theme #{sub_id}); "
        "it stays there after re-clustering."
    )


async def _promote(ctx: Context, words: list[str]) -> str:
    sub_id = _number(words[1]) if len(words) == 2 else None
    if sub_id is None:
        return THEME_USAGE
    theme_id = await curator_of(ctx).promote(actor_of(ctx), sub_id)
    return f"Sub-theme #{sub_id} is now theme #{theme_id}; it stays one after re-clustering."


async def _review(ctx: Context) -> str:
    kept_out = await curator_of(ctx).not_barriers()
    if not kept_out:
        return "No message is waiting as “not a barrier”."
    marked = await ctx.services.nlp.scrub([text for _, text in kept_out])
    texts = [quote_text(m, ()) for m in marked]  # a kept-out report has no theme
    lines = ["Kept out of themes as not a barrier (/theme move REPORT N puts one in a theme):"]
    lines += [f"#{rid}: {text[:200]}" for (rid, _), text in zip(kept_out, texts, strict=True)]
    return "\n".join(lines)


LEVEL_ACTIONS = {"move": _move, "promote": _promote}


async def _theme_action(ctx: Context, words: list[str]) -> str:
    if not await _may_campaign(ctx, words):
        return REFUSAL
    if words[0].casefold() == "merge":
        return await _merge(ctx, words)
    if words[0].casefold() in LEVEL_ACTIONS:
        return await LEVEL_ACTIONS[words[0].casefold()](ctx, words)
    if words[0].casefold() == "review" and len(words) == 1:
        return await _review(ctx)
    action = words[0].casefold()
    theme_id = _number(words[1]) if len(words) > 1 else None
    if action in ("split", "hide") and theme_id is not None and len(words) == 2:
        if action == "split":
            return await _split(ctx, theme_id)
        await curator_of(ctx).hide_theme(actor_of(ctx), theme_id)
        return f"Theme #{theme_id} is hidden from /themes and digests."
    theme_id = _number(words[0])
    if theme_id is not None and len(words) > 1 and words[1].casefold() == "update":
        return await _update(ctx, theme_id, words)
    if theme_id is None or len(words) < 2 or words[1].casefold() not in MAX_TEXT:
        return THEME_USAGE
    text = " ".join(ctx.args.split(maxsplit=2)[2:]).strip()
    return await _set_text(ctx, theme_id, words[1].casefold(), text)


async def theme(ctx: Context) -> list[Reply]:
    words = ctx.args.split()
    if not words:
        return [Reply(THEME_USAGE)]
    try:
        return [Reply(await _theme_action(ctx, words))]
    except (CurationError, CampaignError) as problem:
        return [Reply(str(problem))]


async def hide(ctx: Context) -> list[Reply]:
    report_id = _number(ctx.args.strip()) if ctx.args.strip() else None
    if report_id is None:
        return [Reply("Use /hide REPORT_ID to hide one report from themes and digests.")]
    if not await curator_of(ctx).hide_report(actor_of(ctx), report_id):
        return [Reply(f"There's no visible report #{report_id}.")]
    return [Reply(f"Report #{report_id} is hidden from themes, quotes and digests.")]
