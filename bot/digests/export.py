"""Export formats: CSV (one row per theme), a self-contained HTML report, and the set of
files ``/digest export`` sends.

HTML goes through Jinja2 with autoescaping on, so a theme name or quote can never become
markup; the chart is embedded as a base64 PNG so the file opens anywhere, offline.
"""

from __future__ import annotations

import base64
import csv
import io

from jinja2 import Environment, select_autoescape

from bot.digests.chart import chart_png
from bot.digests.model import Digest, DigestTheme
from bot.digests.render import (
    activity_text,
    detail_lines,
    header,
    last_day,
    render_json,
    render_markdown,
    step_text,
    trend_text,
    where_text,
    withheld_text,
)
from bot.messages import OutFile

CSV_COLUMNS = (
    "period_start",
    "period_end",
    "rank",
    "theme_id",
    "title",
    "label",
    "demand",
    "people",
    "places",
    "circles",
    "reports",
    "me_too",
    "trend",
    "previous_people",
    "change",
    "named_places",
    "subthemes",
    "services",
    "quote_1",
    "quote_2",
    "campaign",
)


def _csv_row(digest: Digest, rank: int, item: DigestTheme) -> list[str | int]:
    """Masked numbers are written as "<k" so a spreadsheet never shows 1 or 2."""
    masked = f"<{digest.min_people}"
    quotes = [*item.quotes, "", ""][:2]
    return [
        f"{digest.start:%Y-%m-%d}",
        f"{last_day(digest.end):%Y-%m-%d}",
        rank,
        item.theme_id,
        item.title,
        item.label,
        item.demand or "",
        item.people,
        item.places,
        item.circles,
        item.reports,
        masked if item.me_too is None else item.me_too,
        item.trend,
        masked if item.previous_people is None else item.previous_people,
        "" if item.change is None else item.change,
        "; ".join(f"{p.name} ({p.people})" for p in item.named_places),
        "; ".join(f"{g.name} ({g.people})" for g in item.subthemes),
        "; ".join(f"{g.name} ({g.people})" for g in item.services),
        *quotes,
        "; ".join(step_text(step) for step in item.campaign),
    ]


def empty_columns(digest: Digest) -> set[str]:
    """Columns no theme has anything in: no report came from several circles' chats, or no theme
    has enough "me too"s to count. They are left out rather than filled with 0 or "<k"."""
    themes = digest.themes
    empty = set()
    if themes and all(t.circles <= 1 for t in themes):
        empty.add("circles")
    if themes and all(t.me_too is None for t in themes):
        empty.add("me_too")
    if not any(t.campaign for t in themes):
        empty.add("campaign")
    return empty


def render_csv(digest: Digest) -> str:
    """The period is in the first two columns of every row (and the header names them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    skip = empty_columns(digest)
    keep = [i for i, name in enumerate(CSV_COLUMNS) if name not in skip]
    writer.writerow([CSV_COLUMNS[i] for i in keep])
    for rank, item in enumerate(digest.themes, start=1):
        row = _csv_row(digest, rank, item)
        writer.writerow([row[i] for i in keep])
    return buffer.getvalue()


_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_TEMPLATE = _ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       color: #1b1b1b; background: #fafaf7; line-height: 1.45; }
h1 { font-size: 1.5rem; border-bottom: 4px solid #1f6f8b; padding-bottom: .4rem; }
.theme { background: #fff; border-left: 6px solid #e07a5f; padding: .8rem 1.2rem;
         margin: 1rem 0; box-shadow: 0 1px 3px #0002; }
.theme h2 { font-size: 1.15rem; margin: 0 0 .4rem; }
.demand { font-weight: 600; color: #1f6f8b; }
.trend { display: inline-block; padding: 0 .5rem; border-radius: .6rem; background: #f2cc8f; }
.trend-rising { background: #81b29a; } .trend-falling { background: #e5989b; }
blockquote { margin: .4rem 0 .4rem 1rem; font-style: italic; color: #444; }
img.chart { max-width: 100%; border: 1px solid #ddd; background: #fff; }
.note { color: #555; font-size: .9rem; }
</style></head><body>
<h1>{{ title }}</h1>
<p class="note">Only barriers shared by at least {{ k }} people are shown; a place is named
only where at least {{ k }} people there share the barrier.</p>
<img class="chart" alt="Bar chart of people and places per theme"
     src="data:image/png;base64,{{ chart }}">
{% for t in themes %}
<section class="theme">
<h2>{{ loop.index }}. {{ t.item.title }} <small>(theme #{{ t.item.theme_id }})</small></h2>
{% if t.item.demand %}<p class="demand">Demand: {{ t.item.demand }}</p>{% endif %}
<p>{{ t.item.people }} people in {{ t.where }}
{%- if t.item.named_places %}, including
{% for p in t.item.named_places %}{{ p.name }} ({{ p.people }}){% if not loop.last %}, {% endif %}
{%- endfor %}{% endif %}.</p>
<p>{{ t.activity }}.
<span class="trend trend-{{ t.item.trend }}">{{ t.trend }}</span></p>
{% for heading, value in t.details %}<p>{{ heading }}: {{ value }}</p>{% endfor %}
{% for q in t.item.quotes %}<blockquote>“{{ q }}”</blockquote>{% endfor %}
</section>
{% else %}<p>{{ empty }}</p>{% endfor %}
{% if withheld %}<p class="note">{{ withheld }}</p>{% endif %}
</body></html>
"""
)


def render_html(digest: Digest, chart: bytes | None = None) -> str:
    k = digest.min_people
    png = chart if chart is not None else chart_png(digest)
    themes = [
        {
            "item": t,
            "trend": trend_text(t),
            "activity": activity_text(t),
            "where": where_text(t, " and "),
            "details": detail_lines(t),
        }
        for t in digest.themes
    ]
    return _TEMPLATE.render(
        title=header(digest),
        k=k,
        chart=base64.b64encode(png).decode("ascii"),
        themes=themes,
        empty=f"No barrier is shared by {k} or more people in this period yet.",
        withheld=withheld_text(digest),
    )


def export_files(digest: Digest, stem: str = "digest") -> tuple[OutFile, ...]:
    """Everything ``/digest export`` sends: four documents and the chart as an image."""
    png = chart_png(digest)
    return (
        OutFile(f"{stem}.md", render_markdown(digest).encode(), "text/markdown"),
        OutFile(f"{stem}.csv", render_csv(digest).encode(), "text/csv"),
        OutFile(f"{stem}.json", render_json(digest).encode(), "application/json"),
        OutFile(f"{stem}.html", render_html(digest, png).encode(), "text/html"),
        OutFile(f"{stem}-chart.png", png, "image/png", is_image=True),
    )
