"""What a handler receives: the message, who sent it, and the services to act with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.messages import Incoming
from bot.roles import Role
from storage.state import StateKey

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Caller:
    """The sender as the core knows them; ``person_id`` is None before /start."""

    person_id: int | None
    role: Role
    place_key: str | None = None
    place: str | None = None
    chat_circle_id: int | None = None  # the circle this chat is linked to, if any
    coordinates: frozenset[int] = frozenset()  # circles the caller coordinates
    # The platform shows another handle or private chat than the one kept: the app
    # refreshes it before the message is handled (an introduction hands over the new one).
    identity_changed: bool = False

    @property
    def is_organiser(self) -> bool:
        return self.role is Role.ORGANISER

    @property
    def onboarded(self) -> bool:
        return self.role >= Role.MEMBER

    def may_coordinate(self, circle_id: int) -> bool:
        return self.is_organiser or circle_id in self.coordinates


@dataclass(frozen=True)
class Context:
    incoming: Incoming
    caller: Caller
    services: Services
    args: str = ""
    state: str | None = None
    state_data: dict[str, Any] = field(default_factory=dict)

    @property
    def state_key(self) -> StateKey:
        i = self.incoming
        return StateKey(i.platform, i.chat_id, i.user_id)
