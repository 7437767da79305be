"""/digest: the shared-demand digest, for organisers (everything) and coordinators (their
circle). Anyone else gets the same polite refusal, which reveals nothing: not whether a
circle exists, nor whether there is anything to see."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.context import Caller, Context
from bot.digests.export import export_files
from bot.digests.model import Digest
from bot.digests.render import count, header, render_text
from bot.digests.scope import DigestRequest, ScopeError, parse_request, period_start
from bot.messages import Reply
from bot.places_lookup import resolve_place
from bot.roles import REFUSAL
from bot.services import Services
from storage.digests import Scope

Resolved = tuple[Scope, str]


class Refused(Exception):
    """Answered with ``REFUSAL`` (or, for organisers only, a helpful message)."""


async def _named_circle(services: Services, caller: Caller, name: str) -> Resolved:
    circle = await services.circles.find(name)
    if circle is None or not caller.may_coordinate(circle.id):
        if caller.is_organiser:
            raise Refused(f"There's no circle called “{name}”. /circles lists them.")
        raise Refused(REFUSAL)
    return Scope(circle_id=circle.id), f"circle {circle.name}"


async def _default_scope(services: Services, caller: Caller) -> Resolved:
    """A linked chat means its circle; elsewhere organisers see everything and a coordinator
    of exactly one circle sees that one."""
    if caller.chat_circle_id is not None:
        if not caller.may_coordinate(caller.chat_circle_id):
            raise Refused(REFUSAL)
        circle = await services.circles.by_id(caller.chat_circle_id)
        return Scope(circle_id=caller.chat_circle_id), f"circle {circle.name if circle else ''}"
    if caller.is_organiser:
        return Scope(), "everywhere"
    if len(caller.coordinates) == 1:
        (only,) = caller.coordinates
        circle = await services.circles.by_id(only)
        return Scope(circle_id=only), f"circle {circle.name if circle else ''}"
    if caller.coordinates:
        raise Refused("You coordinate several circles: say which, e.g. /digest circle NAME.")
    raise Refused(REFUSAL)


async def resolve_scope(services: Services, caller: Caller, request: DigestRequest) -> Resolved:
    if request.circle is not None:
        scope, label = await _named_circle(services, caller, request.circle)
    else:
        scope, label = await _default_scope(services, caller)
    if request.place is None:
        return scope, label
    try:
        place = resolve_place(request.place)
    except ValueError as problem:
        raise Refused(str(problem)) from None
    where = f"{label}, {place.name}" if scope.circle_id is not None else place.name
    return Scope(circle_id=scope.circle_id, place_key=place.key), where


async def build_for(ctx: Context, request: DigestRequest, now: datetime) -> Digest:
    """Refusal comes first: a stranger to the circle learns nothing from a bad ``since``."""
    services = ctx.services
    scope, label = await resolve_scope(services, ctx.caller, request)
    try:
        start = period_start(request.since, now, services.settings.zone)
    except ScopeError as problem:
        raise Refused(str(problem)) from None
    return await services.digests.build(scope, label, start, now)


async def digest(ctx: Context) -> list[Reply]:
    if not (ctx.caller.is_organiser or ctx.caller.coordinates):
        return [Reply(REFUSAL)]
    try:
        request = parse_request(ctx.args)
        built = await build_for(ctx, request, datetime.now(UTC))
    except ScopeError as problem:
        return [Reply(str(problem))]
    except Refused as refusal:
        return [Reply(str(refusal))]
    if not request.export:
        return [Reply(render_text(built))]
    files = await asyncio.to_thread(export_files, built)
    summary = (
        f"{count(len(built.themes), 'theme')}; the files follow (Markdown, CSV, JSON, HTML, chart)."
    )
    return [Reply(f"{header(built)}. {summary}", files=files)]
