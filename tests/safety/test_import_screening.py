"""`groundswell import` screens rows as the chat screens messages (nlp/safety.py): nobody
is there to answer for a row, so a crisis or abusive row is not imported, and a
safeguarding disclosure is stored only as the fixed sentence, never its words."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.batch import import_csv
from bot.services.safety import BARRIER_WITHOUT_DETAILS
from storage.models import Report

BARRIER = "The agency staff rule means we cannot send anyone home on time, patients wait."
CRISIS = "I can't cope anymore. I've been thinking about ending it all"
DISCLOSURE = (
    "A carer on my unit slapped a resident last night and the manager told us to keep quiet."
)
ABUSIVE = "you useless pen pusher at the council, f*** off"


def write_csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "place", "reporter", "created_at"])
        for n, text in enumerate((BARRIER, CRISIS, DISCLOSURE, ABUSIVE)):
            writer.writerow([text, "Leeds", f"r{n}", "01/11/2026"])
    return path


async def stored_texts(app: App) -> list[str]:
    async with app.services.db.reading() as session:
        return sorted(await session.scalars(select(Report.text)))


async def test_import_skips_crisis_and_abuse_and_files_disclosures_without_words(
    app: App, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "reports.csv")
    result = await import_csv(app, path)
    assert result.imported == 2
    assert [p.split(":")[0] for p in result.problems] == ["line 3", "line 5"]
    assert "crisis" in result.problems[0] and "abusive" in result.problems[1]
    [note] = result.notes
    assert note.startswith("line 4: it reads as a safeguarding disclosure")
    for line in [*result.problems, *result.notes]:  # a line number, never the row's words
        assert not any(word in line for word in ("slapped", "ending it all", "pen pusher"))
    assert await stored_texts(app) == sorted([BARRIER, BARRIER_WITHOUT_DETAILS])
    assert "2 rows skipped" in result.summary() and "1 safeguarding" in result.summary()

    again = await import_csv(app, path)  # the filed disclosure is not filed twice
    assert (again.imported, again.already, again.notes) == (0, 2, [])
    assert len(again.problems) == 2
    assert await stored_texts(app) == sorted([BARRIER, BARRIER_WITHOUT_DETAILS])
