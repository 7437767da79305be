"""Who may do what. Roles are ordered: each includes what the ones below may do."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Role(IntEnum):
    STRANGER = 0  # has not agreed to the consent notice
    MEMBER = 1
    COORDINATOR = 2  # of the circle in question (a linked chat, or the one named)
    ORGANISER = 3  # named in settings


class CircleRole(StrEnum):
    """A person's standing in one circle, as stored on their membership row."""

    MEMBER = "member"
    COORDINATOR = "coordinator"


REFUSAL = "Sorry, that command isn't available to you here."
