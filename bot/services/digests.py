"""A digest as someone may ask for it: the scope resolved against what the caller may see,
then the period, then the build. ``/digest``, the schedules and the CLI (as an organiser)
all go through here, so who may see which circle's digest is decided in one place."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.context import Caller
from bot.digests.build import DigestBuilder
from bot.digests.model import Digest
from bot.digests.scope import EVERYWHERE, DigestRequest, Resolved, Scope, ScopeError, period
from bot.places_lookup import resolve_place
from bot.roles import REFUSAL
from bot.services.circles import CircleService


class Refused(Exception):
    """Answered with ``REFUSAL`` (or, for organisers only, a helpful message), which
    reveals nothing: not whether a circle exists, nor whether there is anything to see."""


class DigestRequests:
    def __init__(self, circles: CircleService, builder: DigestBuilder, zone: ZoneInfo) -> None:
        self.circles = circles
        self.builder = builder
        self.zone = zone

    async def build(self, caller: Caller, request: DigestRequest, now: datetime) -> Digest:
        """Refusal comes first: a stranger to the circle learns nothing from a bad ``since``."""
        scope, label = await self.resolve(caller, request)
        try:
            start, end = period(request.since, now, self.zone)
        except ScopeError as problem:
            raise Refused(str(problem)) from None
        return await self.builder.build(scope, label, start, end)

    async def resolve(self, caller: Caller, request: DigestRequest) -> Resolved:
        if request.circle is not None:
            scope, label = await self._named_circle(caller, request.circle)
        else:
            scope, label = await self._default_scope(caller)
        if request.place is None:
            return scope, label
        try:
            place = resolve_place(request.place)
        except ValueError as problem:
            raise Refused(str(problem)) from None
        where = f"{label}, {place.name}" if scope.circle_id is not None else place.name
        return Scope(circle_id=scope.circle_id, place_key=place.key), where

    async def of_circle(self, circle_id: int) -> Resolved:
        """A circle's scope and header name (a circle deleted meanwhile keeps its scope)."""
        circle = await self.circles.by_id(circle_id)
        return Scope(circle_id=circle_id), f"circle {circle.name if circle else ''}"

    async def _named_circle(self, caller: Caller, name: str) -> Resolved:
        circle = await self.circles.find(name)
        if circle is None or not caller.may_coordinate(circle.id):
            if caller.is_organiser:
                raise Refused(f"There's no circle called “{name}”. /circles lists them.")
            raise Refused(REFUSAL)
        return Scope(circle_id=circle.id), f"circle {circle.name}"

    async def _default_scope(self, caller: Caller) -> Resolved:
        """A linked chat means its circle; elsewhere organisers see everything and a
        coordinator of exactly one circle sees that one."""
        if caller.chat_circle_id is not None:
            if not caller.may_coordinate(caller.chat_circle_id):
                raise Refused(REFUSAL)
            return await self.of_circle(caller.chat_circle_id)
        if caller.is_organiser:
            return EVERYWHERE
        if len(caller.coordinates) == 1:
            (only,) = caller.coordinates
            return await self.of_circle(only)
        if caller.coordinates:
            raise Refused("You coordinate several circles: say which, e.g. /digest circle NAME.")
        raise Refused(REFUSAL)
