"""Group chat events: the bot added or removed, a chat's new id, members joining.

Nothing here is a command; each event says what happened on the platform and the core
decides what follows (a link moved, a schedule stopped, one welcome for a burst of joins).
"""

from __future__ import annotations

from bot.context import Context
from bot.messages import EventKind, Reply

ADDED = (
    "Hello! I'm Groundswell: I help people here report the barriers they face at work, "
    "privately, and find others who share them. I only read commands sent to me, never "
    "your conversation. A coordinator can link this group to its circle with /link NAME "
    "(where other bots are here too, add my name: /link@botname NAME)."
)
WELCOME = "Welcome! To report a barrier or join this circle, message me privately and send /start."
KINDS = frozenset(
    {EventKind.CHAT_MOVED, EventKind.BOT_ADDED, EventKind.BOT_REMOVED, EventKind.MEMBER_JOINED}
)


async def chat_event(ctx: Context) -> list[Reply]:
    incoming = ctx.incoming
    chats = ctx.services.chats
    if incoming.kind is EventKind.CHAT_MOVED and incoming.moved_to:
        await chats.moved(incoming.platform, incoming.chat_id, incoming.moved_to)
        return []
    if incoming.kind is EventKind.BOT_REMOVED:
        await chats.left(incoming.platform, incoming.chat_id)
        return []
    if incoming.kind is EventKind.BOT_ADDED:
        return [Reply(ADDED, private_link=invite(ctx))]
    if incoming.kind is EventKind.MEMBER_JOINED:
        if not chats.welcome_due(incoming.platform, incoming.chat_id):
            return []
        return [Reply(WELCOME, private_link=invite(ctx))]
    return []


def invite(ctx: Context) -> str:
    """A private-chat link that, in a linked group, also joins its circle."""
    circle = ctx.caller.chat_circle_id
    return f"circle_{circle}" if circle is not None else "start"
