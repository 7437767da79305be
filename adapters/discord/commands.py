"""One slash command per core command, built from the core's own registry.

The core owns the command list (name, summary, usage); building the Discord tree from it
means a command added to the core appears on Discord without a second list to keep in
step. Options come from ``shapes``; whatever Discord hands us is turned back into the
text the core's parser already understands ("/join Leeds North").

Every command exists in DMs too: the core's menus say where a command is suggested, not
where it works, and the core answers each one anywhere (or says where to use it). With
``discord_guilds`` set (guild commands update at once) each listed guild gets the whole
list and the same list is registered globally for DMs alone, so no command shows twice in
a guild; without it, one global list serves guilds and DMs.

A command the core marks ``privileged`` gets Manage Server (what the core reads as
``manages_chat``) as its default member permission: hidden from ordinary members, and a
server's admins can grant it to a coordinators' role in its Integrations settings. A DM
has no server permissions, so a DM-only command carries none (an organiser uses /theme
there). The core still checks every caller.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from adapters.base import CommandInfo, CommandList, Lookup
from adapters.discord.render import PLATFORM
from adapters.discord.shapes import Option, shape_for

log = logging.getLogger(__name__)
DESCRIPTION_LIMIT = 100
CHOICE_LIMIT = 25
SINCE_CHOICES = ("7d", "30d", "90d")

OWN_REPORT_TEXT = 60  # of a suggestion's 100 characters, after "#12 03 Nov: "
GUILD_INSTALL = app_commands.AppInstallationType(guild=True, user=False)

Run = Callable[[discord.Interaction[Any], str, list[str]], Awaitable[None]]


def contexts(dms_only: bool) -> app_commands.AppCommandContext:
    """Where a global command may be used: DMs always (the core answers there even what it
    offers in group menus: ``/announce NAME TEXT``, ``/coordinators NAME``, or says to use a
    group), guilds unless ``dms_only``."""
    return app_commands.AppCommandContext(
        guild=not dms_only, dm_channel=True, private_channel=False
    )


def build_command(
    command: CommandInfo,
    run: Run,
    lookup: Lookup | None,
    report_chars: int,
    where: app_commands.AppCommandContext | None = None,
) -> app_commands.Command[Any, ..., None]:
    """``where``: a global command's contexts; a guild command has none (it is the guild's)."""
    shape = shape_for(command.name, command.usage, command.summary, report_chars)
    options = shape.options

    async def callback(interaction: discord.Interaction[Any], /, **values: Any) -> None:
        await run(interaction, command.name, shape.words(values))

    # discord.py reads options from the callback's signature; ours is built, not written
    callback.__signature__ = _signature(options)  # type: ignore[attr-defined]
    app_commands.describe(**{o.name: o.description[:DESCRIPTION_LIMIT] for o in options})(callback)
    if command.privileged and (where is None or where.guild):
        app_commands.default_permissions(manage_guild=True)(callback)  # none in a DM-only one
    description = (command.summary or command.name)[:DESCRIPTION_LIMIT]
    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=command.name,
        callback=callback,
        description=description,
        allowed_contexts=where,
        allowed_installs=GUILD_INSTALL if where is not None else None,
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
            annotation=o.kind if o.max_length is None else app_commands.Range[str, 1, o.max_length],
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
            if kind == "own_report":
                return await own_reports(str(interaction.user.id), current, lookup)
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


async def own_reports(user_id: str, current: str, lookup: Lookup | None) -> ChoiceList:
    """The caller's own reports, numbered as /mine numbers them. Autocomplete is shown only
    to the person typing, and these are their own words; still cut short, on one line."""
    if lookup is None:
        return []
    needle = current.strip().lower()
    found: ChoiceList = []
    for number, when, text in await lookup.own_reports(PLATFORM, user_id):
        words = " ".join(text.split())
        if len(words) > OWN_REPORT_TEXT:
            words = words[: OWN_REPORT_TEXT - 1] + "…"
        label = f"#{number} {when}: {words}"
        if needle in label.lower():
            found.append(app_commands.Choice(name=label[:DESCRIPTION_LIMIT], value=number))
    return found[:CHOICE_LIMIT]


Build = Callable[
    [CommandInfo, app_commands.AppCommandContext | None], app_commands.Command[Any, ..., None]
]


def install(
    tree: app_commands.CommandTree[Any],
    commands: CommandList,
    build: Build,
    guild: discord.abc.Snowflake | None = None,
    dms_only: bool = False,
) -> None:
    """Global commands (``guild`` None) carry their contexts; a command Discord cannot name
    (upper case, too long) is skipped, not fatal."""
    for command in commands:
        where = contexts(dms_only) if guild is None else None
        try:
            tree.add_command(build(command, where), guild=guild)
        except (ValueError, TypeError) as problem:
            log.warning("core command /%s is not offered on Discord: %s", command.name, problem)
