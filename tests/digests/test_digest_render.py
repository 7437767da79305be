"""Rendering a hand-built digest: what each format says, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.digests.export import render_html
from bot.digests.model import CampaignStep, Digest, DigestTheme, GroupCount
from bot.digests.render import render_markdown, render_text

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
