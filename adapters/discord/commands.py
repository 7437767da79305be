"""One slash command per core command, built from the core's own registry.

The core owns the command list (name, summary, usage); building the Discord tree from it
means a command added to the core appears on Discord without a second list to keep in
step. Options come from a few explicit shapes (digest's scope, theme numbers, circle
names); any other usage falls back to one free-text option. Whatever Discord hands us is
turned back into the text the core's parser already understands ("/join Leeds North").
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import discord
from discord import app_commands

DESCRIPTION_LIMIT = 100
CHOICE_LIMIT = 25
SINCE_CHOICES = ("7d", "30d", "90d")

Run = Callable[[discord.Interaction[Any], str, list[str]], Awaitable[None]]


class CoreCommand(Protocol):
    """What the adapter needs of ``bot.router.Command``."""

    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def usage(self) -> str: ...


class Lookup(Protocol):
    """Names for autocomplete; only what the core already shows to members."""

    async def circle_names(self) -> list[str]: ...
    async def theme_choices(self) -> list[tuple[int, str]]: ...


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    kind: type = str
    required: bool = False
    keyword: bool = False  # becomes "name value" in the command text, not just "value"
    complete: str | None = None  # "circle", "theme" or "since"

    def words(self, value: Any) -> list[str]:
        if value is None or value is False:
            return []
        if value is True:
            return [self.name]
        return [self.name, str(value)] if self.keyword else [str(value)]


CIRCLE = Option("circle", "the circle's name", required=True, complete="circle")
THEME = Option("theme", "the theme's number (see /themes)", int, True, complete="theme")
SHAPES: dict[str, tuple[Option, ...]] = {
    "report": (Option("text", "the barrier, in your own words", required=True),),
    "withdraw": (Option("number", "the report's number (see /mine)", int, True),),
    "metoo": (THEME,),
    "join": (CIRCLE,),
    "leave": (CIRCLE,),
    "link": (CIRCLE,),
    "digest": (
        Option("circle", "only this circle", keyword=True, complete="circle"),
        Option("place", "only this place", keyword=True),
        Option("since", "7d, 30d, 90d or a date (YYYY-MM-DD)", keyword=True, complete="since"),
        Option("export", "send the digest as files", bool),
    ),
}
USAGE_WORDS: dict[str, Option] = {
    "TEXT": Option("text", "what to say", required=True),
    "N": Option("number", "the number", int, True),
    "NAME": CIRCLE,
}


def options_for(command: CoreCommand) -> tuple[Option, ...]:
    """Explicit shapes first, then the usage words; anything else gets one text option."""
    if command.name in SHAPES:
        return SHAPES[command.name]
    words = command.usage.split()
    if all(word in USAGE_WORDS for word in words):
        return tuple(USAGE_WORDS[word] for word in words)
    return (Option("arguments", command.usage[:DESCRIPTION_LIMIT] or "details"),)


def build_command(command: CoreCommand, run: Run,
                  lookup: Lookup | None) -> app_commands.Command[Any, ..., None]:
    options = options_for(command)

    async def callback(interaction: discord.Interaction[Any], /, **values: Any) -> None:
        words = [w for option in options for w in option.words(values.get(option.name))]
        await run(interaction, command.name, words)

    callback.__signature__ = _signature(options)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        o.name: o.description[:DESCRIPTION_LIMIT] for o in options}
    description = (command.summary or command.name)[:DESCRIPTION_LIMIT]
    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=command.name, callback=callback, description=description)
    for option in options:
        if option.complete is not None:
            slash.autocomplete(option.name)(_completer(option.complete, lookup))  # type: ignore[arg-type]
    return slash


def _signature(options: tuple[Option, ...]) -> inspect.Signature:
    first = inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              annotation=discord.Interaction)
    rest = [inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, annotation=o.kind,
                              default=inspect.Parameter.empty if o.required else None)
            for o in options]
    return inspect.Signature([first, *rest])


ChoiceList = list[app_commands.Choice[Any]]


def _completer(kind: str, lookup: Lookup | None
               ) -> Callable[[discord.Interaction[Any], str], Awaitable[ChoiceList]]:
    async def complete(interaction: discord.Interaction[Any], current: str) -> ChoiceList:
        return await choices(kind, current, lookup)

    return complete


async def choices(kind: str, current: str, lookup: Lookup | None) -> ChoiceList:
    """Case-insensitive substring matches, at most Discord's 25."""
    needle = current.strip().lower()
    found: ChoiceList = []
    if kind == "since":
        found = [app_commands.Choice(name=s, value=s) for s in SINCE_CHOICES if needle in s]
    elif kind == "circle" and lookup is not None:
        found = [app_commands.Choice(name=n[:DESCRIPTION_LIMIT], value=n[:DESCRIPTION_LIMIT])
                 for n in await lookup.circle_names() if needle in n.lower()]
    elif kind == "theme" and lookup is not None:
        found = [app_commands.Choice(name=f"{number}: {label}"[:DESCRIPTION_LIMIT], value=number)
                 for number, label in await lookup.theme_choices()
                 if needle in f"{number} {label}".lower()]
    return found[:CHOICE_LIMIT]


def install(tree: app_commands.CommandTree[Any], commands: Sequence[CoreCommand], run: Run,
            lookup: Lookup | None) -> None:
    for command in commands:
        tree.add_command(build_command(command, run, lookup))
