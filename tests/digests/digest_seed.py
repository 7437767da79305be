"""A hand-built database for digest tests: every report has a fixed time, place, circle and
a hand-made vector, so each theme's numbers can be worked out on paper (see SEED below)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from bot.app import App
from bot.places_lookup import resolve_place
from nlp.analysis import Analysis
from storage.models import Circle, Endorsement, Person, Report

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
DIM = 512  # the default encoder's width: other widths count as another model's vectors


def cur(days: float) -> datetime:
    """``days`` before NOW: inside the default 30-day period."""
    return NOW - timedelta(days=days)


def prev(days: float) -> datetime:
    """``days`` before the period's start: inside the previous 30-day period."""
    return NOW - timedelta(days=30 + days)


def direction(axis: int, jitter: int) -> np.ndarray:
    """A unit vector near axis ``axis``: one theme per axis, far from every other theme; two
    reports of one theme are alike (cosine 0.92) but not the near-duplicates quotes skip."""
    vector = np.zeros(DIM, dtype=np.float32)
    vector[axis] = 1.0
    vector[100 + jitter % 150] = 0.3
    return vector / np.linalg.norm(vector)


# (theme, person, place, circle, when, text)
REPORTS: list[tuple[str, str, str, str | None, datetime, str]] = [
    ("A", "p1", "Leeds", "C1", cur(1), "Procurement rules shut out the local social enterprise."),
    ("A", "p1", "Leeds", "C1", cur(2), "Again the tender framework blocked a small provider."),
    ("A", "p2", "Leeds", "C1", cur(3), "Email jo.bloggs@example.org: procurement is too heavy."),
    ("A", "p3", "Leeds", "C1", cur(4), "Only big contractors can bid for our contracts."),
    ("A", "p4", "York", "C2", cur(5), "The procurement process excludes charities."),
    ("A", "p5", "Hull", None, cur(6), "Tender rules favour national firms over local ones."),
    ("A", "p1", "Leeds", "C1", prev(1), "Procurement was a problem last month too."),
    ("A", "p6", "Bradford", None, prev(2), "Procurement framework problem in Bradford."),
    ("A", "p7", "Bradford", None, prev(3), "We cannot contract the community group."),
    ("B", "p6", "Bradford", None, cur(1), "Risk assessment always says no to home visits."),
    ("B", "p7", "Bradford", None, cur(2), "The risk policy stops family support at discharge."),
    ("B", "p8", "Bradford", None, cur(3), "Risk forms take longer than the visit itself."),
    ("B", "p6", "Bradford", None, prev(5), "Risk policy again."),
    ("B", "p7", "Bradford", None, prev(6), "Risk rules are blocking discharge."),
    ("B", "p8", "Bradford", None, prev(7), "Risk assessment delays."),
    ("B", "p9", "Bradford", None, prev(8), "Risk policy is too rigid."),
    ("B", "p10", "Bradford", None, prev(9), "Risk aversion everywhere."),
    ("C", "p11", "Derby", None, cur(2), "Parking permits for carers are impossible to get."),
    ("C", "p12", "Derby", None, cur(3), "Carers cannot park near patients' homes."),
    ("D", "p1", "Leeds", None, cur(10), "IT systems don't talk to each other between teams."),
    ("D", "p2", "Leeds", None, cur(11), "We re-enter the same data in three systems."),
    ("D", "p11", "Derby", None, cur(12), "Our records system crashes every afternoon."),
    ("D", "p11", "Derby", None, prev(1), "The records system is slow."),
    ("E", "p3", "Leeds", None, cur(20), "Rotas are published too late to plan childcare."),
    ("E", "p4", "York", None, cur(21), "Shift patterns change with a day's notice."),
    ("E", "p5", "Hull", None, cur(22), "Late rotas make it hard to keep a second job."),
    ("E", "p6", "Bradford", None, cur(23), "Rota changes without warning."),
]
ENDORSEMENTS = [  # (theme, person, place, when)
    ("B", "p9", "York", cur(2)),
    ("D", "p12", "Derby", cur(3)),
    ("D", "p13", "Derby", cur(4)),
    ("D", "p14", "Leeds", cur(5)),
]
AXIS = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}
PHRASES = {
    "A": ("procurement", "tender"),
    "B": ("risk", "policy"),
    "C": ("parking", "carer"),
    "D": ("system", "record"),
    "E": ("rota", "shift"),
}
CIRCLES = {"C1": ("Leeds Health", "Leeds"), "C2": ("York Care", "York")}


@dataclass
class Seeded:
    themes: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    circles: dict[str, int] = field(default_factory=dict)
    reports: list[int] = field(default_factory=list)


async def seed(app: App, now: datetime = NOW) -> Seeded:
    """``now`` shifts every time, for tests that go through handlers using the real clock."""
    shift = now - NOW
    seeded = Seeded()
    async with app.services.db.transaction() as session:
        for code, (name, place) in CIRCLES.items():
            row = Circle(name=name, name_key=name.casefold(), place=place)
            session.add(row)
            await session.flush()
            seeded.circles[code] = row.id
        names = sorted({r[1] for r in REPORTS} | {e[1] for e in ENDORSEMENTS})
        for name in names:
            person = Person(onboarded=True)
            session.add(person)
            await session.flush()
            seeded.people[name] = person.id
    for jitter, (theme, who, place, circle, when, text) in enumerate(REPORTS):
        where = resolve_place(place)
        report = Report(
            person_id=seeded.people[who],
            text=text,
            place=where.name,
            place_key=where.key,
            circle_id=seeded.circles[circle] if circle else None,
            platform="console",
            chat_id=f"dm-{who}",
            message_id=f"seed-{jitter}",
            created_at=when + shift,
        )
        analysis = Analysis(direction(AXIS[theme], jitter), PHRASES[theme])
        outcome = await app.services.reports.store(report, analysis, reach=False)
        seeded.themes.setdefault(theme, outcome.theme_id)
        assert seeded.themes[theme] == outcome.theme_id, (theme, outcome)
        seeded.reports.append(outcome.report_id)
    async with app.services.db.transaction() as session:
        for theme, who, place, when in ENDORSEMENTS:
            session.add(
                Endorsement(
                    theme_id=seeded.themes[theme],
                    person_id=seeded.people[who],
                    place_key=resolve_place(place).key,
                    created_at=when + shift,
                )
            )
    return seeded
