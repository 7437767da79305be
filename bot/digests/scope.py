"""A digest's scope, and parsing what follows ``/digest``: ``circle NAME``, ``place NAME``,
``since 7d|30d|90d|YYYY-MM-DD`` and ``export``, in any order. Pure: resolving names and
permissions is ``bot.services.digests``' job, which has the circles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KEYWORDS = ("circle", "place", "since", "export")
DEFAULT_DAYS = 30
WINDOWS = {"7d": 7, "30d": 30, "90d": 90}
MAX_MONTHS = 24
SINCE_CHOICES = "use 7d, 30d, 90d or the first of a month, like 2026-01 or 2026-01-01"
USAGE = (
    "Use /digest [circle NAME] [place NAME] [since 7d|30d|90d|YYYY-MM] [export], "
    "e.g. /digest circle Leeds Health since 90d"
)


@dataclass(frozen=True)
class Scope:
    """Whose reports a digest counts: everyone's (both None), a circle's (its linked chats
    and its members' reports from anywhere since joining), a place's, or a place within a
    circle. Storage takes the two fields as plain keywords."""

    circle_id: int | None = None
    place_key: str | None = None


Resolved = tuple[Scope, str]
"""A scope and how the digest's header names it ("circle Leeds Health", "everywhere")."""
EVERYWHERE: Resolved = (Scope(), "everywhere")


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


Period = tuple[datetime, datetime]


def day_end(now: datetime, zone: ZoneInfo) -> datetime:
    """The next local midnight: every period ends on a whole day, so two digests asked an
    hour apart cover the same days, and no period edge can be placed between two reports."""
    today = now.astimezone(zone).date()
    return datetime.combine(today + timedelta(days=1), time.min, zone)


def period(since: str | None, now: datetime, zone: ZoneInfo) -> Period:
    """(start, end) of a digest period, only ever one of the fixed windows: the last 7, 30
    or 90 whole days, or since the first day of a calendar month (``2026-01`` or
    ``2026-01-01``) within the last two years. Any other date is refused: comparing digests
    that start a day apart isolates whoever reported on that day."""
    end = day_end(now, zone)
    if since is None:
        return end - timedelta(days=DEFAULT_DAYS), end
    word = since.strip().casefold()
    if word in WINDOWS:
        return end - timedelta(days=WINDOWS[word]), end
    return _month_start(since, now.astimezone(zone).date(), zone), end


def _month_start(since: str, today: date, zone: ZoneInfo) -> datetime:
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})(?:-01)?", since.strip())
    month = (int(match.group(1)), int(match.group(2))) if match else None
    if month is None or not 1 <= month[1] <= 12:
        raise ScopeError(f"“since {since[:40]}”: {SINCE_CHOICES}.")
    months_back = (today.year - month[0]) * 12 + today.month - month[1]
    if not 0 <= months_back < MAX_MONTHS:
        raise ScopeError(
            f"“since {since[:40]}”: choose a month within the last {MAX_MONTHS} months, "
            "or 7d, 30d or 90d."
        )
    return datetime.combine(date(month[0], month[1], 1), time.min, zone)
