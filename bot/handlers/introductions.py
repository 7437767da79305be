"""Offers to introduce people who share a barrier nearby, and the answers to them.

Offers name nobody. A handle is passed on only when both people have said yes; a "no"
is silent to the other side; ``/offers off`` stops all offers to that person.
"""

from __future__ import annotations

from bot.context import Context
from bot.handlers.discovery import suggestions
from bot.messages import Button, Reply
from bot.services.introductions import PLATFORM_NAMES, Contact
from bot.services.reports import ReportOutcome

ASK = "Would you like to be introduced? I'll only share your handle if you both say yes."


def _buttons(theme_id: int) -> tuple[Button, ...]:
    return (
        Button("Yes, introduce me", f"intro:yes:{theme_id}"),
        Button("No thanks", f"intro:no:{theme_id}"),
    )


def _people_near(count: int) -> str:
    if count == 1:
        return "1 person near you faces this too"
    return f"{count} people near you face this too"


async def after_report(ctx: Context, outcome: ReportOutcome) -> list[Reply]:
    """Follow-ups to a saved report, sent privately: introduction offers, then circles."""
    person_id = ctx.caller.person_id
    if person_id is None:
        return []
    await ctx.services.introductions.remember_chat(ctx.incoming)
    me = await _private_destination(ctx, person_id)
    if me is None:
        return []
    others = await ctx.services.introductions.offer(
        person_id, outcome.theme_id, ctx.caller.place_key
    )
    replies: list[Reply] = []
    if others:
        replies.append(_to(me, f"{_people_near(len(others))} — {ASK}", _buttons(outcome.theme_id)))
    for other in others:
        replies += await _offer_to_other(ctx, other, outcome)
    text, buttons = await suggestions(ctx, person_id, outcome.theme_id)
    if text:
        replies.append(_to(me, text, buttons))
    return replies


async def _offer_to_other(ctx: Context, other: int, outcome: ReportOutcome) -> list[Reply]:
    contact = await ctx.services.introductions.contact(other)
    if contact is None or contact.chat_id is None:
        return []
    text = (
        f"Someone near you has just reported a barrier you share (“{outcome.theme_label}”). " + ASK
    )
    return [_to(contact, text, _buttons(outcome.theme_id))]


def _to(contact: Contact, text: str, buttons: tuple[Button, ...] = ()) -> Reply:
    """A reply addressed to the person's private chat, whichever chat we are answering."""
    return Reply(text, buttons=buttons, platform=contact.platform, chat_id=contact.chat_id)


async def _private_destination(ctx: Context, person_id: int) -> Contact | None:
    """Where follow-ups go: this chat when private, else the person's private chat on this
    platform (None when unknown: offers never go to a group)."""
    if ctx.incoming.is_private:
        return Contact(person_id, ctx.incoming.platform, ctx.incoming.chat_id, "")
    contact = await ctx.services.introductions.contact(person_id, ctx.incoming.platform)
    return contact if contact is not None and contact.chat_id is not None else None


def _parse(data: str) -> tuple[str, int | None]:
    parts = data.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        return "", None
    return parts[1], int(parts[2])


async def answer(ctx: Context) -> list[Reply]:
    """A tap on an offer's button: ``intro:yes:THEME`` or ``intro:no:THEME``."""
    person_id = ctx.caller.person_id
    word, theme_id = _parse(ctx.incoming.button_data or "")
    if person_id is None or theme_id is None:
        return [Reply("That offer is no longer open.")]
    await ctx.services.introductions.remember_chat(ctx.incoming)
    result = await ctx.services.introductions.answer(person_id, theme_id, word == "yes")
    if word != "yes":
        return [Reply("Okay, I won't share anything about you.")]
    replies: list[Reply] = []
    for partner in result.matched:
        replies += await _introduce(ctx, person_id, partner, theme_id)
    if result.pending or not replies:
        replies.append(Reply("Thank you. If they say yes too, I'll introduce you."))
    return replies


async def _introduce(ctx: Context, me: int, partner: int, theme_id: int) -> list[Reply]:
    """Both said yes: each side gets the other's handle, naming the platform if it differs."""
    intros = ctx.services.introductions
    theirs = await intros.contact(partner)
    if theirs is None:
        return []
    mine = await intros.contact(me, theirs.platform)
    theme = await ctx.services.themes.get(theme_id)
    label = (theme.name or theme.label) if theme else "the same barrier"
    invite = _invite(await intros.shared_circle_chats(me, partner))
    replies = [Reply(_meet(theirs, ctx.incoming.platform, label) + invite)]
    if mine is not None and theirs.chat_id is not None:
        replies.append(_to(theirs, _meet(mine, theirs.platform, label) + invite))
    return replies


def _meet(other: Contact, viewer_platform: str, label: str) -> str:
    where = "" if other.platform == viewer_platform else f" on {other.platform_name}"
    return (
        f"You've both said yes: meet {other.handle}{where}. You both face “{label}”. "
        "Say hello when you're ready."
    )


def _invite(shared: list[tuple[str, list[str]]]) -> str:
    """A meeting place besides the handle: a circle both are in, with a chat to talk in."""
    if not shared:
        return ""
    name, platforms = shared[0]
    where = " and ".join(PLATFORM_NAMES.get(p, p) for p in platforms)
    return f" You're both in the circle {name}: its chat ({where}) is a good place to meet."


async def offers(ctx: Context) -> list[Reply]:
    """/offers off|on: whether to be offered introductions at all."""
    assert ctx.caller.person_id is not None
    choice = ctx.args.strip().casefold()
    if choice not in {"on", "off"}:
        return [Reply("Use /offers off to stop introduction offers, or /offers on to allow them.")]
    await ctx.services.introductions.set_offers(ctx.caller.person_id, choice == "on")
    if choice == "on":
        return [
            Reply("Introduction offers are on. You'll still be asked before anything is shared.")
        ]
    return [Reply("Introduction offers are off. Nobody will be offered an introduction to you.")]
