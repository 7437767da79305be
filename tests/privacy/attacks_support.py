"""What the attack stories share: planted words, and the one check every story ends with.

The victim writes words nobody else writes ("Quillfeather", the made-up town of
Brackenthwaite, a colleague called Kev). The check reads everything the bot sent to anyone
but the victim (every chat, every file: digests in every format, exports, /mydata) and
fails if a planted word, or a number of people below ``min_people``, is in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.messages import Reply
from groundswell.testing import BotHarness

K = 3  # the default min_people
PLANTED = ("Quillfeather", "Brackenthwaite", "Kev")
VICTIM_TEXT = (
    "Kev Quillfeather, our agency manager in Brackenthwaite, makes us sign the agency staff "
    "rule form before every home visit, so patients wait for hours."
)
SHARED = (
    "The agency staff rule means we cannot send anyone home on time, patients wait.",
    "Because of the agency staff rule we send patients home late every single week.",
    "The agency staff rule again: nobody can be sent home in time and patients wait.",
)
SMALL = re.compile(
    r"(?<![\w.#<-])(\d+) (?:people|person|reporters?|me-too|members?|others?)\b", re.IGNORECASE
)


def reply_text(reply: Reply) -> str:
    files = " ".join(f.content.decode("utf-8", "replace") for f in reply.files if not f.is_image)
    buttons = " ".join(b.label for b in reply.buttons)
    return f"{reply.text} {buttons} {files}"


def seen_by_others(
    bot: BotHarness, author: str, skip: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(chat, text) of everything sent anywhere except the author's own private chat (and
    those of ``skip``: an attacker's echo of what they typed themselves)."""
    own = {bot.chat_of(user, None) for user in (author, *skip)}
    return [
        (f"{platform}:{chat}", reply_text(reply))
        for platform, adapter in bot.adapters.items()
        for chat, replies in adapter.sent.items()
        if chat not in own
        for reply in replies
    ]


def small_counts(text: str) -> list[str]:
    """Statements of fewer than K people ("2 people", "1 person"), not "fewer than 3"."""
    return [m.group(0) for m in SMALL.finditer(text) if int(m.group(1)) < K]


def assert_nothing_leaks(
    bot: BotHarness,
    author: str,
    words: Iterable[str] = PLANTED,
    counts: bool = True,
    skip: tuple[str, ...] = (),
) -> None:
    words = tuple(words)
    for chat, text in seen_by_others(bot, author, skip):
        for word in words:
            assert not re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE), (chat, word, text)
        if counts:
            assert not small_counts(text), (chat, small_counts(text), text)


async def everyone_looks(bot: BotHarness, organiser: str, snoop: str, numbers: int = 12) -> None:
    """The insider's sweep: every theme number by /metoo, /themes, every digest scope and
    format, in private and as an organiser."""
    for command in ("/themes", "/themes since 7d", "/themes since 90d"):
        await bot.push(snoop, command)
    for number in range(1, numbers + 1):
        await bot.push(snoop, f"/metoo {number}")
    for scope in ("", " place Calderdale", " place Leeds"):
        for since in ("", " since 7d", " since 90d"):
            await bot.push(organiser, f"/digest{scope}{since}")
            await bot.push(organiser, f"/digest{scope}{since} export")
