"""Turn the core's plain-text replies into what the Bot API accepts.

The core writes plain text; Telegram is driven in HTML parse mode so that user text which
happens to contain ``<``, ``>`` or ``&`` is shown verbatim instead of breaking the message
or being read as markup. Messages above 4,096 characters are rejected outright, so long
digests are split on line boundaries, where a reader expects a break anyway.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.helpers import create_deep_linked_url

from bot.messages import Button, Mention, Reply
from bot.text import split_text as text_chunks

MAX_MESSAGE = 4096
"""Telegram's limit on a message's text, counted in UTF-16 code units after parsing."""

MAX_CALLBACK_DATA = 64
"""Telegram's limit on ``callback_data``, in bytes."""

ROW_CHARS = 30
"""Buttons whose labels together fit in this many characters share a row."""


def escape(text: str) -> str:
    """Escape for HTML parse mode; quotes are safe outside attributes, so left alone."""
    return html.escape(text, quote=False)


def units(text: str) -> int:
    """Telegram measures length in UTF-16 code units (an emoji can count as two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_text(text: str, limit: int = MAX_MESSAGE - 1) -> list[str]:
    """Chunks of at most ``limit`` UTF-16 units, cut between lines where possible."""
    return text_chunks(text, limit, measure=units)


def render_chunks(text: str) -> list[str]:
    """Plain text to HTML-mode message bodies, each within Telegram's limit."""
    return [escape(chunk) for chunk in split_text(text)]


def render_reply(reply: Reply, platform: str) -> list[str]:
    """Message bodies for a reply. A Telegram user it names becomes a ``tg://user?id=``
    link, which reaches them with or without a username (and whatever they are called
    now). A reply long enough to be split keeps names as plain text: a link is never cut."""
    pieces = reply.pieces(platform)
    if not any(isinstance(p, Mention) for p in pieces) or units(reply.text) >= MAX_MESSAGE:
        return render_chunks(reply.text)
    return ["".join(_html(piece) for piece in pieces)]


def _html(piece: str | Mention) -> str:
    if isinstance(piece, str):
        return escape(piece)
    if not piece.user_id.isascii() or not piece.user_id.isdigit():
        return escape(piece.name)  # not a Telegram user id: shown, not linked
    return f'<a href="tg://user?id={piece.user_id}">{escape(piece.name)}</a>'


def keyboard(
    buttons: Iterable[Button], link: tuple[str, str] | None = None
) -> InlineKeyboardMarkup | None:
    """Short labels share a row (yes/no side by side); long ones get a row each. A
    ``(label, url)`` link, if any, goes last on its own row."""
    rows = _button_rows(buttons)
    if link is not None:
        rows.append([InlineKeyboardButton(link[0], url=link[1])])
    return InlineKeyboardMarkup(rows) if rows else None


def _button_rows(buttons: Iterable[Button]) -> list[list[InlineKeyboardButton]]:
    rows: list[list[InlineKeyboardButton]] = []
    width = 0
    for button in buttons:
        key = InlineKeyboardButton(button.label, callback_data=button.data)
        if rows and len(rows[-1]) < 3 and width + len(button.label) <= ROW_CHARS:
            rows[-1].append(key)
            width += len(button.label)
        else:
            rows.append([key])
            width = len(button.label)
    return rows


def deep_link(bot_username: str, payload: str) -> str:
    """``t.me/<bot>?start=<payload>``: opens a private chat that begins with ``/start payload``.

    Telegram allows only ``A-Z a-z 0-9 _ -`` (at most 64) in the payload; anything else
    falls back to a plain link to the private chat rather than a broken one.
    """
    valid = re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload) is not None
    return create_deep_linked_url(bot_username, payload if valid else None)


def fits_callback(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
