"""Batch work for the CLI: importing reports from CSV and exporting them."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import App
from bot.digests.model import NamedPlace
from bot.digests.naming import name_places, place_name_for, quote_text
from bot.places_lookup import PlaceAnswer, resolve_place
from bot.services.reports import ReportRejected, check_text
from bot.services.safety import BARRIER_WITHOUT_DETAILS
from bot.visibility import Visibility
from nlp.analysis import Analysis
from nlp.safety import Concern
from storage import imports as import_store
from storage import reports as report_store
from storage.models import Report

IMPORT_PLATFORM = "import"
IMPORT_CHAT = "import"
# Day first, as dates are written in the UK; ISO 8601 (2026-11-01, 2026-11-01T10:00) first of all.
UK_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y")
DATE_HELP = "use a date like 01/11/2026 (day first) or 2026-11-01, optionally with a time"
NOT_IMPORTED = "nothing was imported from this row"


@dataclass(frozen=True)
class Row:
    line: int
    text: str
    place: str | None
    reporter: str
    created_at: datetime | None
    filed: bool = False  # a safeguarding disclosure, now the fixed sentence (screen_rows)


@dataclass
class ImportResult:
    imported: int = 0
    already: int = 0  # rows whose reporter, text and date were imported before
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # imported, but the operator must act

    def summary(self) -> str:
        again = (
            f" {self.already} were already there, so were not added again." if self.already else ""
        )
        filed = (
            f" {len(self.notes)} safeguarding disclosures were filed without their words."
            if self.notes
            else ""
        )
        return f"Imported {self.imported} reports; {len(self.problems)} rows skipped.{again}{filed}"


def parse_time(value: str, zone: ZoneInfo) -> datetime:
    """ISO 8601 or a UK day-first date; a time without a zone is the configured zone's.
    Returned in UTC, as everything is stored (SQLite would keep another zone's wall time)."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _uk_date(text)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)


def _uk_date(text: str) -> datetime:
    for pattern in UK_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date I can read: {DATE_HELP}")


IMPORT_WORDING = {
    "empty": "the text is empty",
    "no_words": "the text has no words in it",
}


def import_problem(problem: ReportRejected, text: str, limit: int) -> str:
    """The chat's wording talks to a person typing; an import row needs the column's terms."""
    if problem.reason == "too_long":
        return f"the text is {len(text.strip())} characters, over the limit of {limit}"
    return IMPORT_WORDING.get(problem.reason, str(problem))


def _row(record: dict[str, str | None], line: int, limit: int, zone: ZoneInfo) -> Row:
    raw = record.get("text") or ""
    try:
        text = check_text(raw, limit)
    except ReportRejected as problem:
        raise ValueError(f"{import_problem(problem, raw, limit)}; {NOT_IMPORTED}") from None
    when = record.get("created_at")
    try:
        created = parse_time(when, zone) if when and when.strip() else None
    except ValueError as problem:
        raise ValueError(f"created_at: {problem}; {NOT_IMPORTED}") from None
    reporter = (record.get("reporter") or "").strip() or f"row-{line}"
    return Row(line, text, (record.get("place") or "").strip() or None, reporter, created)


def read_rows(path: Path, limit: int, result: ImportResult, zone: ZoneInfo) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "text" not in reader.fieldnames:
            raise ValueError(f"{path}: the first line must name the columns, including 'text'")
        for record in reader:
            try:
                yield _row(record, reader.line_num, limit, zone)
            except ValueError as problem:
                result.problems.append(f"line {reader.line_num}: {problem}")


SCREENED = {
    Concern.CRISIS: (
        "it reads as a crisis message (a risk to the writer's own life or safety), which is "
        "kept only if its writer, offered help first, chooses to; if you know who wrote it, "
        "check on them"
    ),
    Concern.ABUSE: "it reads as abusive or hateful text, which is never stored",
}
FILED_NOTE = (
    "it reads as a safeguarding disclosure: its words were not imported, only a barrier "
    "without details (that it was hard to raise a safeguarding concern at work); the concern "
    "itself needs your safeguarding lead or the local authority's safeguarding team"
)


async def screen_rows(app: App, rows: list[Row], result: ImportResult) -> list[Row]:
    """The chat's safety screen (nlp/safety.py) for rows nobody is there to answer for: a
    crisis or abusive row is not imported (a row problem, naming the line, never the text);
    a safeguarding disclosure becomes the fixed sentence the chat files, so its words never
    reach themes, quotes or digests, nor its key (``row_key`` of the fixed sentence)."""
    concerns = await app.services.nlp.assess([row.text for row in rows]) if rows else []
    kept: list[Row] = []
    for row, concern in zip(rows, concerns, strict=True):
        if concern is None:
            kept.append(row)
        elif concern is Concern.SAFEGUARDING:
            kept.append(replace(row, text=BARRIER_WITHOUT_DETAILS, filed=True))
        else:
            result.problems.append(f"line {row.line}: {SCREENED[concern]}; {NOT_IMPORTED}")
    return kept


def row_key(row: Row) -> str:
    """What makes a row the same report again: its reporter, text and date. Stored as the
    report's message id, so the database's unique key keeps a re-import from doubling it."""
    when = row.created_at.isoformat() if row.created_at else ""
    digest = hashlib.sha256("\x1f".join((row.reporter, row.text, when)).encode()).hexdigest()
    return f"csv-{digest[:40]}"


async def new_rows(app: App, rows: list[Row]) -> list[Row]:
    """Rows not imported before (and not repeated within this file)."""
    keys = {row_key(row): row for row in rows}
    async with app.services.db.reading() as session:
        known = await import_store.existing_message_ids(
            session, IMPORT_PLATFORM, IMPORT_CHAT, list(keys)
        )
    return [row for key, row in keys.items() if key not in known]


async def import_csv(
    app: App, path: Path, progress: Callable[[int], None] | None = None, batch: int = 256
) -> ImportResult:
    """Bad rows are reported with line numbers; good rows are kept, a batch per commit."""
    result = ImportResult()
    settings = app.settings
    rows = list(read_rows(path, settings.max_report_chars, result, settings.zone))
    kept = await rows_to_store(app, rows, result)
    if progress is not None and result.already:
        progress(result.already)
    result.imported = await import_rows(app, kept, progress, batch)
    return result


async def rows_to_store(app: App, rows: list[Row], result: ImportResult) -> list[Row]:
    """The rows not imported before, screened. Only new rows are screened (a re-import
    costs no parse); a disclosure filed by an earlier import is known only by the fixed
    sentence's key, so screened rows are checked once more when any was filed."""
    fresh = await new_rows(app, rows)
    screened = await screen_rows(app, fresh, result)
    kept = await new_rows(app, screened) if any(r.filed for r in screened) else screened
    result.notes.extend(f"line {r.line}: {FILED_NOTE}" for r in kept if r.filed)
    result.already = len(rows) - len(fresh) + len(screened) - len(kept)
    return kept


async def import_rows(
    app: App, rows: list[Row], progress: Callable[[int], None] | None = None, batch: int = 256
) -> int:
    """Store rows as given (``import_csv`` screens them first), a batch per commit, while
    spaCy (on its own thread) already analyses the next batch: the database work hides
    behind the embedding instead of adding to it. A row repeated within ``rows`` is stored
    once (see ``row_key``)."""
    rows = list({row_key(row): row for row in rows}.values())
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
        chat_id=IMPORT_CHAT,
        message_id=row_key(row),
    )
    if row.created_at is not None:
        report.created_at = row.created_at
    return report


EXPORT_COLUMNS = (
    *("id", "created_at", "place", "theme_id", "theme_label"),
    *("subtheme_id", "subtheme_label", "text"),
)


def _export_places(
    rows: list[tuple[int, str | None, int]], app: App
) -> dict[int, list[NamedPlace]]:
    """Each theme's places named where enough of its reporters stand (name_places)."""
    rule = Visibility(app.services.settings.min_people)
    return name_places([(t, key, person) for t, key, person in rows if key is not None], rule)


async def export_reports(app: App, fmt: str) -> str:
    """One row per report of a theme that may be shown (bot.visibility), its text scrubbed
    (quotes leave the system only that way), its day but not its time, and its place only
    at the level enough of the theme's reporters share (bot.digests.naming); a sub-theme's
    label only where enough reporters share the sub-theme. A row of a hidden theme, a
    timestamp or a typed town would each point at one person."""
    shown = {view.theme_id: view for view in await app.services.visible.all()}
    async with app.services.db.reading() as session:
        rows = [
            (r, t, s)
            for r, t, s in await report_store.reports_for_export(session)
            if t is not None and t.id in shown and not r.hidden
        ]
    places = _export_places([(t.id, r.place_key, r.person_id) for r, t, _ in rows], app)
    rule = Visibility(app.services.settings.min_people)
    sub_reporters: dict[int, set[int]] = {}
    for r, _, s in rows:
        if s is not None:
            sub_reporters.setdefault(s.id, set()).add(r.person_id)
    marked = await app.services.nlp.scrub([r.text for r, _, _ in rows])
    texts = [quote_text(m, places.get(t.id, [])) for m, (_, t, _) in zip(marked, rows, strict=True)]
    records = [
        {
            "id": r.id,
            "created_at": r.created_at.date().isoformat(),
            "place": place_name_for(r.place_key, places.get(t.id, [])) if r.place_key else "",
            "theme_id": t.id,
            "theme_label": shown[t.id].title,
            "subtheme_id": s.id if s else "",
            "subtheme_label": (
                (s.name or s.label) if s and rule.shows(len(sub_reporters[s.id])) else ""
            ),
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
