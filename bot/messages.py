"""The two types that cross the boundary between adapters and the core.

Adapters turn platform events into one frozen ``Incoming`` and render the core's frozen
``Reply`` values back; nothing platform-specific travels further in, so the core can be
driven by a console or a test in exactly the same way. (Scheduled work, digests and
campaign updates, does not enter as an event: its pollers build replies through the
services and hand them to the runtime's ``deliver``.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class ChatKind(StrEnum):
    """Private chats are where people report; groups are where circles talk."""

    PRIVATE = "private"
    GROUP = "group"


class EventKind(StrEnum):
    """What happened, so the router can tell a button tap from typed text."""

    TEXT = "text"
    BUTTON = "button"
    UNSUPPORTED = "unsupported"  # photo, sticker, voice note, edited message
    MEMBER_JOINED = "member_joined"
    EDITED = "edited"  # a message edited after it was sent; ``text`` is the new text
    CHAT_MOVED = "chat_moved"  # the chat has a new id (``moved_to``): a group upgraded
    BOT_ADDED = "bot_added"  # the bot was added to a group
    BOT_REMOVED = "bot_removed"  # the bot was removed from (or kicked out of) a group


@dataclass(frozen=True, slots=True)
class Incoming:
    """One platform event, reduced to what the core needs."""

    platform: str
    chat_id: str
    user_id: str
    text: str = ""
    chat_kind: ChatKind = ChatKind.PRIVATE
    kind: EventKind = EventKind.TEXT
    button_data: str | None = None
    user_handle: str | None = None  # "@name" or a display name, shown only with consent
    message_id: str | None = None
    chat_title: str | None = None
    manages_chat: bool = False  # the sender administers this group on its platform
    # Sent on behalf of the group itself (Telegram's "Remain anonymous" administrators):
    # no person is known, so ``user_id`` is the group's and nothing personal may run.
    anonymous: bool = False
    moved_to: str | None = None  # for CHAT_MOVED: the chat's new id
    # The sender's private chat with the bot, where the adapter knows it (on Telegram the
    # user's id, on Discord their DM channel's): kept so the core can reach them later (an
    # introduction) without knowing any platform's rule for it.
    private_chat: str | None = None

    @property
    def is_private(self) -> bool:
        return self.chat_kind is ChatKind.PRIVATE


@dataclass(frozen=True, slots=True)
class Button:
    """A one-tap answer; ``data`` comes back as ``Incoming.button_data``."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A person named in a reply's text, with their platform identity: ``name`` is written
    at ``at`` in the text. An adapter of ``platform`` renders it as a mention that reaches
    them (a handle can change or be claimed by someone else; an id cannot); any other
    adapter shows the name as written."""

    platform: str
    user_id: str
    name: str
    at: int


@dataclass(frozen=True, slots=True)
class OutFile:
    """A file to send: an export (document) or a chart (image)."""

    name: str
    content: bytes
    mime_type: str
    is_image: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """Plain text (adapters escape it for their markup) plus buttons and files.

    ``platform``/``chat_id`` default to the chat the message came from; set them to reach
    another chat (an introduction, an announcement to a circle's linked chats). The other
    fields are how the core says what an adapter would otherwise have to guess.
    """

    text: str = ""
    buttons: tuple[Button, ...] = ()
    files: tuple[OutFile, ...] = ()
    platform: str | None = None
    chat_id: str | None = None
    # Seen only by the person it answers; never posted into a shared chat instead.
    ephemeral: bool = False
    # A document's title (a digest): platforms with rich messages show it as a heading.
    title: str | None = None
    # A deep-link payload: platforms that can add a button opening a private chat with the
    # bot, carrying it (``circle_7`` in a group welcome, so joining is one tap).
    private_link: str | None = None
    # The ``Incoming.message_id`` this reply answers (set by ``resolve``). Discord answers
    # through that interaction, Telegram threads to that message; a reply naming none (an
    # announcement, a scheduled digest) is an ordinary message, never someone's answer.
    reply_to: str | None = field(default=None, compare=False)
    # People named in ``text``, in order; see ``Mention`` and ``pieces``.
    mentions: tuple[Mention, ...] = ()

    def __post_init__(self) -> None:
        end = 0
        for mention in self.mentions:
            named = self.text[mention.at : mention.at + len(mention.name)]
            if mention.at < end or not mention.name or named != mention.name:
                raise ValueError("a mention must name text in the reply, in order")
            end = mention.at + len(mention.name)

    def pieces(self, platform: str) -> list[str | Mention]:
        """The text cut around the mentions ``platform`` can render (the rest stay text)."""
        found: list[str | Mention] = []
        start = 0
        for mention in self.mentions:
            if mention.platform != platform:
                continue
            found += [self.text[start : mention.at], mention]
            start = mention.at + len(mention.name)
        found.append(self.text[start:])
        return [piece for piece in found if piece != ""]


APOLOGY = "Sorry, something went wrong on my side. Nothing you sent was lost; please try again."
"""The one answer to a failure on our side, from the core or an adapter: it says what the
person needs (nothing is lost, try again) and nothing about the failure."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A reply with its destination resolved, as adapters receive it."""

    platform: str
    chat_id: str
    reply: Reply


def resolve(incoming: Incoming, replies: list[Reply]) -> list[Outgoing]:
    """Fill in each reply's destination from the message it answers; a reply going back to
    that chat answers that message (``reply_to``), one sent elsewhere does not."""
    return [_resolved(incoming, reply) for reply in replies]


def _resolved(incoming: Incoming, reply: Reply) -> Outgoing:
    answers = reply.platform is None and reply.chat_id is None and reply.reply_to is None
    if answers and incoming.message_id is not None:
        reply = replace(reply, reply_to=incoming.message_id)
    return Outgoing(reply.platform or incoming.platform, reply.chat_id or incoming.chat_id, reply)
