"""Which reports a digest's scope holds, in SQL: the one rule every count of a circle's or
a place's digest uses (theme lines, places, quotes, sub-themes and work areas), so two
numbers in one digest never count different reports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from storage.models import Membership, Report


def while_member(circle_id: int, person: Any, when: Any) -> ColumnElement[bool]:
    """The person was a member of the circle when they did it: a circle's digest counts its
    members' reports and "me too"s made anywhere (mostly in private chats) after joining."""
    return (
        select(Membership.id)
        .where(
            Membership.circle_id == circle_id,
            Membership.person_id == person,
            Membership.joined_at <= when,
        )
        .exists()
    )


def report_scope(circle_id: int | None, place_key: str | None) -> list[ColumnElement[bool]]:
    """A circle's reports are those made in its linked chats and its members' reports from
    anywhere since they joined; a place's are those made there. Neither given: everyone's."""
    conditions: list[ColumnElement[bool]] = []
    if circle_id is not None:
        conditions.append(
            or_(
                Report.circle_id == circle_id,
                while_member(circle_id, Report.person_id, Report.created_at),
            )
        )
    if place_key is not None:
        conditions.append(Report.place_key == place_key)
    return conditions
