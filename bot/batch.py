"""Batch work for the CLI: importing reports from CSV and exporting them."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from bot.places_lookup import PlaceAnswer, resolve_place
from bot.services.reports import ReportRejected, check_text
from nlp.analysis import Analysis
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
    result.imported = await import_rows(app, rows, progress, batch)
    return result


async def import_rows(
    app: App, rows: list[Row], progress: Callable[[int], None] | None = None, batch: int = 256
) -> int:
    """Store rows a batch per commit, while spaCy (on its own thread) already analyses the
    next batch: the database work hides behind the embedding instead of adding to it."""
    chunks = [rows[start : start + batch] for start in range(0, len(rows), batch)]
    people: dict[str, int] = {}
    stored = 0
    upcoming = _analyse_soon(app, chunks, 0)
    try:
        for number, chunk in enumerate(chunks):
            analyses = await upcoming
            upcoming = _analyse_soon(app, chunks, number + 1)
            await _store_chunk(app, chunk, analyses, people)
            stored += len(chunk)
            if progress is not None:
                progress(len(chunk))
    finally:
        upcoming.cancel()
    return stored


def _analyse_soon(app: App, chunks: list[list[Row]], number: int) -> asyncio.Future[list[Analysis]]:
    if number >= len(chunks):
        done: asyncio.Future[list[Analysis]] = asyncio.get_running_loop().create_future()
        done.set_result([])
        return done
    return asyncio.ensure_future(app.services.nlp.analyse([r.text for r in chunks[number]]))


async def _store_chunk(
    app: App, chunk: list[Row], analyses: list[Analysis], people: dict[str, int]
) -> None:
    await set_up_reporters(app, chunk, people)
    reports = [report_for(row, people) for row in chunk]
    await app.services.reports.store_many(list(zip(reports, analyses, strict=True)))


async def set_up_reporters(app: App, rows: list[Row], people: dict[str, int]) -> None:
    """The same reporter value is the same person; new ones are set up a batch at a time."""
    new: dict[str, Row] = {}
    for row in rows:
        if row.reporter not in people:
            new.setdefault(row.reporter, row)
    reporters = [(name, place_of(row)) for name, row in new.items()]
    ids = await app.services.people.imported(IMPORT_PLATFORM, reporters)
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


EXPORT_COLUMNS = (
    *("id", "created_at", "place", "theme_id", "theme_label"),
    *("subtheme_id", "subtheme_label", "text"),
)


async def export_reports(app: App, fmt: str) -> str:
    """One row per report, its text scrubbed: quotes leave the system only that way."""
    async with app.services.db.transaction() as session:
        rows = await report_store.reports_for_export(session)
    texts = await app.services.nlp.scrub([r.text for r, _, _ in rows])
    records = [
        {
            "id": r.id,
            "created_at": r.created_at.isoformat(),
            "place": r.place or "",
            "theme_id": t.id if t else "",
            "theme_label": (t.name or t.label) if t else "",
            "subtheme_id": s.id if s else "",
            "subtheme_label": (s.name or s.label) if s else "",
            "text": text,
        }
        for (r, t, s), text in zip(rows, texts, strict=True)
    ]
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()
