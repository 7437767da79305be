"""Parsing what follows ``/digest``: ``circle NAME``, ``place NAME``, ``since 7d|30d|90d|
YYYY-MM-DD`` and ``export``, in any order. Pure: resolving names and permissions happens in
the handler, which has the services."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KEYWORDS = ("circle", "place", "since", "export")
DEFAULT_DAYS = 30
MAX_DAYS = 3650
USAGE = (
    "Use /digest [circle NAME] [place NAME] [since 7d|30d|90d|YYYY-MM-DD] [export], "
    "e.g. /digest circle Leeds Health since 90d"
)


class ScopeError(ValueError):
    """The request cannot be understood; the message says how to write it."""


@dataclass(frozen=True)
class DigestRequest:
    circle: str | None = None
    place: str | None = None
    since: str | None = None
    export: bool = False


def parse_request(args: str) -> DigestRequest:
    words = args.split()
    values: dict[str, list[str]] = {}
    current: str | None = None
    for word in words:
        key = word.casefold()
        if key in KEYWORDS and key not in values:
            current = key
            values[key] = []
        elif current is None or current == "export":
            raise ScopeError(f"I didn't understand “{word}”. {USAGE}")
        else:
            values[current].append(word)
    for key in ("circle", "place", "since"):
        if key in values and not values[key]:
            raise ScopeError(f"“{key}” needs a value. {USAGE}")
    if len(values.get("since", [])) > 1:
        raise ScopeError(f"“since” takes one value. {USAGE}")
    return DigestRequest(
        circle=" ".join(values["circle"]) if "circle" in values else None,
        place=" ".join(values["place"]) if "place" in values else None,
        since=values["since"][0] if "since" in values else None,
        export="export" in values,
    )


def period_start(since: str | None, now: datetime, zone: ZoneInfo) -> datetime:
    """``Nd`` counts back from now; a date means that day's midnight in the configured zone."""
    if since is None:
        return now - timedelta(days=DEFAULT_DAYS)
    match = re.fullmatch(r"(\d{1,4})d", since.strip().casefold())
    if match:
        days = int(match.group(1))
        if not 1 <= days <= MAX_DAYS:
            raise ScopeError(f"“since {since}”: choose between 1d and {MAX_DAYS}d.")
        return now - timedelta(days=days)
    try:
        day = date.fromisoformat(since.strip())
    except ValueError:
        raise ScopeError(f"“since {since}”: use 7d, 30d, 90d or a date like 2026-01-31.") from None
    start = datetime.combine(day, time.min, zone)
    if start >= now:
        raise ScopeError(f"“since {since}” is not in the past.")
    return start
