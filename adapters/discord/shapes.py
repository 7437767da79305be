"""How each core command's arguments look as Discord options, and back as words.

Discord shows typed, described options with pickers; the core parses one line of text.
An ``Option`` says both: its Discord type and how its value is written into that line
(``digest``'s "circle NAME since 7d", a user picked in ``appoint`` as "@name"). A few
commands need their words in an order options cannot express (``/theme merge N M``);
they get a composer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import discord


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    kind: Any = str
    required: bool = False
    keyword: bool = False  # written "name value" rather than "value"
    complete: str | None = None  # "circle", "theme", "since" or "own_report"
    max_length: int | None = None  # for text: Discord refuses longer input as it is typed

    def words(self, value: Any) -> list[str]:
        if value is None or value is False:
            return []
        if value is True:
            return [self.name]
        if isinstance(value, discord.User | discord.Member):
            value = f"@{value.name}"
        return [self.name, str(value)] if self.keyword else [str(value)]


Compose = Callable[[dict[str, Any]], list[str]]


@dataclass(frozen=True)
class Shape:
    options: tuple[Option, ...]
    compose: Compose | None = None

    def words(self, values: dict[str, Any]) -> list[str]:
        if self.compose is not None:
            return self.compose(values)
        return [w for option in self.options for w in option.words(values.get(option.name))]


CIRCLE = Option("circle", "the circle's name", required=True, complete="circle")
THEME = Option("theme", "the theme's number (see /themes)", int, True, complete="theme")
TEXT = Option("text", "what to say", required=True)
MEMBER = Option("member", "who", discord.User, required=True)
DAYS = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _theme_words(values: dict[str, Any]) -> list[str]:
    """/theme N name TEXT, /theme N demand TEXT, /theme merge N M, /theme split|hide N."""
    action, theme = values["action"], str(values["theme"])
    if action in ("name", "demand"):
        return [theme, action, *([values["text"]] if values.get("text") else [])]
    if action == "merge":
        return ["merge", theme, *([str(values["other"])] if values.get("other") else [])]
    return [action, theme]


SHAPES: dict[str, Shape] = {
    "withdraw": Shape(
        (Option("number", "the report's number (see /mine)", int, True, complete="own_report"),)
    ),
    "metoo": Shape((THEME,)),
    "digest": Shape(
        (
            Option("circle", "only this circle", keyword=True, complete="circle"),
            Option("place", "only this place", keyword=True),
            Option("since", "7d, 30d, 90d or a date (YYYY-MM-DD)", keyword=True, complete="since"),
            Option("export", "send the digest as files and a chart", bool),
        )
    ),
    "circle": Shape(
        (
            Option("action", "new, approve or pending", Literal["new", "approve", "pending"], True),
            Option("name", "the circle's name", complete="circle"),
            Option("place", "where it meets (for new)", keyword=True),
            Option("focus", "what it is about (for new, optional)", keyword=True),
        )
    ),
    "theme": Shape(
        (
            Option(
                "action", "what to do", Literal["name", "demand", "merge", "split", "hide"], True
            ),
            THEME,
            Option("text", "the new name or campaign demand"),
            Option("other", "for merge: the theme folded into the first", int, complete="theme"),
        ),
        _theme_words,
    ),
    "appoint": Shape((CIRCLE, MEMBER)),
    "unappoint": Shape((CIRCLE, MEMBER)),
    "offers": Shape((Option("setting", "introduction offers", Literal["on", "off"], True),)),
    "schedule": Shape(
        (
            Option("every", "how often", Literal["daily", "weekly", "off"], True),
            Option("day", "for weekly: the day", DAYS),
            Option("time", "HH:MM, in the bot's time zone"),
        )
    ),
}
USAGE_WORDS: dict[str, Option] = {
    "TEXT": TEXT,
    "N": Option("number", "the number", int, True),
    "NAME": CIRCLE,
    "REPORT_ID": Option("report", "the report's number", int, True),
}


OPTION_TEXT_LIMIT = 6000  # Discord's most for a string option's max_length


def report_shape(report_chars: int) -> Shape:
    """/report's text is capped where the core caps a report (``max_report_chars``), so a
    too-long report is stopped while typing rather than refused after sending."""
    limit = min(report_chars, OPTION_TEXT_LIMIT)
    text = Option("text", "the barrier, in your own words", required=True, max_length=limit)
    return Shape((text,))


def shape_for(name: str, usage: str, summary: str, report_chars: int) -> Shape:
    """Explicit shapes first, then the usage words; anything else gets one text option."""
    if name == "report":
        return report_shape(report_chars)
    if name in SHAPES:
        return SHAPES[name]
    words = usage.split()
    if all(word in USAGE_WORDS for word in words):
        return Shape(tuple(USAGE_WORDS[word] for word in words))
    return Shape((Option("arguments", usage or summary or "details"),))
