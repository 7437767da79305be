"""Offers to introduce people who share a barrier nearby, and the answers to them.

Offers name nobody. A handle is passed on only when both people have said yes; a "no"
is silent to the other side; ``/offers off`` stops all offers to that person.
"""

from __future__ import annotations

from bot.context import Context
from bot.handlers.args import parse_number
from bot.handlers.discovery import suggestions
from bot.messages import Button, Mention, Reply
from bot.services.introductions import Contact, Offer, PlatformPlaces
from bot.services.reports import ReportOutcome
from bot.services.visible import ThemeView

ASK = "Would you like to be introduced? I'll only share your handle if you both say yes."


def _buttons(offer_id: int) -> tuple[Button, ...]:
    """Each offer's own buttons: a "yes" answers that one offer, never every offer of a
    theme at once."""
    return (
        Button("Yes, introduce me", f"intro:yes:{offer_id}"),
        Button("No thanks", f"intro:no:{offer_id}"),
    )


async def after_report(ctx: Context, outcome: ReportOutcome, view: ThemeView | None) -> list[Reply]:
    """Follow-ups to a saved report, sent privately: introduction offers (only for a theme
    that may be shown, and without counting anyone), then circles."""
    person_id = ctx.caller.person_id
    if person_id is None:
        return []
    me = await _private_destination(ctx, person_id)
    if me is None:
        return []
    replies: list[Reply] = []
    if view is not None:
        offers = (
            list(outcome.offered)
            if outcome.offered is not None  # the report's batch made them (shown themes only)
            else await ctx.services.introductions.offer(
                person_id, outcome.theme_id, ctx.caller.place_key
            )
        )
        known = {o.other: o.contact for o in offers if o.contact is not None}
        missing = [o.other for o in offers if o.contact is None]
        others = known | await ctx.services.introductions.contacts(missing)
        for offer in offers:
            text = f"Someone near you also faces “{view.title}” (offer #{offer.offer_id}). {ASK}"
            replies.append(_to(me, text, _buttons(offer.offer_id)))
            replies += _offer_to_other(others.get(offer.other), offer, view)
    text, buttons = await suggestions(ctx, person_id, outcome.theme_id, outcome.circles)
    if text:
        replies.append(_to(me, text, buttons))
    return replies


def _offer_to_other(contact: Contact | None, offer: Offer, view: ThemeView) -> list[Reply]:
    if contact is None or contact.chat_id is None:
        return []
    text = (
        f"Someone near you shares a barrier you reported (“{view.title}”, "
        f"offer #{offer.offer_id}). {ASK}"
    )
    return [_to(contact, text, _buttons(offer.offer_id))]


async def now_shown(ctx: Context, outcome: ReportOutcome, view: ThemeView | None) -> list[Reply]:
    """Keeps the promise made while a theme was hidden ("I'll tell you when it is"): the
    report that brings a theme to ``min_people`` reporters tells the earlier reporters."""
    person_id = ctx.caller.person_id
    k = ctx.services.settings.min_people
    if view is None or view.reporters != k or person_id is None:
        return []
    mine = [t for _, t in await ctx.services.reports.mine(person_id) if t == outcome.theme_id]
    if len(mine) != 1:
        return []  # the caller was already one of the k: the theme did not just appear
    text = (
        f"A barrier you reported is now shared by {k} people, enough to show: theme "
        f"#{view.theme_id} “{view.title}”. /themes lists it."
    )
    replies = []
    for other in await ctx.services.visible.reporters(outcome.theme_id):
        contact = await ctx.services.introductions.contact(other)
        if other != person_id and contact is not None and contact.chat_id is not None:
            replies.append(_to(contact, text))
    return replies


def _to(
    contact: Contact,
    text: str,
    buttons: tuple[Button, ...] = (),
    mentions: tuple[Mention, ...] = (),
) -> Reply:
    """A reply addressed to the person's private chat, whichever chat we are answering."""
    return Reply(
        text, buttons=buttons, mentions=mentions, platform=contact.platform, chat_id=contact.chat_id
    )


async def _private_destination(ctx: Context, person_id: int) -> Contact | None:
    """Where follow-ups go: this chat when private, else the person's private chat on this
    platform (None when unknown: offers never go to a group)."""
    if ctx.incoming.is_private:
        incoming = ctx.incoming
        return Contact(person_id, incoming.platform, incoming.user_id, incoming.chat_id, "")
    contact = await ctx.services.introductions.contact(person_id, ctx.incoming.platform)
    return contact if contact is not None and contact.chat_id is not None else None


def _parse(data: str) -> tuple[str, int | None]:
    parts = data.split(":")
    if len(parts) != 3 or parts[1] not in ("yes", "no"):
        return "", None
    return parts[1], parse_number(parts[2])


async def answer(ctx: Context) -> list[Reply]:
    """A tap on an offer's button: ``intro:yes:OFFER`` or ``intro:no:OFFER``."""
    person_id = ctx.caller.person_id
    word, offer_id = _parse(ctx.incoming.button_data or "")
    if person_id is None or offer_id is None:
        return [Reply("That offer is no longer open.")]
    result = await ctx.services.introductions.answer(person_id, offer_id, word == "yes")
    if result is None:
        return [Reply("That offer is no longer open.")]
    if word != "yes":
        return [Reply("Okay, I won't share anything about you.")]
    if result.matched is None:
        return [Reply("Thank you. If they say yes too, I'll introduce you.")]
    return await _introduce(ctx, person_id, result.matched, result.theme_id)


async def _introduce(ctx: Context, me: int, partner: int, theme_id: int | None) -> list[Reply]:
    """Both said yes: each side gets the other's handle, as a mention their platform can
    follow, naming the platform if it differs."""
    intros = ctx.services.introductions
    theirs = await intros.contact(partner)
    if theirs is None:
        return []
    mine = await intros.contact(me, theirs.platform)
    view = await ctx.services.visible.one(theme_id) if theme_id is not None else None
    label = view.title if view is not None else "the same barrier"
    invite = _invite(await intros.shared_circle_chats(me, partner), intros.where)
    replies = [_meet(theirs, ctx.incoming.platform, label, invite, intros.where)]
    if mine is not None and theirs.chat_id is not None:
        met = _meet(mine, theirs.platform, label, invite, intros.where)
        replies.append(_to(theirs, met.text, mentions=met.mentions))
    return replies


MEET = "You've both said yes: meet "


def _meet(
    other: Contact, viewer_platform: str, label: str, invite: str, places: PlatformPlaces
) -> Reply:
    where = "" if other.platform == viewer_platform else f" {places(other.platform)}"
    text = (
        f"{MEET}{other.handle}{where}. You both face “{label}”. Say hello when you're ready."
        + invite
    )
    mention = Mention(other.platform, other.user_id, other.handle, len(MEET))
    return Reply(text, mentions=(mention,))


def _invite(shared: list[tuple[str, list[str]]], places: PlatformPlaces) -> str:
    """A meeting place besides the handle: a circle both are in, with a chat to talk in."""
    if not shared:
        return ""
    name, platforms = shared[0]
    where = " and ".join(places(p) for p in platforms)
    return f" You're both in the circle {name}: its chat {where} is a good place to meet."


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
