"""Routing: each route says whether it matches (``check``) separately from handling it, so
the order of routes is the only policy and every handler stays a plain async function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.context import Context
from bot.messages import ChatKind, EventKind, Reply
from bot.roles import REFUSAL, Role

Handler = Callable[[Context], Awaitable[list[Reply]]]


def parse_command(text: str) -> tuple[str, str] | None:
    """'/Report@GroundswellBot some text' -> ('report', 'some text')."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None
    head, _, rest = stripped[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, rest.strip()) if name.isidentifier() else None


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    summary: str
    min_role: Role = Role.MEMBER
    private_only: bool = False
    usage: str = ""
    personal: bool = False  # acts on the caller's own rows: needs someone who sent /start
    # What a platform must know to present the command; the core says it so that no
    # adapter keeps its own list. ``about_caller``: its answer is about the caller alone,
    # so where a platform can, a command used in a group is answered in their private chat.
    about_caller: bool = False
    # ``quiet``: answered where it was asked (a report keeps its group's context) but seen
    # only by the sender, on platforms that can show a reply to one person.
    quiet: bool = False
    menus: tuple[ChatKind, ...] = ()  # the kinds of chat whose command menu offers it
    # ``privileged``: only coordinators or organisers may use it (checked per caller, here or
    # in its handler), so platforms that can hide a command from ordinary members do:
    # Telegram's administrators' menu, Discord's default member permissions.
    privileged: bool = False

    @property
    def needs_person(self) -> bool:
        """Run for someone in particular: a role to check, their rows, or their own chat."""
        return self.min_role > Role.STRANGER or self.personal or self.about_caller

    def check(self, ctx: Context) -> bool:
        parsed = parse_command(ctx.incoming.text) if ctx.incoming.kind is EventKind.TEXT else None
        return parsed is not None and parsed[0] == self.name

    def allowed(self, ctx: Context) -> bool:
        return ctx.caller.role >= self.min_role


@dataclass(frozen=True)
class ButtonRoute:
    """Buttons can be forged (any client can send any callback data), so they are gated by
    role like commands; from MEMBER up they act on the tapper's own rows."""

    prefix: str
    handler: Handler
    min_role: Role = Role.MEMBER

    def check(self, ctx: Context) -> bool:
        data = ctx.incoming.button_data or ""
        return ctx.incoming.kind is EventKind.BUTTON and data.split(":", 1)[0] == self.prefix


@dataclass(frozen=True)
class StateRoute:
    state: str
    handler: Handler

    def check(self, ctx: Context) -> bool:
        return ctx.incoming.kind is EventKind.TEXT and ctx.state == self.state


@dataclass
class Router:
    commands: list[Command]
    buttons: list[ButtonRoute]
    states: list[StateRoute]
    fallback: Handler

    def command(self, name: str) -> Command | None:
        return next((c for c in self.commands if c.name == name), None)

    async def dispatch(self, ctx: Context) -> list[Reply]:
        for command in self.commands:
            if command.check(ctx):
                return await self._run_command(command, ctx)
        for button in self.buttons:
            if button.check(ctx):
                refused = gate(ctx, button.min_role, button.min_role >= Role.MEMBER)
                return refused if refused is not None else await button.handler(ctx)
        for state in self.states:
            if state.check(ctx):
                return await state.handler(ctx)
        return await self.fallback(ctx)

    async def _run_command(self, command: Command, ctx: Context) -> list[Reply]:
        if ctx.incoming.anonymous and command.needs_person:
            return [Reply(ANONYMOUS.format(name=command.name))]
        refused = gate(ctx, command.min_role, command.personal)
        if refused is not None:
            return refused
        if command.private_only and not ctx.incoming.is_private:
            return [Reply(f"Please use /{command.name} in a private chat with me.")]
        return await command.handler(ctx)


ANONYMOUS = (
    "You're posting anonymously, as the group, so I can't tell who you are and can't run "
    "/{name} for you. To use it, turn off “Remain anonymous” in your administrator "
    "settings for this group, or message me privately."
)
START_FIRST = "Please send /start first so I can explain what I keep and why."


def gate(ctx: Context, min_role: Role, personal: bool) -> list[Reply] | None:
    """The refusal for this caller, or None when they may go on."""
    if ctx.caller.role < min_role:
        if ctx.caller.role is Role.STRANGER and min_role is Role.MEMBER:
            return [Reply(START_FIRST)]
        return [Reply(REFUSAL)]
    if personal and ctx.caller.person_id is None:
        return [Reply(START_FIRST)]  # an organiser from settings who never sent /start
    return None


def visible_commands(commands: Sequence[Command], role: Role) -> list[Command]:
    return [c for c in commands if role >= c.min_role]
