"""The batch CLI end to end: import a CSV, recluster, digest and export, as subprocesses."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PROCUREMENT = [
    "Procurement rules stop us buying from the local social enterprise.",
    "The tender framework shuts out small local providers and social enterprises.",
    "Procurement thresholds mean only big contractors can bid for our contracts.",
    "Commissioning rules block us from contracting the community interest company.",
]
RISK = [
    "The risk policy forbids letting patients go home with family support.",
    "Risk assessments always say no to people taking risks they have chosen.",
]


def groundswell(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"GROUNDSWELL_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "groundswell", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=db.parent,
    )


@pytest.fixture
def reports_csv(tmp_path: Path) -> Path:
    path = tmp_path / "reports.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "place", "reporter", "created_at"])
        for number, text in enumerate(PROCUREMENT):
            writer.writerow([text, ["Leeds", "Leeds", "Leeds", "York"][number], f"p{number}", ""])
        for number, text in enumerate(RISK):
            writer.writerow([text, "Hull", f"r{number}", "2026-11-01T10:00:00"])
        writer.writerow(["", "Leeds", "x", ""])  # line 8: no text
        writer.writerow(["Call John on 07700 900123", "Leeds", "p0", "not-a-date"])  # line 9
    return path


def test_import_keeps_good_rows_and_names_bad_lines(tmp_path: Path, reports_csv: Path) -> None:
    db = tmp_path / "gs.db"
    result = groundswell(db, "import", str(reports_csv))
    assert "Imported 6 reports; 2 rows skipped." in result.stdout
    assert "line 8: the text is empty; nothing was imported from this row" in result.stderr
    assert "line 9: created_at: “not-a-date” is not a date I can read" in result.stderr
    assert "getting in your way" not in result.stderr  # the chat's wording is for chat
    assert result.returncode == 1

    assert groundswell(db, "recluster").returncode == 0
    exported = groundswell(db, "export", "reports", "--format", "json")
    rows = json.loads(exported.stdout)
    # Only reports of themes at least 3 reporters share: the two Hull risk reports (two
    # people) stay out; a place only at the level where 3 of the theme's reporters are (a
    # district, else the region), never York's single reporter; days, not times.
    assert rows and {r["text"] for r in rows} <= set(PROCUREMENT)
    assert {r["place"] for r in rows} <= {"Leeds", "Yorkshire and The Humber", ""}
    assert all(len(r["created_at"]) == len("2026-11-01") for r in rows)
    assert list(rows[0]) == [
        *("id", "created_at", "place", "theme_id", "theme_label"),
        *("subtheme_id", "subtheme_label", "text"),
    ]
    assert all(r["subtheme_id"] and r["theme_id"] for r in rows), "both levels for every report"


def test_recluster_then_digest(tmp_path: Path, reports_csv: Path) -> None:
    db = tmp_path / "gs.db"
    groundswell(db, "import", str(reports_csv))
    result = groundswell(db, "recluster")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Re-clustered 6 reports:")
    out = tmp_path / "digest.json"
    digest = groundswell(db, "digest", "--since", "90d", "--format", "json", "--out", str(out))
    assert digest.returncode == 0, digest.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["min_people"] == 3
    assert all(theme["people"] >= 3 for theme in data["themes"])
    people = [theme["people"] for theme in data["themes"]]
    assert people == sorted(people, reverse=True)


def test_export_csv_scrubs_quotes(tmp_path: Path) -> None:
    db = tmp_path / "gs.db"
    source = tmp_path / "one.csv"
    # three reporters, so the theme may be shown (the export holds only shown themes)
    text = "Email jane.doe@nhs.net about the procurement rules that shut out our supplier"
    source.write_text("text,reporter\n" + "".join(f'"{text}",{who}\n' for who in "abc"), "utf-8")
    groundswell(db, "import", str(source))
    exported = groundswell(db, "export", "reports", "--format", "csv")
    assert "jane.doe@nhs.net" not in exported.stdout
    assert exported.stdout.count("[email]") == 3


def test_bad_since_is_one_line(tmp_path: Path) -> None:
    result = groundswell(tmp_path / "gs.db", "digest", "--since", "lately")
    assert result.returncode == 1
    # the wording is /digest's own (bot.digests.scope), so the CLI and chat say the same
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("groundswell: --since: ") and "lately" in line
    assert "7d, 30d, 90d" in line


def test_reimport_is_idempotent_and_reads_uk_dates(tmp_path: Path) -> None:
    path = tmp_path / "uk.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "place", "reporter", "created_at"])
        writer.writerow([PROCUREMENT[0], "Leeds", "p0", "01/11/2026"])
        writer.writerow([PROCUREMENT[1], "Leeds", "p1", "15/06/2026 14:30"])
        writer.writerow([PROCUREMENT[1], "Leeds", "p1", "15/06/2026 14:30"])  # the same again
        writer.writerow([RISK[0], "Hull", "r0", "2026-11-02"])
    db = tmp_path / "gs.db"
    first = groundswell(db, "import", str(path))
    assert first.returncode == 0, first.stderr
    assert "Imported 3 reports; 0 rows skipped. 1 were already there" in first.stdout
    again = groundswell(db, "import", str(path))
    assert again.returncode == 0, again.stderr
    assert (
        "Imported 0 reports; 0 rows skipped. 4 were already there, so were not added again."
        in again.stdout
    )
    # these themes have fewer than min_people reporters, so no export shows them: read
    # what was stored straight from the database file
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT text, created_at FROM reports ORDER BY id").fetchall()
    assert [text for text, _ in rows] == [PROCUREMENT[0], PROCUREMENT[1], RISK[0]]
    # day first, in the configured zone (Europe/London: GMT in November, BST in June), as UTC
    assert [str(stamp)[:16] for _, stamp in rows] == [
        "2026-11-01 00:00",
        "2026-06-15 13:30",
        "2026-11-02 00:00",
    ]
