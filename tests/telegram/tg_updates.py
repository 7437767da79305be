"""Builders for the Bot API update JSON a real client would produce.

Commands carry a ``bot_command`` entity, as Telegram adds one; without it PTB (and our
translation) would not recognise them as commands.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

JsonDict = dict[str, Any]
_message_ids = itertools.count(1)


def user(user_id: int, username: str | None = None, first_name: str = "Sam") -> JsonDict:
    person: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        person["username"] = username
    return person


def private_chat(person: JsonDict) -> JsonDict:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group_chat(chat_id: int, title: str = "Leeds care workers") -> JsonDict:
    return {"id": chat_id, "type": "supergroup", "title": title}


def message(chat: JsonDict, sender: JsonDict, **content: Any) -> JsonDict:
    return {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": sender,
        **content,
    }


def text(chat: JsonDict, sender: JsonDict, body: str, update_id: int | None = None) -> JsonDict:
    """A text message; a leading ``/command`` gets its ``bot_command`` entity."""
    content: JsonDict = {"text": body}
    if body.startswith("/"):
        length = len(body.split(maxsplit=1)[0])
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return _update({"message": message(chat, sender, **content)}, update_id)


def tap(sender: JsonDict, bot_message: JsonDict, data: str) -> JsonDict:
    """A tap on one of the buttons of ``bot_message`` (as the fake stored it)."""
    query = {
        "id": f"cq{next(_message_ids)}",
        "from": sender,
        "chat_instance": "ci",
        "message": bot_message,
        "data": data,
    }
    return {"callback_query": query}


def joined(chat: JsonDict, sender: JsonDict, *members: JsonDict) -> JsonDict:
    return {"message": message(chat, sender, new_chat_members=list(members))}


def photo(chat: JsonDict, sender: JsonDict) -> JsonDict:
    size = {"file_id": "ph", "file_unique_id": "u", "width": 10, "height": 10}
    return {"message": message(chat, sender, photo=[size])}


def sticker(chat: JsonDict, sender: JsonDict) -> JsonDict:
    item = {
        "file_id": "st",
        "file_unique_id": "u",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    return {"message": message(chat, sender, sticker=item)}


def voice(chat: JsonDict, sender: JsonDict) -> JsonDict:
    item = {"file_id": "vo", "file_unique_id": "u", "duration": 3}
    return {"message": message(chat, sender, voice=item)}


def edited(chat: JsonDict, sender: JsonDict, body: str) -> JsonDict:
    edit = message(chat, sender, text=body, edit_date=int(time.time()))
    return {"edited_message": edit}


def _update(update: JsonDict, update_id: int | None) -> JsonDict:
    if update_id is not None:
        update["update_id"] = update_id
    return update


def migrated_to(old_chat: JsonDict, sender: JsonDict, new_id: int) -> JsonDict:
    """The service message in the old group when it becomes a supergroup."""
    return {"message": message(old_chat, sender, migrate_to_chat_id=new_id)}


def migrated_from(new_chat: JsonDict, sender: JsonDict, old_id: int) -> JsonDict:
    """The service message that opens the new supergroup."""
    return {"message": message(new_chat, sender, migrate_from_chat_id=old_id)}


def bot_membership(chat: JsonDict, sender: JsonDict, bot: JsonDict, old: str, new: str) -> JsonDict:
    """``my_chat_member``: the bot's own status in ``chat`` went from ``old`` to ``new``."""
    now_member: JsonDict = {"status": new, "user": bot}
    if new == "kicked":
        now_member["until_date"] = 0
    change = {
        "chat": chat,
        "from": sender,
        "date": int(time.time()),
        "old_chat_member": {"status": old, "user": bot},
        "new_chat_member": now_member,
    }
    return {"my_chat_member": change}


ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


def as_the_group(chat: JsonDict, body: str) -> JsonDict:
    """A command from an administrator with "Remain anonymous" on: Telegram sends it as
    the group itself (``sender_chat`` is the chat, ``from`` its GroupAnonymousBot)."""
    update = text(chat, ANONYMOUS_ADMIN, body)
    update["message"]["sender_chat"] = chat
    return update
