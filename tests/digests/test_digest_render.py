"""Rendering a hand-built digest: what each format says, without a database."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.digests.chart import chart_figure
from bot.digests.export import render_csv, render_html
from bot.digests.model import CampaignStep, Digest, DigestTheme, GroupCount
from bot.digests.render import render_json, render_markdown, render_text
from bot.digests.scope import period

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)


def theme(**changes: object) -> DigestTheme:
    fields: dict[str, object] = {
        "theme_id": 7,
        "title": "agency staff rule",
        "label": "agency staff rule",
        "demand": None,
        "people": 5,
        "places": 2,
        "circles": 0,
        "reports": 5,
        "me_too": None,
        "named_places": (),
        "trend": "new",
        "previous_people": None,
        "quotes": (),
        "latest": END,
    }
    fields.update(changes)
    return DigestTheme(**fields)  # type: ignore[arg-type]


def digest(*themes: DigestTheme) -> Digest:
    return Digest("everywhere", START, END, 3, themes)


DETAILED = theme(
    subthemes=(GroupCount("sign-off chains", 4, 11), GroupCount("petty cash", 3, 12)),
    services=(GroupCount("Health", 5),),
    campaign=(CampaignStep("won", "The rule is dropped", datetime(2026, 11, 20, tzinfo=UTC)),),
)


def test_sub_themes_services_and_campaign_read_alike_in_every_format() -> None:
    built = digest(DETAILED)
    text, markdown, html = render_text(built), render_markdown(built), render_html(built, b"")
    assert "   Sub-themes: sign-off chains (4), petty cash (3)" in text
    assert "   Services: Health (5)" in text
    assert "   Campaign: won, 20 Nov 2026 — The rule is dropped" in text
    assert "- Sub-themes: sign\\-off chains \\(4\\), petty cash \\(3\\)" in markdown
    assert "- Services: Health \\(5\\)" in markdown
    assert "- Campaign: won, 20 Nov 2026 — The rule is dropped" in markdown
    assert "<p>Sub-themes: sign-off chains (4), petty cash (3)</p>" in html
    assert "<p>Services: Health (5)</p>" in html
    assert "<p>Campaign: won, 20 Nov 2026 — The rule is dropped</p>" in html


def test_a_theme_without_parts_or_campaign_has_no_empty_headings() -> None:
    built = digest(theme())
    for rendered in (render_text(built), render_markdown(built), render_html(built, b"")):
        for heading in ("Sub-themes", "Services", "Campaign"):
            assert f"{heading}:" not in rendered


def test_a_period_ending_today_names_today_as_its_last_day_in_every_format() -> None:
    """Asked on 1 Dec, the period ends at the exclusive midnight starting 2 Dec; every
    format a person reads names 1 Dec as the last day. JSON keeps the documented exclusive
    ``end`` (SCHEMA.md)."""
    start, end = period(None, datetime(2026, 12, 1, 10, 0, tzinfo=UTC), ZoneInfo("Europe/London"))
    assert end == datetime(2026, 12, 2, tzinfo=ZoneInfo("Europe/London"))
    built = Digest("everywhere", start, end, 3, (theme(),))
    days = "02 Nov 2026 – 01 Dec 2026"  # the last 30 whole days
    assert render_text(built).splitlines()[0] == f"Shared-demand digest: everywhere, {days}"
    assert render_markdown(built).startswith(f"# Shared\\-demand digest: everywhere, {days}")
    assert f"<title>Shared-demand digest: everywhere, {days}</title>" in render_html(built, b"")
    assert chart_figure(built).axes[0].get_title() == f"Shared-demand digest: everywhere, {days}"
    [row] = list(csv.DictReader(io.StringIO(render_csv(built))))
    assert (row["period_start"], row["period_end"]) == ("2026-11-02", "2026-12-01")
    exported = json.loads(render_json(built))
    assert (exported["start"], exported["end"]) == ("2026-11-02", "2026-12-02")
