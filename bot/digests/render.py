"""Rendering a digest as chat text, Markdown or JSON (splitting is bot.text's job).

Numbers arrive already masked (see ``bot.digests.model``); here "None" becomes words such
as "fewer than 3", never a number.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from bot.digests.model import CampaignStep, Digest, DigestTheme, GroupCount

SCHEMA_VERSION = 1


def count(number: int, word: str) -> str:
    """'1 place', '3 places': every count in a digest reads as English."""
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


TREND_NEW = "new this period"
TREND_FROM_A_FEW = "growing from a few in the previous period"


def trend_text(item: DigestTheme) -> str:
    """The previous period's people appear as a number only from min_people up."""
    if item.previous_people is None:
        return TREND_NEW if item.trend == "new" else TREND_FROM_A_FEW
    change = item.people - item.previous_people
    sign = "+" if change >= 0 else "−"
    return f"{item.trend} ({item.previous_people} → {item.people} people, {sign}{abs(change)})"


def activity_text(item: DigestTheme) -> str:
    """Reports, and "me too"s only when there are enough to count: a column that would
    say "0" or "fewer than k" carries nothing, so it is left out."""
    parts = [count(item.reports, "report")]
    if item.me_too is not None:
        parts.append(f"{item.me_too} me-too")
    return ", ".join(parts)


def where_text(item: DigestTheme, joiner: str = ", ") -> str:
    """'3 places', and '2 circles' when reports came from several circles' chats: none, or
    the one circle a circle's own digest is about, says nothing worth a column."""
    places = count(item.places, "place")
    return f"{places}{joiner}{item.circles} circles" if item.circles > 1 else places


def places_text(item: DigestTheme) -> str:
    where = ", ".join(f"{p.name} ({p.people})" for p in item.named_places)
    return f" — including {where}" if where else ""


def parts_text(groups: tuple[GroupCount, ...]) -> str:
    """'sign-off chains (5), petty cash (3)': each part with its own count."""
    return ", ".join(f"{g.name} ({g.people})" for g in groups)


def step_text(step: CampaignStep) -> str:
    return f"{step.status}, {step.at:%d %b %Y} — {step.text}"


def detail_lines(item: DigestTheme) -> list[tuple[str, str]]:
    """(heading, value) for a theme's sub-themes, work areas and campaign steps: one list
    that text, Markdown and HTML each render in their own markup."""
    lines = [
        (heading, parts_text(groups))
        for heading, groups in (("Sub-themes", item.subthemes), ("Services", item.services))
        if groups
    ]
    return lines + [("Campaign", step_text(step)) for step in item.campaign]


def theme_lines(rank: int, item: DigestTheme, k: int) -> list[str]:
    lines = [f"{rank}. {item.title} (theme #{item.theme_id})"]
    if item.demand:
        lines.append(f"   Demand: {item.demand}")
    lines.append(f"   {item.people} people in {where_text(item)}{places_text(item)}")
    lines.append(f"   {activity_text(item)}; {trend_text(item)}")
    lines.extend(f"   {heading}: {value}" for heading, value in detail_lines(item))
    lines.extend(f"   “{quote}”" for quote in item.quotes)
    return lines


def last_day(end: datetime) -> datetime:
    """The last moment a period includes. A period ends at an exclusive midnight
    (``bot.digests.scope.day_end``); written as a date, that midnight would name the day
    after the last one ("– 02 Dec" on 1 Dec), so everything a person reads names this."""
    return end - timedelta(microseconds=1)


def period_text(start: datetime, end: datetime) -> str:
    """How every view names its period, in its first line: first and last day included."""
    return f"{start:%d %b %Y} – {last_day(end):%d %b %Y}"


def header(digest: Digest) -> str:
    return f"Shared-demand digest: {digest.scope_label}, {period_text(digest.start, digest.end)}"


def withheld_text(digest: Digest) -> str:
    """Said on every digest, whether or not anything was left out: a count (or even the
    sentence appearing only sometimes) would describe the few people behind it."""
    return (
        f"Barriers shared by fewer than {digest.min_people} people are not shown, "
        "to protect those who reported them."
    )


def empty_text(digest: Digest) -> str:
    return f"No barrier is shared by {digest.min_people} or more people in this period yet."


def render_text(digest: Digest) -> str:
    lines = [header(digest), ""]
    if not digest.themes:
        lines.append(empty_text(digest))
    for rank, item in enumerate(digest.themes, start=1):
        lines.extend(theme_lines(rank, item, digest.min_people))
        lines.append("")
    lines.append(withheld_text(digest))
    return "\n".join(lines).strip()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_escape(text: str) -> str:
    """User text must not turn into links, headings or HTML in a Markdown viewer."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_theme(rank: int, item: DigestTheme, k: int) -> list[str]:
    lines = [f"## {rank}. {md_escape(item.title)} (theme #{item.theme_id})", ""]
    if item.demand:
        lines.append(f"**Demand:** {md_escape(item.demand)}  ")
    where = ", ".join(f"{md_escape(p.name)} ({p.people})" for p in item.named_places)
    lines.append(f"- {item.people} people in {where_text(item)}")
    if where:
        lines.append(f"- Places with at least {k} people: {where}")
    lines.append(f"- {activity_text(item)}")
    lines.append(f"- Trend: {trend_text(item)}")
    lines.extend(f"- {heading}: {md_escape(value)}" for heading, value in detail_lines(item))
    lines.extend(f"> “{md_escape(quote)}”\n" for quote in item.quotes)
    return [*lines, ""]


def render_markdown(digest: Digest) -> str:
    lines = [f"# {md_escape(header(digest))}", ""]
    if not digest.themes:
        lines.append(empty_text(digest))
    for rank, item in enumerate(digest.themes, start=1):
        lines.extend(_md_theme(rank, item, digest.min_people))
    lines.append(withheld_text(digest))
    return "\n".join(lines).strip() + "\n"


def digest_dict(digest: Digest) -> dict[str, Any]:
    return {
        "schema": "groundswell.digest",
        "version": SCHEMA_VERSION,
        "scope": digest.scope_label,
        "start": digest.start.date().isoformat(),
        "end": digest.end.date().isoformat(),
        "min_people": digest.min_people,
        "themes": [_theme_dict(rank, item) for rank, item in enumerate(digest.themes, start=1)],
    }


def _theme_dict(rank: int, item: DigestTheme) -> dict[str, Any]:
    return {
        "rank": rank,
        "theme_id": item.theme_id,
        "title": item.title,
        "label": item.label,
        "demand": item.demand,
        "people": item.people,
        "places": item.places,
        "circles": item.circles,
        "reports": item.reports,
        "me_too": item.me_too,
        "named_places": [{"name": p.name, "people": p.people} for p in item.named_places],
        "trend": item.trend,
        "previous_people": item.previous_people,
        "change": item.change,
        "quotes": list(item.quotes),
        "latest": item.latest.date().isoformat() if item.latest else None,
        "subthemes": [
            {"subtheme_id": g.group_id, "title": g.name, "people": g.people} for g in item.subthemes
        ],
        "services": [{"work_area": g.name, "people": g.people} for g in item.services],
        "campaign": [
            {"status": s.status, "text": s.text, "at": s.at.date().isoformat()}
            for s in item.campaign
        ],
    }


def render_json(digest: Digest) -> str:
    return json.dumps(digest_dict(digest), indent=2, ensure_ascii=False)
