"""One slash command per core command, built from the core's own registry.

The core owns the command list (name, summary, usage); building the Discord tree from it
means a command added to the core appears on Discord without a second list to keep in
step. Options come from ``shapes``; whatever Discord hands us is turned back into the
text the core's parser already understands ("/join Leeds North").
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from adapters.base import CommandInfo, CommandList, Lookup
from adapters.discord.shapes import Option, shape_for

log = logging.getLogger(__name__)
DESCRIPTION_LIMIT = 100
CHOICE_LIMIT = 25
SINCE_CHOICES = ("7d", "30d", "90d")

Run = Callable[[discord.Interaction[Any], str, list[str]], Awaitable[None]]


def build_command(
    command: CommandInfo, run: Run, lookup: Lookup | None
) -> app_commands.Command[Any, ..., None]:
    shape = shape_for(command.name, command.usage, command.summary)
    options = shape.options

    async def callback(interaction: discord.Interaction[Any], /, **values: Any) -> None:
        await run(interaction, command.name, shape.words(values))

    # discord.py reads options from the callback's signature; ours is built, not written
    callback.__signature__ = _signature(options)  # type: ignore[attr-defined]
    app_commands.describe(**{o.name: o.description[:DESCRIPTION_LIMIT] for o in options})(callback)
    description = (command.summary or command.name)[:DESCRIPTION_LIMIT]
    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=command.name, callback=callback, description=description
    )
    for option in options:
        if option.complete is not None:
            slash.autocomplete(option.name)(_completer(option.complete, lookup))  # type: ignore[arg-type]
    return slash


def _signature(options: tuple[Option, ...]) -> inspect.Signature:
    first = inspect.Parameter(
        "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
    )
    rest = [
        inspect.Parameter(
            o.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=o.kind,
            default=inspect.Parameter.empty if o.required else None,
        )
        for o in options
    ]
    return inspect.Signature([first, *rest])


ChoiceList = list[app_commands.Choice[Any]]


def _completer(
    kind: str, lookup: Lookup | None
) -> Callable[[discord.Interaction[Any], str], Awaitable[ChoiceList]]:
    async def complete(interaction: discord.Interaction[Any], current: str) -> ChoiceList:
        """Suggestions are a convenience: a failure offers none rather than an error."""
        try:
            return await choices(kind, current, lookup)
        except Exception:
            log.warning("autocomplete for %s failed", kind, exc_info=True)
            return []

    return complete


async def choices(kind: str, current: str, lookup: Lookup | None) -> ChoiceList:
    """Case-insensitive substring matches, at most Discord's 25."""
    needle = current.strip().lower()
    found: ChoiceList = []
    if kind == "since":
        found = [app_commands.Choice(name=s, value=s) for s in SINCE_CHOICES if needle in s]
    elif kind == "circle" and lookup is not None:
        found = [
            app_commands.Choice(name=n[:DESCRIPTION_LIMIT], value=n[:DESCRIPTION_LIMIT])
            for n in await lookup.circle_names()
            if needle in n.lower()
        ]
    elif kind == "theme" and lookup is not None:
        found = [
            app_commands.Choice(name=f"{number}: {label}"[:DESCRIPTION_LIMIT], value=number)
            for number, label in await lookup.theme_choices()
            if needle in f"{number} {label}".lower()
        ]
    return found[:CHOICE_LIMIT]


def install(
    tree: app_commands.CommandTree[Any],
    commands: CommandList,
    run: Run,
    lookup: Lookup | None,
) -> None:
    """A command Discord cannot name (upper case, too long) is skipped, not fatal."""
    for command in commands:
        try:
            tree.add_command(build_command(command, run, lookup))
        except (ValueError, TypeError) as problem:
            log.warning("core command /%s is not offered on Discord: %s", command.name, problem)
