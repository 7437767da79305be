"""Who may run what, where: the authorisation policy written down independently of the
command registry, so a change of permission in bot/handlers shows up as a failing row.

Each command has arguments to try it with and a rule giving the expected outcome for an
actor in a chat: "ok" (allowed: any answer that is not a refusal), "refused" (exactly the
polite REFUSAL), "start" (a stranger asked to /start first) or "private" (asked to use a
private chat).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.roles import Role

ORG, HERE, OTHER, MEMBER, STRANGER = "organiser", "coord-here", "coord-other", "member", "stranger"
ACTORS = (ORG, HERE, OTHER, MEMBER, STRANGER)
PRIVATE, LINKED, UNLINKED = "private", "linked group", "unlinked group"
CHATS = (PRIVATE, LINKED, UNLINKED)
CIRCLE = "Leeds Carers"  # the circle the linked group belongs to; HERE coordinates it
OTHER_CIRCLE = "York Nurses"  # OTHER coordinates this one

Extra = Callable[[str, str], str | None]


def effective(actor: str, chat: str) -> Role:
    """The role the bot should see: coordinators are coordinators in their circle's chats
    and in private, members elsewhere."""
    if actor == ORG:
        return Role.ORGANISER
    if actor == STRANGER:
        return Role.STRANGER
    if (actor == HERE and chat in (PRIVATE, LINKED)) or (actor == OTHER and chat == PRIVATE):
        return Role.COORDINATOR
    return Role.MEMBER


@dataclass(frozen=True)
class Rule:
    args: str = ""
    min_role: Role = Role.MEMBER
    private_only: bool = False
    extra: Extra | None = None  # the handler's own check, after the role gate

    def expect(self, actor: str, chat: str) -> str:
        role = effective(actor, chat)
        if role < self.min_role:
            return "start" if role is Role.STRANGER and self.min_role is Role.MEMBER else "refused"
        if self.private_only and chat != PRIVATE:
            return "private"
        return (self.extra(actor, chat) if self.extra else None) or "ok"


def only(*actors: str) -> Extra:
    return lambda actor, _chat: None if actor in actors else "refused"


def _coordinators(actor: str, chat: str) -> str | None:
    """A circle's coordinators are visible to its coordinators, members (MEMBER joined it)
    and in its own chats."""
    return None if actor in (ORG, HERE, MEMBER) or chat == LINKED else "refused"


def _link(actor: str, chat: str) -> str | None:
    """In private the answer is only how to use it; in a group, only its coordinators."""
    return None if chat == PRIVATE or actor in (ORG, HERE) else "refused"


def _announce(actor: str, _chat: str) -> str | None:
    """Its coordinators, from private or its own chat (the role gate refuses them elsewhere);
    in an unlinked group an organiser is told how to link it or announce privately."""
    return None if actor in (ORG, HERE) else "refused"


def _digest(actor: str, chat: str) -> str | None:
    """The linked chat's circle, else a coordinator's own (single) circle, else everything
    for organisers; never another circle's."""
    if actor in (ORG, HERE) or (actor == OTHER and chat != LINKED):
        return None
    return "refused"


def _schedule(actor: str, chat: str) -> str | None:
    """Organisers anywhere; a coordinator only in their own circle's linked chat."""
    return None if actor == ORG or (actor == HERE and chat == LINKED) else "refused"


def _mydata(actor: str, chat: str) -> str | None:
    return "private" if chat != PRIVATE and actor != STRANGER else None


POLICY: dict[str, Rule] = {
    "start": Rule(min_role=Role.STRANGER),
    "help": Rule(min_role=Role.STRANGER),
    "mydata": Rule(min_role=Role.STRANGER, extra=_mydata),
    "forget": Rule(min_role=Role.STRANGER),
    "report": Rule("The rota rules stop us covering shifts at short notice."),
    "mine": Rule(private_only=True),
    "withdraw": Rule("1", private_only=True),
    "themes": Rule(),
    "metoo": Rule("1"),
    "circles": Rule(),
    "join": Rule(CIRCLE),
    "leave": Rule(CIRCLE),
    "offers": Rule("off"),
    "link": Rule(CIRCLE, extra=_link),
    "circle": Rule("pending", extra=only(ORG)),
    "announce": Rule(f"{CIRCLE} Meeting on Friday", Role.COORDINATOR, extra=_announce),
    "coordinators": Rule(CIRCLE, extra=_coordinators),
    "appoint": Rule(f"{CIRCLE} @pat", Role.COORDINATOR, extra=only(ORG)),
    "unappoint": Rule(f"{CIRCLE} @pat", Role.COORDINATOR, extra=only(ORG)),
    "digest": Rule(extra=_digest),
    "schedule": Rule(extra=_schedule),
    "theme": Rule("1 name Rota gaps", Role.COORDINATOR, extra=only(ORG)),
    "updates": Rule("off"),
    "hide": Rule("1", Role.ORGANISER),
    "place": Rule("merge Newcastel into Newcastle", Role.ORGANISER),
    "safety": Rule("30", Role.ORGANISER),
}
