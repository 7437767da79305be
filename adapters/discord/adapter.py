"""Discord events in, the core's replies out, through discord.py.

Every interaction is acknowledged at once (Discord allows 3 seconds; a digest may take
longer), and the core's replies later arrive through ``send`` as follow-ups of the
interaction they answer (see ``pending``). In a guild channel, commands and buttons about
the person ("me too", their reports list, their data) are moved to their DM at once; a
report made there stays in the channel's context, so the core can credit the circle
linked to it, but is deferred ephemerally, so only its sender sees it or any reply.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from adapters.base import CommandInfo, CommandList, Lookup, Submit
from adapters.discord import commands as slash
from adapters.discord.pending import Pending, PendingReplies
from adapters.discord.render import PLATFORM, Part, render, to_files
from adapters.discord.views import CoreButton, build_view
from bot.messages import APOLOGY, ChatKind, EventKind, Incoming, Outgoing
from config.settings import Settings

log = logging.getLogger(__name__)

EMBEDDED = frozenset({"digest", "report"})  # their answers are shown as embeds
MOVED = "I've answered you in a private message, so nothing personal is shown here."
DMS_CLOSED = (
    "I couldn't message you privately (your direct messages are closed), "
    "so here is my answer, seen only by you."
)
STOPPING = "I'm restarting; please try again in a minute."


class Client(discord.Client):
    """discord.py's client with the command tree and persistent buttons attached."""

    def __init__(self, adapter: DiscordAdapter, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # channel names and guild state for linked channels
        intents.dm_messages = True  # free text in DMs; DMs need no message-content intent
        super().__init__(
            intents=intents, allowed_mentions=discord.AllowedMentions.none(), **options
        )
        self.adapter = adapter
        self.tree: app_commands.CommandTree[Client] = app_commands.CommandTree(self)
        self.tree.error(adapter.on_tree_error)
        self.on_press = adapter.on_press

    async def setup_hook(self) -> None:
        self.add_dynamic_items(CoreButton)
        await self.adapter.sync_commands(self.tree)

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.on_message(message)


class DiscordAdapter:
    platform = PLATFORM

    def __init__(
        self,
        settings: Settings,
        submit: Submit,
        *,
        commands: CommandList = (),
        lookup: Lookup | None = None,
        reconnect: bool = True,
        client_options: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.submit = submit
        self.commands = commands
        self._by_name: dict[str, CommandInfo] = {c.name: c for c in commands}
        self.lookup = lookup
        self.reconnect = reconnect
        self.client = Client(self, **(client_options or {}))
        self.pending = PendingReplies()
        self.receiving = True
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Log in (which syncs commands), then run the gateway in the background."""
        if not self.settings.discord_token:
            raise ValueError("setting 'discord_token' is needed for the Discord adapter")
        await self.client.login(self.settings.discord_token)
        self._task = asyncio.create_task(self.client.connect(reconnect=self.reconnect))
        self._task.add_done_callback(_connection_ended)

    async def wait_until_ready(self) -> None:
        await self.client.wait_until_ready()

    async def stop_receiving(self) -> None:
        """New commands are told to come back; replies still owed keep their interaction
        (the connection stays open until ``stop``)."""
        self.receiving = False

    async def stop(self) -> None:
        self.receiving = False
        await self.client.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def sync_commands(self, tree: app_commands.CommandTree[Client]) -> None:
        """Without ``discord_guilds``: one global list. With it: every command in each
        listed guild, and globally for DMs only (see ``commands``)."""
        guilds = self.settings.discord_guilds
        slash.install(tree, self.commands, self._build, dms_only=bool(guilds))
        await tree.sync()
        for guild_id in guilds:
            guild = discord.Object(id=guild_id)
            slash.install(tree, self.commands, self._build, guild=guild)
            await tree.sync(guild=guild)

    def _build(
        self, command: CommandInfo, where: app_commands.AppCommandContext | None
    ) -> app_commands.Command[Any, ..., None]:
        limit = self.settings.max_report_chars
        return slash.build_command(command, self.run_command, self.lookup, limit, where)

    # ------------------------------------------------------------------ events in
    async def run_command(
        self, interaction: discord.Interaction[Any], name: str, words: list[str]
    ) -> None:
        """In a guild channel, a command about the caller is answered in their DM, and a
        quiet one (a report, help) is deferred ephemerally: the core's flags say which."""
        text = " ".join([f"/{name}", *words])
        if not self.receiving:
            await interaction.response.send_message(STOPPING, ephemeral=True)
            return
        command = self._by_name.get(name)
        in_guild = interaction.guild_id is not None
        if in_guild and command is not None and command.about_caller:
            await self._move_to_dm(interaction, text=text)
            return
        quiet = in_guild and command is not None and command.quiet
        await interaction.response.defer(ephemeral=quiet, thinking=True)
        self.pending.admit(interaction, quiet, name)
        await self.submit(self._incoming(interaction, text=text))

    async def on_press(self, interaction: discord.Interaction[Any], data: str) -> None:
        """Errors are contained here: discord.py would only log them, leaving a spinner."""
        try:
            await self._press(interaction, data)
        except Exception:
            log.exception("a button press failed")
            await self._answer_error(interaction)

    async def _press(self, interaction: discord.Interaction[Any], data: str) -> None:
        if not self.receiving:
            await interaction.response.send_message(STOPPING, ephemeral=True)
            return
        if interaction.guild_id is not None:
            await self._move_to_dm(interaction, button_data=data)
            return
        await interaction.response.edit_message(view=None)  # a one-tap answer: tapped once
        self.pending.admit(interaction, False)
        incoming = self._incoming(interaction, kind=EventKind.BUTTON, button_data=data)
        await self.submit(incoming)

    async def on_message(self, message: discord.Message) -> None:
        """Only DMs reach the core; talk in guild channels is never read or stored."""
        if message.guild is not None or message.author.bot or not self.receiving:
            return
        try:
            await self._dm_text(message)
        except Exception:
            log.exception("a direct message could not be handed to the core")

    async def _dm_text(self, message: discord.Message) -> None:
        chat_id = str(message.channel.id)
        text = message.content
        kind = EventKind.TEXT if text.strip() else EventKind.UNSUPPORTED
        await self.submit(
            Incoming(
                platform=PLATFORM,
                chat_id=chat_id,
                user_id=str(message.author.id),
                text=text,
                kind=kind,
                user_handle=f"@{message.author.name}",
                message_id=str(message.id),
                private_chat=chat_id,  # a DM: this channel is the person's private chat
            )
        )

    async def on_tree_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        log.exception("slash command failed", exc_info=error)
        await self._answer_error(interaction)

    async def _answer_error(self, interaction: discord.Interaction[Any]) -> None:
        """The apology is that interaction's answer; later replies must not reuse it."""
        self.pending.discard(interaction)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(APOLOGY, ephemeral=True)
            else:
                await interaction.response.send_message(APOLOGY, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about the failure")

    async def _move_to_dm(
        self, interaction: discord.Interaction[Any], text: str = "", button_data: str | None = None
    ) -> None:
        """Deferred ephemerally: once the DM has gone the interaction says so, and if the
        person's DMs are closed it carries the answer itself (see ``_send_moved``)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        dm = await interaction.user.create_dm()
        self.pending.admit(interaction, True, moved=True)
        kind = EventKind.BUTTON if button_data is not None else EventKind.TEXT
        await self.submit(
            Incoming(
                platform=PLATFORM,
                chat_id=str(dm.id),
                user_id=str(interaction.user.id),
                text=text,
                kind=kind,
                button_data=button_data,
                user_handle=f"@{interaction.user.name}",
                message_id=str(interaction.id),
                private_chat=str(dm.id),
            )
        )

    def _incoming(self, interaction: discord.Interaction[Any], **fields: Any) -> Incoming:
        guild = interaction.guild
        channel = interaction.channel
        title = None
        if guild is not None:
            title = f"{guild.name} #{getattr(channel, 'name', '') or interaction.channel_id}"
        return Incoming(
            platform=PLATFORM,
            chat_id=str(interaction.channel_id),
            user_id=str(interaction.user.id),
            user_handle=f"@{interaction.user.name}",
            chat_kind=ChatKind.PRIVATE if guild is None else ChatKind.GROUP,
            message_id=str(interaction.id),
            chat_title=title,
            manages_chat=guild is not None and interaction.permissions.manage_guild,
            private_chat=str(interaction.channel_id) if guild is None else None,  # a DM's
            **fields,
        )

    # ------------------------------------------------------------------ replies out
    async def send(self, message: Outgoing) -> None:
        """Through the interaction the reply names (``reply_to``), else to the chat."""
        pending = self.pending.get(message.reply.reply_to)
        try:
            if pending is not None and pending.moved:
                await self._send_moved(pending, message)
            else:
                await self._send(pending, message)
        except discord.Forbidden as exc:
            log.warning("discord chat %s refused a message: %s", message.chat_id, exc)

    async def _send(self, pending: Pending | None, message: Outgoing) -> None:
        embed = pending is not None and pending.command in EMBEDDED
        for part in render(message.reply, embed):
            if pending is not None and not await self._follow_up(pending, part, message):
                pending = None
            if pending is None:
                await self._post(message, part)

    async def _send_moved(self, pending: Pending, message: Outgoing) -> None:
        """To the DM, then the interaction says where it went. DMs closed (403, code
        50007): the answer goes out as the interaction's ephemeral follow-up, saying why."""
        parts = render(message.reply)
        try:
            for part in parts:
                await self._post(message, part)
        except discord.Forbidden:
            log.info("DMs closed for a user; answering in the channel, ephemerally")
            if not pending.told:
                pending.told = True
                await pending.interaction.followup.send(DMS_CLOSED, ephemeral=True)
            for part in parts:
                await pending.interaction.followup.send(ephemeral=True, **_fields(part))
            return
        if not pending.told:
            pending.told = True
            await pending.interaction.followup.send(MOVED, ephemeral=True)

    async def _post(self, message: Outgoing, part: Part) -> None:
        """To the chat itself; never a reply meant for one person into a shared channel."""
        shared = isinstance(self.client.get_channel(int(message.chat_id)), discord.abc.GuildChannel)
        if message.reply.ephemeral and shared:
            log.warning(
                "a private reply for channel %s had no interaction left; not posted",
                message.chat_id,
            )
            return
        channel = self.client.get_partial_messageable(int(message.chat_id))
        await channel.send(**_fields(part))

    async def _follow_up(self, pending: Pending, part: Part, message: Outgoing) -> bool:
        """False when the interaction's token has lapsed: the caller posts to the chat."""
        try:
            ephemeral = pending.ephemeral or message.reply.ephemeral
            await pending.interaction.followup.send(ephemeral=ephemeral, **_fields(part))
        except discord.NotFound:
            log.info("interaction %s expired; posting to the chat", pending.interaction.id)
            self.pending.discard(pending.interaction)
            return False
        return True


def _fields(part: Part) -> dict[str, Any]:
    """Only the keys that are set: discord.py treats an explicit None differently."""
    fields: dict[str, Any] = {"allowed_mentions": _allowed(part)}
    if part.content:
        fields["content"] = part.content
    if part.embeds:
        fields["embeds"] = list(part.embeds)
    if part.files:
        fields["files"] = to_files(part.files)
    view = build_view(part.buttons)
    if view is not None:
        fields["view"] = view
    return fields


def _allowed(part: Part) -> discord.AllowedMentions:
    """No user text ever pings anyone; a person the core names (an introduction in a DM,
    which they are not in, so it notifies no one) is allowed, so Discord resolves the
    mention to their name even for a reader who shares no server with them."""
    if not part.mentions:
        return discord.AllowedMentions.none()
    users = [discord.Object(id=user) for user in part.mentions]
    return discord.AllowedMentions(everyone=False, users=users, roles=False, replied_user=False)


def _connection_ended(task: asyncio.Task[None]) -> None:
    """discord.py reconnects by itself; only a fatal end (bad token, intents) lands here."""
    if not task.cancelled() and task.exception() is not None:
        log.error("the Discord connection ended: %r", task.exception())
