"""Reports: store a barrier, place it in a theme, and tell the reporter who shares it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Caller
from bot.messages import Incoming
from bot.nlp_worker import NlpWorker
from bot.services.derived import PhraseRow, Rederiver
from bot.services.introductions import IntroductionService, Offer
from bot.services.themes import Placement, ThemeService, ThemesRetired
from bot.services.visible import ThemeView, VisibleThemes
from config.settings import Settings
from nlp.analysis import Analysis, vector_to_bytes
from storage import circles as circle_store
from storage import people as people_store
from storage import reports as store
from storage import themes as theme_store
from storage.db import BatchJob, Database
from storage.models import Circle, Report

log = logging.getLogger("groundswell.reports")


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
    offered: tuple[Offer, ...] | None = None  # introductions already offered with the report
    view: ThemeView | None = None  # its theme as it may be shown once the report is in
    circles: tuple[Circle, ...] | None = None  # the open circles, when its batch read them


@dataclass(frozen=True)
class Pending:
    """A chat report waiting for its batch: what the batch writes for it besides the row."""

    report: Report
    analysis: Analysis
    private: bool  # sent in a private chat: introduction offers follow it
    place_key: str | None


@dataclass(frozen=True)
class Stored:
    """A chat report's outcome as its batch made it, with what only the batch needs."""

    outcome: ReportOutcome
    fresh: bool = True  # False when the message had been stored before (a redelivery)
    relabel: tuple[PhraseRow, ...] | None = None  # the theme's phrases, when it is relabelled


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


@dataclass(frozen=True)
class ForReplies:
    """What the replies to a batch's reports show, read in the batch's transaction: each
    theme's view (``VisibleThemes.views_in``) and the open circles for suggestions."""

    views: dict[int, ThemeView]
    circles: tuple[Circle, ...]

    def outcome(
        self, report_id: int, theme_id: int, offered: tuple[Offer, ...] | None
    ) -> ReportOutcome:
        return ReportOutcome(report_id, theme_id, offered, self.views.get(theme_id), self.circles)


def _redelivered(found: tuple[int, int], shown: ForReplies) -> Stored:
    """A message stored before: its first report, answered again as it now stands."""
    return Stored(shown.outcome(*found, None), fresh=False)


class ReportService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        nlp: NlpWorker,
        themes: ThemeService,
        introductions: IntroductionService,
        visible: VisibleThemes,
    ) -> None:
        self.db = db
        self.settings = settings
        self.nlp = nlp
        self.themes = themes
        self.derived = Rederiver(db, nlp, themes, settings.min_people)
        self.introductions = introductions
        self.visible = visible
        self.job = BatchJob(self._store_batch, themes.forget_index)
        self.label_job = BatchJob(_store_labels)

    async def submit(
        self, caller: Caller, incoming: Incoming, text: str, analysis: Analysis | None = None
    ) -> ReportOutcome:
        """Commit first; the outcome (and so the acknowledgement) exists only after commit.
        ``analysis``: of this very text, when the handler has it already (its safety
        screen), so it is not parsed twice."""
        if caller.person_id is None:
            raise ReportRejected("Please send /start first.")
        cleaned = check_text(text, self.settings.max_report_chars)
        if not self.db.in_unit:  # in a message's unit the batch checks it with the others
            already = await self._already_stored(incoming)
            if already is not None:
                return already
        if analysis is None:
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
        if not self.db.in_unit:
            return await self.store(report, analysis)
        return await self._submit_batched(
            Pending(report, analysis, incoming.is_private, caller.place_key)
        )

    async def _submit_batched(self, pending: Pending) -> ReportOutcome:
        """Group commit: stored with every report that arrived with it, in one transaction
        (one placement, a few multi-row statements); the outcome is read after the commit."""
        try:
            stored: Stored = await self.db.batched(self.job, pending)
        except IntegrityError:
            already = await self._already_stored(pending.report)
            if already is None:
                raise
            return already  # another process stored this very message a moment ago
        if stored.fresh:
            self.themes.committed(1)
        outcome = stored.outcome
        if stored.relabel is not None:  # the new label is the one the reply must show
            await self._relabel_after(outcome.theme_id, list(stored.relabel))
            outcome = replace(outcome, view=await self.visible.one(outcome.theme_id))
        return outcome

    async def _relabel_after(self, theme_id: int, rows: list[PhraseRow]) -> None:
        """The theme's label made from the phrases its batch read (in the NLP worker, so
        the writer never waits for spaCy), stored with the next batch, before the reply
        reads it. The report is committed already: a failure here costs the label, which
        the theme's next relabel makes again, never the report's acknowledgement."""
        try:
            labels = await self.derived.derive([theme_id], rows)
            await self.db.batched(self.label_job, labels)
        except Exception:
            log.exception("relabelling a theme after its batch failed")

    async def _store_batch(self, session: AsyncSession, batch: list[Pending]) -> list[Stored]:
        """The batch job: redeliveries found in one query, the new reports placed and stored
        together, young themes relabelled once each, then each private report's chat and
        introduction offers. Any failure leaves the index to be rebuilt from the database."""
        try:
            return await self._store_in(session, batch)
        except Exception:
            self.themes.forget_index()
            raise

    async def _store_in(self, session: AsyncSession, batch: list[Pending]) -> list[Stored]:
        keys = [(p.report.platform, p.report.chat_id, p.report.message_id) for p in batch]
        found = await store.find_by_messages(session, [k for k in keys if k[2] is not None])
        new = [p for p, key in zip(batch, keys, strict=True) if key not in found]
        for pending in new:
            pending.report.vector = vector_to_bytes(pending.analysis.vector)
            pending.report.phrases = list(pending.analysis.phrases)
        try:
            placements = await self._place_in(session, [(p.report, p.analysis) for p in new])
        except ThemesRetired:  # another process re-clustered: place among its themes
            self.themes.forget_index()
            placements = await self._place_in(session, [(p.report, p.analysis) for p in new])
        theme_ids = [p.theme_id for p in placements]
        shown = await self._for_replies(session, {*theme_ids, *(t for _, t in found.values())})
        followed = await self._follow_up(session, new, theme_ids, shown)
        followed = await self._with_relabels(session, followed, theme_ids)
        stored = {id(p): result for p, result in zip(new, followed, strict=True)}
        return [
            stored.get(id(p)) or _redelivered(found[key], shown)
            for p, key in zip(batch, keys, strict=True)
        ]

    async def _for_replies(self, session: AsyncSession, theme_ids: set[int]) -> ForReplies:
        views = await self.visible.views_in(session, sorted(theme_ids - {0}))
        return ForReplies(views, tuple(await circle_store.list_circles(session)))

    async def _follow_up(
        self,
        session: AsyncSession,
        batch: list[Pending],
        theme_ids: list[int],
        shown: ForReplies,
    ) -> list[Stored]:
        """What used to cost each report its own transactions after its commit: its
        introduction offers, made for the whole batch at once (the private chat they reach
        is kept as the message arrives: ``PeopleService.refresh_identity``). Offers are made
        only for themes that may be shown (the rest get none, as in ``after_report``)."""
        private = [(p, t) for p, t in zip(batch, theme_ids, strict=True) if p.private]
        asks = [(p.report.person_id, t, p.place_key) for p, t in private if t in shown.views]
        made = iter(await self.introductions.offer_many(session, asks))
        offered = {id(p): tuple(next(made)) if t in shown.views else () for p, t in private}
        return [
            Stored(shown.outcome(p.report.id, t, offered.get(id(p))))
            for p, t in zip(batch, theme_ids, strict=True)
        ]

    async def _with_relabels(
        self, session: AsyncSession, stored: list[Stored], theme_ids: list[int]
    ) -> list[Stored]:
        """Which themes of the batch are due a new label (``_due_label``, once per theme
        however many of the batch joined it), their phrases read in one query; the first
        report of each carries them to its relabel after the commit."""
        added: dict[int, int] = {}
        for theme_id in theme_ids:
            added[theme_id] = added.get(theme_id, 0) + 1
        states = await store.theme_sizes(session, [t for t in added if t])
        due = [t for t, (size, label) in states.items() if self._due_label(size, label, added[t])]
        if not due:
            return stored
        rows: dict[int, list[PhraseRow]] = {t: [] for t in due}
        for row in await store.theme_phrases(session, due):
            rows[row[0]].append(row)
        result = []
        for item in stored:
            phrases = rows.pop(item.outcome.theme_id, None)
            result.append(item if phrases is None else replace(item, relabel=tuple(phrases)))
        return result

    def _due_label(self, size: int, label: str, added: int = 1) -> bool:
        """A young theme (every report may bring or, after a withdrawal, restore the
        reporters a phrase needs) or one still without a label is relabelled on each
        report; past that only RELABEL_AT's steps (crossed by this batch) relabel, to bound
        the cost. A theme with fewer reports than ``min_people`` can have no label (a label
        needs that many reporters), so one without a label is left alone."""
        if size < self.settings.min_people and not label:
            return False
        crossed = any(size - added < at <= size for at in RELABEL_AT)
        return crossed or size <= YOUNG or (not label and size <= max(RELABEL_AT))

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
            return ReportOutcome(report.id, placement.theme_id)
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
                return await self._place_in(session, pairs)
        except Exception:
            await self.themes.load()  # the index saw placements that were rolled back
            raise

    async def _place_in(
        self, session: AsyncSession, pairs: list[tuple[Report, Analysis]]
    ) -> list[Placement]:
        if not pairs:
            return []
        placements = await self.themes.place_batch(session, [a for _, a in pairs])
        placed = zip(pairs, placements, strict=True)
        rows = [(report, p.theme_id, p.similarity, p.subtheme_id) for (report, _), p in placed]
        await store.add_reports(session, rows)
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
        """Outside the batch (the import, a redelivery): relabel the theme if it is due."""
        async with self.db.reading() as session:
            theme = await theme_store.get_theme(session, theme_id)
        if theme is not None and self._due_label(theme.size, theme.label or ""):
            await self.derived.labels([theme_id])
        return ReportOutcome(report_id, theme_id, view=await self.visible.one(theme_id))

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
        if theme_id is not None:
            await self.derived.after_removal([theme_id] if theme_id else [], [report_id])
        return theme_id is not None


async def _store_labels(session: AsyncSession, batch: list[dict[int, str]]) -> list[None]:
    """The label job: labels made after their reports' batches, stored in the next one
    (later in the list wins: made from more reports)."""
    for labels in batch:
        await theme_store.set_labels(session, labels)
    return [None for _ in batch]
