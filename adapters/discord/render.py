"""The core's plain ``Reply`` as Discord messages that respect Discord's size limits.

Discord rejects (rather than truncates) an oversized message, so everything is split here,
before sending: a failed send would lose the whole reply, a split one only looks longer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import discord

from bot.messages import Button, Mention, OutFile, Reply
from bot.text import split_text as text_chunks

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
TITLE_LIMIT = 256
TOTAL_LIMIT = 6000
MAX_EMBEDS = 10
MAX_FILES = 10
MAX_BUTTONS = 25
COLOUR = discord.Colour(0x2E8B57)
PLATFORM = "discord"


@dataclass(frozen=True)
class Part:
    """One Discord message. Files stay ``OutFile``: a ``discord.File`` can be sent only once."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    files: tuple[OutFile, ...] = ()
    buttons: tuple[Button, ...] = ()
    mentions: tuple[int, ...] = ()  # the users ``content`` mentions on the core's behalf


def split_text(text: str, limit: int) -> list[str]:
    """Chunks within ``limit`` characters that never end inside a markdown escape."""
    return text_chunks(text, limit, escape="\\")


def escape(text: str) -> str:
    """User text may contain *, _, ` or >; shown literally, never as Discord markup."""
    return discord.utils.escape_markdown(text)


def wants_embed(reply: Reply) -> bool:
    return reply.title is not None or len(reply.text) > CONTENT_LIMIT


def render(reply: Reply, embed: bool = False) -> list[Part]:
    """Text (as content or embeds) first; files and buttons ride on the last message.

    ``embed`` is the adapter's hint (the reply answers /digest or /report); a reply with a
    ``title`` and the text's length ask for embeds too.
    """
    mentioned = _with_mentions(reply)
    if mentioned is not None and not embed and not wants_embed(reply):
        return _attach([mentioned], reply.files, reply.buttons[:MAX_BUTTONS])
    text = escape(reply.text)
    if not text.strip():
        bodies: list[Part] = []
    elif embed or wants_embed(reply):
        title = reply.title
        bodies = _embed_parts(*((escape(title), text) if title else _title_and_body(text)))
    else:
        bodies = [Part(content=chunk) for chunk in split_text(text, CONTENT_LIMIT)]
    return _attach(bodies, reply.files, reply.buttons[:MAX_BUTTONS])


def _with_mentions(reply: Reply) -> Part | None:
    """A reply naming Discord users, with each written as ``<@id>``: a mention that opens
    that person's profile whatever they are called now. None when it names none, or is
    too long for one message (then the names stay plain text: a mention is never cut)."""
    pieces = reply.pieces(PLATFORM)
    users = tuple(int(p.user_id) for p in pieces if isinstance(p, Mention) and _is_id(p.user_id))
    if not users:
        return None
    content = "".join(map(_markdown, pieces))
    return Part(content=content, mentions=users) if len(content) <= CONTENT_LIMIT else None


def _markdown(piece: str | Mention) -> str:
    if isinstance(piece, str):
        return escape(piece)
    return f"<@{piece.user_id}>" if _is_id(piece.user_id) else escape(piece.name)


def _is_id(user_id: str) -> bool:
    return user_id.isascii() and user_id.isdigit()


def _title_and_body(text: str) -> tuple[str | None, str]:
    """A short first line ("Shared-demand digest: ...") makes a natural embed title."""
    first, _, rest = text.partition("\n")
    if rest.strip() and len(first) <= TITLE_LIMIT:
        return first, rest.strip("\n")
    return None, text


def _embed_parts(title: str | None, text: str) -> list[Part]:
    title = title[:TITLE_LIMIT] if title else None
    parts: list[Part] = []
    embeds: list[discord.Embed] = []
    for chunk in split_text(text, DESCRIPTION_LIMIT):
        embed = discord.Embed(description=chunk, colour=COLOUR)
        if title and not parts and not embeds:
            embed.title = title
        if embeds and (
            sum(map(len, embeds)) + len(embed) > TOTAL_LIMIT or len(embeds) == MAX_EMBEDS
        ):
            parts.append(Part(embeds=tuple(embeds)))
            embeds = []
        embeds.append(embed)
    parts.append(Part(embeds=tuple(embeds)))
    return parts


def _attach(
    bodies: list[Part], files: tuple[OutFile, ...], buttons: tuple[Button, ...]
) -> list[Part]:
    file_groups = [files[i : i + MAX_FILES] for i in range(0, len(files), MAX_FILES)]
    if not bodies and not file_groups and not buttons:
        return []
    last = bodies.pop() if bodies else Part()
    first_files = file_groups.pop(0) if file_groups else ()
    shown = _show_image(last.embeds, first_files)
    bodies.append(Part(last.content, shown, first_files, buttons, last.mentions))
    bodies.extend(Part(files=group) for group in file_groups)
    return bodies


def _show_image(
    embeds: tuple[discord.Embed, ...], files: tuple[OutFile, ...]
) -> tuple[discord.Embed, ...]:
    """A chart sent with an embed is shown inside it rather than below it."""
    image = next((f for f in files if f.is_image), None)
    if not embeds or image is None:
        return embeds
    shown = embeds[-1].copy()
    shown.set_image(url=f"attachment://{image.name}")
    return (*embeds[:-1], shown)


def to_files(files: tuple[OutFile, ...]) -> list[discord.File]:
    return [discord.File(io.BytesIO(f.content), filename=f.name) for f in files]
