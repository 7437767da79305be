"""Reports: store a barrier, place it in a theme, and tell the reporter who shares it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from bot.context import Caller
from bot.messages import Incoming
from bot.nlp_worker import NlpWorker
from bot.services.derived import Rederiver
from bot.services.themes import Placement, ThemeService, ThemesRetired
from config.settings import Settings
from nlp.analysis import Analysis, vector_to_bytes
from storage import people as people_store
from storage import reports as store
from storage import themes as theme_store
from storage.db import Database
from storage.models import Report, Theme


class ReportRejected(Exception):
    """The text cannot become a report; the message says why, kindly. ``reason`` (empty,
    too_long, no_words) lets another channel, such as the CSV import, word it its own way."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ReportOutcome:
    report_id: int
    theme_id: int
    people: int
    places: int


RELABEL_AT = frozenset({2, 3, 5, 8, 13, 21, 34, 55, 89})
YOUNG = 8


def check_text(text: str, limit: int) -> str:
    cleaned = text.replace("\x00", "").strip()
    if not cleaned:
        raise ReportRejected(
            "Please tell me what's getting in your way, in a sentence or two.", "empty"
        )
    if len(cleaned) > limit:
        raise ReportRejected(
            f"That's longer than I can keep ({len(cleaned)} characters; the limit is {limit}). "
            "Could you shorten it? Nothing was saved.",
            "too_long",
        )
    if not any(ch.isalpha() for ch in cleaned):
        raise ReportRejected(
            "I couldn't find any words in that. Please describe the barrier in words.",
            "no_words",
        )
    return cleaned


class ReportService:
    def __init__(
        self, db: Database, settings: Settings, nlp: NlpWorker, themes: ThemeService
    ) -> None:
        self.db = db
        self.settings = settings
        self.nlp = nlp
        self.themes = themes
        self.derived = Rederiver(db, nlp, themes, settings.min_people)

    async def submit(self, caller: Caller, incoming: Incoming, text: str) -> ReportOutcome:
        """Commit first; the outcome (and so the acknowledgement) exists only after commit."""
        if caller.person_id is None:
            raise ReportRejected("Please send /start first.")
        cleaned = check_text(text, self.settings.max_report_chars)
        already = await self._already_stored(incoming)
        if already is not None:
            return already
        analysis = (await self.nlp.analyse([cleaned]))[0]
        report = Report(
            person_id=caller.person_id,
            text=cleaned,
            place=caller.place,
            place_key=caller.place_key,
            circle_id=caller.chat_circle_id,
            platform=incoming.platform,
            chat_id=incoming.chat_id,
            message_id=incoming.message_id,
        )
        return await self.store(report, analysis)

    async def store(self, report: Report, analysis: Analysis, reach: bool = True) -> ReportOutcome:
        """Place an analysed report in a theme and commit both together."""
        try:
            [placement] = await self.store_many([(report, analysis)])
        except IntegrityError:
            already = await self._already_stored(report)
            if already is None:
                raise
            return already  # another process stored this very message a moment ago
        if not reach:
            return ReportOutcome(report.id, placement.theme_id, 0, 0)
        return await self._outcome(report.id, placement.theme_id)

    async def store_many(self, pairs: list[tuple[Report, Analysis]]) -> list[Placement]:
        """Reports with their themes in one transaction: one commit for a whole batch (the
        CSV import) or for one chat report. If it fails nothing is kept, and the theme index
        (which saw the placements as they were made) is reloaded from the database."""
        for report, analysis in pairs:
            report.vector = vector_to_bytes(analysis.vector)
            report.phrases = list(analysis.phrases)
        async with self.themes.lock:
            try:
                placements = await self._place_and_add(pairs)
            except ThemesRetired:  # another process re-clustered: place among its themes
                placements = await self._place_and_add(pairs)
        self.themes.committed(len(placements))
        return placements

    async def _place_and_add(self, pairs: list[tuple[Report, Analysis]]) -> list[Placement]:
        try:
            async with self.db.transaction() as session:
                placements = await self.themes.place_batch(session, [a for _, a in pairs])
                placed = zip(pairs, placements, strict=True)
                rows = [
                    (report, p.theme_id, p.similarity, p.subtheme_id) for (report, _), p in placed
                ]
                await store.add_reports(session, rows)
        except Exception:
            await self.themes.load()  # the index saw placements that were rolled back
            raise
        return placements

    async def _already_stored(self, message: Incoming | Report) -> ReportOutcome | None:
        """Idempotency: the same platform message, re-sent after a crash or redelivered,
        gets the first report's acknowledgement again instead of a second report."""
        if message.message_id is None:
            return None
        async with self.db.reading() as session:
            found = await store.find_by_message(
                session, message.platform, message.chat_id, message.message_id
            )
        if found is None:
            return None
        return await self._outcome(found[0], found[1] or 0)

    async def _outcome(self, report_id: int, theme_id: int) -> ReportOutcome:
        async with self.db.reading() as session:
            people, places = await store.theme_reach(session, theme_id)
            theme = await theme_store.get_theme(session, theme_id)
        if theme is not None and (theme.size in RELABEL_AT or _unlabelled_young(theme)):
            theme.label = (await self.derived.labels([theme_id]))[theme_id]
        return ReportOutcome(report_id, theme_id, people, places)

    async def mine(self, person_id: int) -> list[tuple[Report, int | None]]:
        async with self.db.reading() as session:
            return await store.reports_of(session, person_id)

    async def of_account(self, platform: str, user_id: str) -> list[Report]:
        """An account's own reports, newest first (read only; nothing for a stranger)."""
        async with self.db.reading() as session:
            person = await people_store.find_person(session, platform, user_id)
            rows = [] if person is None else await store.reports_of(session, person.id)
        return [report for report, _ in reversed(rows)]

    async def withdraw(self, person_id: int, report_id: int) -> bool:
        """Delete the report, then rebuild its theme's centre and label without it."""
        async with self.db.transaction() as session:
            theme_id = await store.delete_report(session, person_id, report_id)
        if theme_id:
            await self.derived.after_removal([theme_id])
        return theme_id is not None


def _unlabelled_young(theme: Theme) -> bool:
    """A young theme (every report may bring or, after a withdrawal, restore the reporters
    a phrase needs) or one still without a label is relabelled on each report; past that
    only RELABEL_AT's steps relabel, to bound the cost."""
    return theme.size <= YOUNG or (not theme.label and theme.size <= max(RELABEL_AT))
