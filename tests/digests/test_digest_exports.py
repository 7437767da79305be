"""Every export format parsed back or opened, and the k-anonymity rule checked on each."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from digest_seed import NOW, Seeded
from PIL import Image

from bot.app import App
from bot.digests.chart import chart_figure, chart_png
from bot.digests.curation import Curator
from bot.digests.export import CSV_COLUMNS, export_files, render_csv, render_html
from bot.digests.model import Digest
from bot.digests.render import render_json, render_markdown, render_text
from bot.digests.scope import Scope

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
UNSHARED_PLACES = ("Derby", "York", "Hull")  # each has fewer than 3 people in any theme


async def everywhere(app: App) -> Digest:
    return await app.services.digests.build(Scope(), "everywhere", NOW - timedelta(30), NOW)


def all_formats(digest: Digest) -> dict[str, str]:
    return {
        "text": render_text(digest),
        "md": render_markdown(digest),
        "csv": render_csv(digest),
        "json": render_json(digest),
        "html": render_html(digest),
    }


async def test_csv_has_one_row_per_theme_with_the_numbers(app: App, seeded: Seeded) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(await everywhere(app)))))
    assert tuple(rows[0].keys()) == tuple(c for c in CSV_COLUMNS if c != "campaign")  # none yet
    assert [int(r["theme_id"]) for r in rows] == [seeded.themes[x] for x in "DAEB"]
    a = rows[1]
    assert (a["people"], a["places"], a["circles"], a["reports"]) == ("5", "3", "2", "6")
    masked = (a["me_too"], a["trend"], a["previous_people"], a["change"])
    assert masked == ("<3", "rising", "3", "2")
    assert a["named_places"] == "Leeds (3)"
    assert a["quote_1"] and "@" not in a["quote_1"] + a["quote_2"]
    d = rows[0]
    assert (d["people"], d["me_too"], d["previous_people"], d["change"]) == ("6", "3", "<3", "")


async def test_json_parses_back_to_the_documented_schema(app: App, seeded: Seeded) -> None:
    data = json.loads(render_json(await everywhere(app)))
    assert (data["schema"], data["version"], data["min_people"]) == ("groundswell.digest", 1, 3)
    assert "withheld_themes" not in data  # a count of hidden themes would describe them
    assert [t["rank"] for t in data["themes"]] == [1, 2, 3, 4]
    b = data["themes"][3]
    assert b["theme_id"] == seeded.themes["B"]
    assert b["named_places"] == [{"name": "Bradford", "people": 3}]
    assert (b["people"], b["places"], b["me_too"], b["trend"]) == (3, 1, None, "falling")
    assert (b["previous_people"], b["change"]) == (5, -2)
    assert len(data["start"]) == len(data["end"]) == len("2026-06-30")  # whole days only
    assert set(b) >= {"title", "label", "demand", "circles", "reports", "quotes", "latest"}


async def test_markdown_and_text_carry_the_same_facts(app: App, seeded: Seeded) -> None:
    digest = await everywhere(app)
    text, md = render_text(digest), render_markdown(digest)
    assert "5 people in 3 places, 2 circles — including Leeds (3)" in text
    assert "rising (3 → 5 people, +2)" in text and "falling (5 → 3 people, −2)" in text
    assert "; new this period\n" in text and "; growing from a few in the previous period" in text
    assert "6 people in 2 places\n   3 reports, 3 me-too; growing" in text  # D: no circle
    assert "6 reports; rising" in text  # A: fewer than 3 "me too"s is left out, not "fewer than"
    assert "fewer than 3 me-too" not in text and "0 circles" not in text
    assert "Barriers shared by fewer than 3 people are not shown" in text
    assert md.startswith("# Shared") and "- 5 people in 3 places, 2 circles" in md
    assert "- 6 people in 2 places\n" in md and "0 circles" not in md
    assert "Places with at least 3 people: Leeds (3)" in md


async def test_k_anonymity_in_every_format(app: App, seeded: Seeded) -> None:
    digest = await everywhere(app)
    withheld_title = await app.services.themes.get(seeded.themes["C"])
    assert withheld_title is not None
    for name, output in all_formats(digest).items():
        for place in UNSHARED_PLACES:
            assert not re.search(rf"\b{place}\b", output), (name, place)
        assert "Leeds" in output and "Bradford" in output, name
        assert "Parking" not in output and "park" not in output.casefold(), name
        for number in re.findall(r"(\d+) (?:people|me-too)", output):
            assert int(number) >= 3, (name, number)
    data = json.loads(render_json(digest))
    for theme in data["themes"]:
        assert theme["people"] >= 3
        assert theme["me_too"] is None or theme["me_too"] >= 3
        assert theme["previous_people"] is None or theme["previous_people"] >= 3
        assert all(p["people"] >= 3 for p in theme["named_places"])
    for row in csv.DictReader(io.StringIO(render_csv(digest))):
        for column in ("people", "me_too", "previous_people"):
            assert row[column] == "<3" or int(row[column]) >= 3, (column, row)


async def test_chart_has_a_bar_pair_per_shown_theme_only(app: App, seeded: Seeded) -> None:
    digest = await everywhere(app)
    axes = chart_figure(digest).axes[0]
    widths = [patch.get_width() for patch in axes.patches]  # type: ignore[attr-defined]
    assert len(widths) == 2 * len(digest.themes) == 8
    assert sorted(widths[:4]) == [3, 4, 5, 6]  # people bars, each >= min_people
    assert sorted(widths[4:]) == [1, 2, 3, 4]  # places bars
    png = Image.open(io.BytesIO(chart_png(digest)))
    assert png.format == "PNG" and png.width > 500


LONG_NAME = "Procurement shuts out small local providers and social enterprises from council work"


async def test_chart_wraps_curated_names_and_titles_scope_and_dates(
    app: App, seeded: Seeded
) -> None:
    await Curator(app.services.db, app.services.themes).set_text(
        "console:olive", seeded.themes["A"], "name", LONG_NAME
    )
    digest = await everywhere(app)
    figure = chart_figure(digest)
    axes = figure.axes[0]
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    [long_label] = [label for label in labels if "Procurement" in label]
    assert long_label.replace("\n", " ") == f"#{seeded.themes['A']} {LONG_NAME}"
    assert "…" not in long_label and all(len(line) <= 32 for line in long_label.split("\n"))
    assert axes.get_title() == "Shared-demand digest: everywhere, 31 May 2026 – 30 Jun 2026"
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for tick in axes.get_yticklabels():
        assert tick.get_window_extent(renderer).x0 >= 0, "a label runs off the image"


async def test_export_files_are_the_four_documents_and_the_chart(app: App, seeded: Seeded) -> None:
    files = export_files(await everywhere(app))
    assert [f.name for f in files] == [
        "digest.md",
        "digest.csv",
        "digest.json",
        "digest.html",
        "digest-chart.png",
    ]
    assert [f.is_image for f in files] == [False, False, False, False, True]
    assert json.loads(files[2].content)["themes"]
    assert files[4].content.startswith(b"\x89PNG")


async def test_html_escapes_user_text(app: App, seeded: Seeded) -> None:
    curator = Curator(app.services.db, app.services.themes)
    await curator.set_text("console:olive", seeded.themes["A"], "name", "<script>x()</script>")
    html = render_html(await everywhere(app))
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    md = render_markdown(await everywhere(app))
    assert "\\<script\\>" in md


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
async def test_html_opens_in_headless_chromium(app: App, seeded: Seeded, tmp_path: Path) -> None:
    page = tmp_path / "digest.html"
    page.write_text(render_html(await everywhere(app)), encoding="utf-8")
    shot = tmp_path / "shot.png"
    await asyncio.to_thread(screenshot, page, shot, tmp_path / "profile")
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # text, chart and bars, not a blank page
    assert image.size == (1200, 900)


def screenshot(page: Path, shot: Path, profile: Path) -> None:
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--window-size=1200,900",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
