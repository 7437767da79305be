"""/start: the consent notice first, then place and work area."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.context import Context
from bot.handlers.chats import invite
from bot.handlers.conversation import clear_state, set_state
from bot.handlers.discovery import onboarding_note
from bot.messages import Button, Reply
from bot.places_lookup import PlaceAnswer, resolve_place, suggestion_for

NOTICE = (
    "Welcome to Groundswell. I help people on the front line of public services find others "
    "facing the same barriers, so you can push for change together.\n\n"
    "What I keep: the barriers you report, the place and work area you give me, the circles "
    "you join and your chat handle.\n"
    "Who sees what: organisers and circle coordinators see themes and counts, never your name. "
    "Quotes are shown only with names, phone numbers, emails and addresses removed, and only "
    "when at least {k} people share a theme. Nobody gets your handle unless you both say yes "
    "to an introduction.\n"
    "You can see everything I hold with /mydata and delete it all with /forget.\n\n"
    "Do you agree to this?"
)
WORK_AREAS = ("Health", "Social care", "Local government", "Other")


async def start(ctx: Context) -> list[Reply]:
    if not ctx.incoming.is_private:
        text = "Hello! Please message me privately to get started; reports stay private."
        return [Reply(text, private_link=invite(ctx))]
    await ctx.services.people.ensure_person(ctx.incoming)
    await set_state(ctx, "consent", _deep_link(ctx.args))
    notice = NOTICE.format(k=ctx.services.settings.min_people)
    buttons = (Button("Yes, I agree", "consent:yes"), Button("No thanks", "consent:no"))
    return [Reply(notice, buttons=buttons)]


def _deep_link(args: str) -> dict[str, object]:
    match = re.fullmatch(r"circle_(\d+)", args.strip())
    return {"join_circle": int(match.group(1))} if match else {}


async def consent_answer(ctx: Context) -> list[Reply]:
    person_id = ctx.caller.person_id
    if person_id is None or ctx.state != "consent":
        return [Reply("Please send /start to begin.")]
    if ctx.incoming.button_data == "consent:no":
        await ctx.services.people.forget(person_id)
        return [
            Reply("No problem: I've kept nothing. Send /start any time if you change your mind.")
        ]
    await ctx.services.people.consent(person_id)
    await set_state(ctx, "place", ctx.state_data)
    return [Reply("Thank you. Which town, city or council area do you work in? (e.g. Leeds)")]


async def place_answer(ctx: Context) -> list[Reply]:
    """A place the gazetteer does not know, but is near a known one ("Newcastel"), is asked
    about rather than kept: a typo would otherwise count as a place of its own."""
    try:
        place = resolve_place(ctx.incoming.text)
    except ValueError as problem:
        return [Reply(str(problem))]
    near = None if place.known else suggestion_for(ctx.incoming.text)
    if near is None:
        return await _keep_place(ctx, place)
    typed = {"name": place.name, "key": place.key}
    suggested = {"name": near.name, "key": near.key, "region": near.region}
    await set_state(ctx, "place_check", {**ctx.state_data, "typed": typed, "near": suggested})
    buttons = (
        Button(f"Yes, {near.name}", "placefix:yes"),
        Button(f"No, keep “{place.name}”", "placefix:no"),
    )
    return [Reply(f"I don't know “{place.name}”. Did you mean {near.name}?", buttons=buttons)]


async def place_check_answer(ctx: Context) -> list[Reply]:
    """The answer to "Did you mean …?": the suggestion, or the place as typed."""
    data = dict(ctx.state_data)
    typed, near = data.pop("typed", None), data.pop("near", None)
    if ctx.state != "place_check" or not isinstance(typed, dict) or not isinstance(near, dict):
        return [Reply("Please send /start to begin.")]
    chosen = near if ctx.incoming.button_data == "placefix:yes" else typed
    place = PlaceAnswer(str(chosen["name"]), str(chosen["key"]), chosen.get("region"))
    return await _keep_place(replace(ctx, state_data=data), place)


async def _keep_place(ctx: Context, place: PlaceAnswer) -> list[Reply]:
    person_id = ctx.caller.person_id
    if person_id is not None:
        await ctx.services.people.set_place(person_id, place.name, place.key, place.region)
    await set_state(ctx, "work_area", ctx.state_data)
    buttons = tuple(Button(area, f"area:{area}") for area in WORK_AREAS)
    return [Reply(f"Got it: {place.name}. Which area do you work in?", buttons=buttons)]


async def work_area_answer(ctx: Context) -> list[Reply]:
    person_id = ctx.caller.person_id
    if person_id is None or ctx.state != "work_area":
        return [Reply("Please send /start to begin.")]
    area = (ctx.incoming.button_data or "area:Other").split(":", 1)[1]
    if area not in WORK_AREAS:
        area = "Other"  # button data can be forged; only the offered answers are kept
    await ctx.services.people.finish_onboarding(person_id, area)
    join_note = await _join_from_link(ctx, person_id)
    await clear_state(ctx)
    circles_note, buttons = await onboarding_note(ctx, person_id)
    return [
        Reply(
            "You're set up. Tell me what's stopping you, just type it, or use /report TEXT. "
            "/help lists everything I can do." + join_note + circles_note,
            buttons=buttons,
        )
    ]


async def _join_from_link(ctx: Context, person_id: int) -> str:
    circle_id = ctx.state_data.get("join_circle")
    if not isinstance(circle_id, int):
        return ""
    circle = await ctx.services.circles.by_id(circle_id)
    if circle is None or not circle.approved:
        return ""
    await ctx.services.circles.join(circle.id, person_id)
    return f"\n\nYou've joined the circle {circle.name}."
