"""Batch work for the CLI: importing reports from CSV and exporting them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from bot.messages import Incoming
from bot.places_lookup import PlaceAnswer, resolve_place
from bot.services.reports import ReportRejected, check_text
from storage import reports as report_store
from storage.models import Report

IMPORT_PLATFORM = "import"


@dataclass(frozen=True)
class Row:
    line: int
    text: str
    place: str | None
    reporter: str
    created_at: datetime | None


@dataclass
class ImportResult:
    imported: int = 0
    problems: list[str] = field(default_factory=list)


def parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_rows(path: Path, limit: int, result: ImportResult) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "text" not in reader.fieldnames:
            raise ValueError(f"{path}: the first line must name the columns, including 'text'")
        for record in reader:
            line = reader.line_num
            try:
                text = check_text(record.get("text") or "", limit)
                created = parse_time(record["created_at"]) if record.get("created_at") else None
            except (ReportRejected, ValueError) as problem:
                result.problems.append(f"line {line}: {problem}")
                continue
            reporter = (record.get("reporter") or "").strip() or f"row-{line}"
            yield Row(line, text, (record.get("place") or "").strip() or None, reporter, created)


async def import_csv(
    app: App, path: Path, progress: Callable[[int], None] | None = None, batch: int = 256
) -> ImportResult:
    """Bad rows are reported with line numbers; good rows are kept, a batch per commit."""
    result = ImportResult()
    rows = list(read_rows(path, app.settings.max_report_chars, result))
    people: dict[str, int] = {}
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        analyses = await app.services.nlp.analyse([r.text for r in chunk])
        await set_up_reporters(app, chunk, people)
        reports = [report_for(row, people) for row in chunk]
        await app.services.reports.store_many(list(zip(reports, analyses, strict=True)))
        result.imported += len(chunk)
        if progress is not None:
            progress(len(chunk))
    return result


async def set_up_reporters(app: App, rows: list[Row], people: dict[str, int]) -> None:
    """The same reporter value is the same person; new ones are set up a batch at a time."""
    new: dict[str, Row] = {}
    for row in rows:
        if row.reporter not in people:
            new.setdefault(row.reporter, row)
    reporters = [
        (Incoming(platform=IMPORT_PLATFORM, chat_id="import", user_id=name), place_of(row))
        for name, row in new.items()
    ]
    ids = await app.services.people.imported(reporters)
    people.update(zip(new, ids, strict=True))


def place_of(row: Row) -> PlaceAnswer | None:
    return resolve_place(row.place) if row.place else None


def report_for(row: Row, people: dict[str, int]) -> Report:
    place = place_of(row)
    report = Report(
        person_id=people[row.reporter],
        text=row.text,
        place=place.name if place else None,
        place_key=place.key if place else None,
        platform=IMPORT_PLATFORM,
        chat_id="import",
        message_id=None,
    )
    if row.created_at is not None:
        report.created_at = row.created_at
    return report


EXPORT_COLUMNS = ("id", "created_at", "place", "theme_id", "theme_label", "text")


async def export_reports(app: App, fmt: str) -> str:
    """One row per report, its text scrubbed: quotes leave the system only that way."""
    async with app.services.db.transaction() as session:
        rows = await report_store.reports_for_export(session)
    texts = await app.services.nlp.scrub([r.text for r, _ in rows])
    records = [
        {
            "id": r.id,
            "created_at": r.created_at.isoformat(),
            "place": r.place or "",
            "theme_id": t.id if t else "",
            "theme_label": (t.name or t.label) if t else "",
            "text": text,
        }
        for (r, t), text in zip(rows, texts, strict=True)
    ]
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()
