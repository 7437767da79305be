"""Telegram ``Update`` -> the core's ``Incoming``, and nothing else.

What is deliberately dropped here, before it reaches the core: ordinary group talk and
commands addressed to other bots (the bot must never store group conversation), anything
posted by bots, and update types the core has no use for. In private chats every message
is passed on, so a photo or a voice note still gets the core's "text only for now".
"""

from __future__ import annotations

from telegram import (
    CallbackQuery,
    Chat,
    ChatMember,
    ChatMemberUpdated,
    Message,
    MessageEntity,
    Update,
    User,
)

from bot.messages import ChatKind, EventKind, Incoming

PLATFORM = "telegram"


def translate(update: Update, bot_username: str) -> list[Incoming]:
    """Every event in one update that the core should see (usually one, none or several)."""
    if update.callback_query is not None:
        return _button(update.callback_query)
    if update.edited_message is not None:
        return _edited(update.edited_message)
    if update.message is not None:
        return _message(update.message, bot_username)
    if update.my_chat_member is not None:
        return _membership(update.my_chat_member)
    return []


GONE = frozenset({ChatMember.LEFT, ChatMember.BANNED})


def _membership(change: ChatMemberUpdated) -> list[Incoming]:
    """The bot's own membership of a group changed: added, or removed or kicked."""
    chat = change.chat
    if chat.type == Chat.PRIVATE:
        return []  # a person blocking the bot: nothing to unlink
    was_in = change.old_chat_member.status not in GONE
    is_in = change.new_chat_member.status not in GONE
    if was_in == is_in:
        return []  # promoted, restricted: still there
    kind = EventKind.BOT_ADDED if is_in else EventKind.BOT_REMOVED
    user = change.from_user
    return [
        Incoming(
            platform=PLATFORM,
            chat_id=str(chat.id),
            user_id=str(user.id),
            chat_kind=ChatKind.GROUP,
            kind=kind,
            user_handle=handle(user),
            chat_title=chat.title,
            private_chat=private_chat(user),
        )
    ]


def private_chat(user: User) -> str:
    """Telegram's rule, kept here: a person's private chat with the bot has their user id."""
    return str(user.id)


def handle(user: User) -> str:
    """``@username`` where there is one, else the first name: what the person chose to show."""
    return f"@{user.username}" if user.username else user.first_name


def chat_kind(chat: Chat) -> ChatKind:
    return ChatKind.PRIVATE if chat.type == Chat.PRIVATE else ChatKind.GROUP


def _base(
    message: Message,
    user: User,
    kind: EventKind = EventKind.TEXT,
    text: str = "",
    button_data: str | None = None,
) -> Incoming:
    chat = message.chat
    return Incoming(
        platform=PLATFORM,
        chat_id=str(chat.id),
        user_id=str(user.id),
        text=text,
        chat_kind=chat_kind(chat),
        kind=kind,
        button_data=button_data,
        user_handle=handle(user),
        message_id=str(message.message_id),
        chat_title=chat.title,
        private_chat=private_chat(user),
    )


def _button(query: CallbackQuery) -> list[Incoming]:
    message = query.message
    if not isinstance(message, Message) or query.data is None:
        return []  # too old to be accessible, or a game button: nothing to route
    return [_base(message, query.from_user, kind=EventKind.BUTTON, button_data=query.data)]


def _edited(message: Message) -> list[Incoming]:
    """Edits are not re-read (a report is what was first sent); privately the core says so
    and offers to save the new text."""
    user = message.from_user
    if user is None or user.is_bot or message.chat.type != Chat.PRIVATE:
        return []
    if message.text is None:
        return [_base(message, user, kind=EventKind.UNSUPPORTED)]
    return [_base(message, user, kind=EventKind.EDITED, text=message.text)]


def _message(message: Message, bot_username: str) -> list[Incoming]:
    if message.new_chat_members:
        return _joined(message)
    if message.migrate_to_chat_id or message.migrate_from_chat_id:
        return _migrated(message)
    if _as_the_group(message):
        return _anonymous_command(message, bot_username)
    user = message.from_user
    if user is None or user.is_bot:
        return []
    if message.chat.type != Chat.PRIVATE:
        return _group_command(message, user, bot_username)
    if message.text is None:
        return [_base(message, user, kind=EventKind.UNSUPPORTED)]
    return [_base(message, user, text=command_text(message, bot_username) or message.text)]


def _as_the_group(message: Message) -> bool:
    """An anonymous administrator posts as the group: ``sender_chat`` is the chat itself
    and ``from`` is Telegram's GroupAnonymousBot, which names no one."""
    sender = message.sender_chat
    return sender is not None and sender.id == message.chat.id and message.chat.type != Chat.PRIVATE


def _anonymous_command(message: Message, bot_username: str) -> list[Incoming]:
    """Passed on (once it is a command for us) as the group's own message: the core answers
    what needs no person and says why it cannot do the rest."""
    text = command_text(message, bot_username)
    if text is None:
        return []
    chat = message.chat
    return [
        Incoming(
            platform=PLATFORM,
            chat_id=str(chat.id),
            user_id=str(chat.id),  # a group id: negative, never a person's
            text=text,
            chat_kind=ChatKind.GROUP,
            message_id=str(message.message_id),
            chat_title=chat.title,
            anonymous=True,
        )
    ]


def _joined(message: Message) -> list[Incoming]:
    return [
        _base(message, member, kind=EventKind.MEMBER_JOINED)
        for member in message.new_chat_members
        if not member.is_bot
    ]


def _migrated(message: Message) -> list[Incoming]:
    """A group became a supergroup with a new id. Telegram says so twice (in the old chat,
    ``migrate_to_chat_id``; in the new one, ``migrate_from_chat_id``); both name the move."""
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        old, new = message.migrate_from_chat_id or 0, message.chat.id
    return [moved(str(old), str(new), message.from_user)]


def moved(old: str, new: str, user: User | None = None) -> Incoming:
    """The core's event for a chat that now has another id."""
    return Incoming(
        platform=PLATFORM,
        chat_id=old,
        user_id=str(user.id) if user else "",
        chat_kind=ChatKind.GROUP,
        kind=EventKind.CHAT_MOVED,
        moved_to=new,
    )


def _group_command(message: Message, user: User, bot_username: str) -> list[Incoming]:
    """Only commands reach the core from a group, with our ``@botname`` taken off."""
    text = command_text(message, bot_username)
    return [] if text is None else [_base(message, user, text=text)]


def command_text(message: Message, bot_username: str) -> str | None:
    """The message text if it starts with a command meant for us, else ``None``."""
    text = message.text
    entities = message.entities
    if not text or not entities or entities[0].type != MessageEntity.BOT_COMMAND:
        return None
    if entities[0].offset != 0:
        return None
    command = text[: entities[0].length]
    name, _, target = command.partition("@")
    if target and target.lower() != bot_username.lower():
        return None
    return name + text[entities[0].length :]
