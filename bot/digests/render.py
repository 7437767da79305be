"""Rendering a digest as chat text, Markdown or JSON."""

from __future__ import annotations

import json
from typing import Any

from bot.digests.model import Digest, DigestTheme


def _trend_text(item: DigestTheme) -> str:
    if item.trend == "new":
        return "new this period"
    return f"{item.trend} ({item.previous_people} → {item.people} people)"


def _theme_lines(rank: int, item: DigestTheme) -> list[str]:
    lines = [f"{rank}. {item.title} (theme #{item.theme_id})"]
    if item.demand:
        lines.append(f"   Demand: {item.demand}")
    where = f" — including {', '.join(item.named_places)}" if item.named_places else ""
    lines.append(f"   {item.people} people in {item.places} places{where}")
    lines.append(f"   {item.reports} reports, {item.me_too} me-too; {_trend_text(item)}")
    lines.extend(f"   “{quote}”" for quote in item.quotes)
    return lines


def _header(digest: Digest) -> str:
    period = f"{digest.start:%d %b %Y} – {digest.end:%d %b %Y}"
    return f"Shared-demand digest: {digest.scope_label}, {period}"


def render_text(digest: Digest) -> str:
    lines = [_header(digest), ""]
    if not digest.themes:
        lines.append(
            f"No barrier is shared by {digest.min_people} or more people in this period yet."
        )
    for rank, item in enumerate(digest.themes, start=1):
        lines.extend(_theme_lines(rank, item))
        lines.append("")
    if digest.withheld:
        lines.append(
            f"{digest.withheld} more themes are shared by fewer than {digest.min_people} "
            "people and are not shown, to protect those who reported them."
        )
    return "\n".join(lines).strip()


def render_markdown(digest: Digest) -> str:
    lines = [f"# {_header(digest)}", ""]
    for rank, item in enumerate(digest.themes, start=1):
        lines.append(f"## {rank}. {item.title}")
        lines.extend(f"- {line.strip()}" for line in _theme_lines(rank, item)[1:])
        lines.append("")
    if not digest.themes:
        lines.append(f"No barrier is shared by {digest.min_people} or more people yet.")
    return "\n".join(lines).strip() + "\n"


def digest_dict(digest: Digest) -> dict[str, Any]:
    return {
        "scope": digest.scope_label,
        "start": digest.start.isoformat(),
        "end": digest.end.isoformat(),
        "min_people": digest.min_people,
        "withheld_themes": digest.withheld,
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
        "named_places": list(item.named_places),
        "trend": item.trend,
        "previous_people": item.previous_people,
        "quotes": list(item.quotes),
    }


def render_json(digest: Digest) -> str:
    return json.dumps(digest_dict(digest), indent=2, ensure_ascii=False)
