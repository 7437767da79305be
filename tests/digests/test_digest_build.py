"""Digests from the seeded database, number by number (the seed's table is in digest_seed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from digest_seed import NOW, REPORTS, Seeded, cur
from sqlalchemy import select

from bot.app import App
from bot.digests.build import trend_of
from bot.digests.model import Digest, DigestTheme, NamedPlace
from bot.digests.scope import Scope
from bot.visibility import Visibility
from nlp.places import Marked
from storage.models import Membership

EVERYWHERE = Scope()


async def build(app: App, scope: Scope = EVERYWHERE, days: int = 30) -> Digest:
    return await app.services.digests.build(scope, "test", NOW - timedelta(days=days), NOW)


def by_id(digest: Digest) -> dict[int, DigestTheme]:
    return {t.theme_id: t for t in digest.themes}


async def test_everywhere_ranks_by_people_then_places(app: App, seeded: Seeded) -> None:
    digest = await build(app)
    t = seeded.themes
    assert [x.theme_id for x in digest.themes] == [t["D"], t["A"], t["E"], t["B"]]
    assert t["C"] not in by_id(digest)  # C: two reporters only


async def test_everywhere_numbers_and_trends(app: App, seeded: Seeded) -> None:
    items = by_id(await build(app))
    a = items[seeded.themes["A"]]
    assert (a.people, a.places, a.circles, a.reports, a.me_too) == (5, 3, 2, 6, None)
    assert a.named_places == (NamedPlace("Leeds", 3),)
    assert (a.trend, a.previous_people, a.change) == ("rising", 3, 2)
    assert a.latest is not None and a.latest.replace(tzinfo=None) == cur(1).replace(tzinfo=None)
    b = items[seeded.themes["B"]]
    # B: three reporters in Bradford; p9's single "me too" (from York) adds neither a
    # person nor a place, or "4 people in 2 places" would state that one endorser exists.
    assert (b.people, b.places, b.circles, b.reports, b.me_too) == (3, 1, 0, 3, None)
    assert b.named_places == (NamedPlace("Bradford", 3),)
    assert (b.trend, b.previous_people, b.change) == ("falling", 5, -2)
    d = items[seeded.themes["D"]]
    assert (d.people, d.places, d.circles, d.reports, d.me_too) == (6, 2, 0, 3, 3)
    assert d.named_places == ()  # Leeds has 2 reporters, Derby 1: neither is named
    assert (d.trend, d.previous_people, d.change) == ("growing", None, None)  # before: 1 person
    e = items[seeded.themes["E"]]
    # E: one reporter in each of four Yorkshire districts: only the region can be named.
    yorkshire = (NamedPlace("Yorkshire and The Humber", 4),)
    assert (e.people, e.places, e.reports, e.trend, e.named_places) == (4, 4, 4, "new", yorkshire)


async def test_circle_scope_counts_only_that_circles_reports(app: App, seeded: Seeded) -> None:
    digest = await build(app, Scope(circle_id=seeded.circles["C1"]))
    assert [x.theme_id for x in digest.themes] == [seeded.themes["A"]]
    a = digest.themes[0]
    assert (a.people, a.places, a.circles, a.reports, a.me_too) == (3, 1, 1, 4, None)
    assert a.named_places == (NamedPlace("Leeds", 3),)
    assert (a.trend, a.previous_people) == ("growing", None)  # previous period: p1 alone


async def test_circle_counts_its_members_reports_made_while_members(
    app: App, seeded: Seeded
) -> None:
    """York Care's chat saw one report; its members' private reports count too, but only
    those made after they joined (p10 joins after reporting B and adds nothing)."""
    york = seeded.circles["C2"]
    joined = {"p6": NOW - timedelta(days=60), "p7": NOW - timedelta(days=60)}
    joined |= {"p8": NOW - timedelta(days=2), "p10": NOW - timedelta(days=1)}
    async with app.services.db.transaction() as session:
        for who, when in joined.items():
            session.add(Membership(circle_id=york, person_id=seeded.people[who], joined_at=when))
    items = by_id(await build(app, Scope(circle_id=york)))
    # B this period: p6 (day 1), p7 (day 2), p8 (day 3, before joining): two people only.
    assert seeded.themes["B"] not in items
    async with app.services.db.transaction() as session:
        membership = await session.scalar(
            select(Membership).where(Membership.person_id == seeded.people["p8"])
        )
        assert membership is not None
        membership.joined_at = NOW - timedelta(days=10)
    b = by_id(await build(app, Scope(circle_id=york)))[seeded.themes["B"]]
    assert (b.people, b.reports, b.named_places) == (3, 3, (NamedPlace("Bradford", 3),))
    # before: p6 and p7 were members (p8, p9 and p10 were not), so "growing from a few"
    assert (b.trend, b.previous_people) == ("growing", None)


async def test_circle_parts_count_the_same_reports_as_its_themes(app: App, seeded: Seeded) -> None:
    """Theme B's three York Care members reported in their private chats after joining: the
    theme line counts them, so its sub-theme and work-area lines count the same three."""
    york = seeded.circles["C2"]
    async with app.services.db.transaction() as session:
        for who in ("p6", "p7", "p8"):
            joined = NOW - timedelta(days=10)
            session.add(Membership(circle_id=york, person_id=seeded.people[who], joined_at=joined))
    b = by_id(await build(app, Scope(circle_id=york)))[seeded.themes["B"]]
    assert b.people == 3
    assert [part.people for part in b.subthemes] == [3]
    assert [(part.name, part.people) for part in b.services] == [("Not said", 3)]


async def test_place_scope(app: App, seeded: Seeded) -> None:
    digest = await build(app, Scope(place_key="bradford"))
    assert [x.theme_id for x in digest.themes] == [seeded.themes["B"]]
    b = digest.themes[0]
    assert (b.people, b.places, b.reports, b.previous_people, b.change) == (3, 1, 3, 5, -2)
    assert b.trend == "falling"  # and E, one reporter in Bradford, is not even counted


async def test_a_shorter_period_compares_with_the_one_before(app: App, seeded: Seeded) -> None:
    digest = await build(app, days=7)
    t = seeded.themes
    # D this week has only its three "me too"s and no reporter: me-toos never make a
    # theme visible, however many there are.
    assert [x.theme_id for x in digest.themes] == [t["A"], t["B"]]
    a, b = digest.themes
    assert (a.people, a.reports, a.trend, a.previous_people) == (5, 6, "new", None)
    assert (b.people, b.reports, b.me_too, b.trend) == (3, 3, None, "new")


async def test_quotes_are_scrubbed_and_from_different_people(app: App, seeded: Seeded) -> None:
    items = by_id(await build(app))
    for item in items.values():
        assert 1 <= len(item.quotes) <= 2
        for quote in item.quotes:
            assert "@example.org" not in quote
    quotes = " ".join(items[seeded.themes["A"]].quotes)
    assert "jo.bloggs" not in quotes


async def test_quotes_come_from_different_people_and_places(app: App, seeded: Seeded) -> None:
    """Theme A's reporters this period: p1 twice, p2 and p3 in Leeds, p4 in York, p5 in Hull."""
    items = by_id(await build(app))
    author = {text: (who, place) for _, who, place, _, _, text in REPORTS}
    quoted = [author[q] for q in items[seeded.themes["A"]].quotes if q in author]
    assert len(quoted) == 2
    assert len({who for who, _ in quoted}) == 2 and len({place for _, place in quoted}) == 2


async def test_one_place_still_gets_two_people_quoted(app: App, seeded: Seeded) -> None:
    """Theme B's reporters this period are p6, p7 and p8, all in Bradford."""
    items = by_id(await build(app))
    author = {text: who for _, who, _, _, _, text in REPORTS}
    quoted = [author[q] for q in items[seeded.themes["B"]].quotes]
    assert len(quoted) == 2 and len(set(quoted)) == 2


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(5, 0, "new"), (5, 2, "growing"), (11, 10, "steady"), (6, 5, "rising"), (4, 5, "falling")],
)
def test_trend_rule(current: int, previous: int, expected: str) -> None:
    assert trend_of(current, previous, Visibility(3)) == expected


def cached_reports(app: App) -> set[int]:
    """Report ids whose scrubbed quote the digest builder keeps in memory."""
    return {report for report, _ in app.services.digests._scrubbed}


async def test_forget_drops_the_persons_quotes_from_memory(app: App, seeded: Seeded) -> None:
    await build(app)
    quoted = cached_reports(app)
    author = REPORTS[seeded.reports.index(min(quoted))][1]
    theirs = {r for r, row in zip(seeded.reports, REPORTS, strict=True) if row[1] == author}
    assert quoted & theirs

    await app.services.people.forget(seeded.people[author])

    assert not cached_reports(app) & theirs
    assert quoted - theirs <= cached_reports(app)  # everyone else's stay scrubbed
    await build(app)
    assert not cached_reports(app) & theirs


async def test_a_quote_withdrawn_while_a_digest_scrubs_it_is_not_kept(
    app: App, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    nlp = app.services.nlp
    real_scrub = nlp.scrub
    withdrawn: list[int] = []

    async def scrub_then_withdraw(texts: list[str]) -> list[Marked]:
        done = await real_scrub(texts)
        if not withdrawn:  # the digest read this quote before the withdrawal committed
            row = [r[5] for r in REPORTS].index(texts[0])
            withdrawn.append(seeded.reports[row])
            person = seeded.people[REPORTS[row][1]]
            assert await app.services.reports.withdraw(person, seeded.reports[row])
        return done

    monkeypatch.setattr(nlp, "scrub", scrub_then_withdraw)
    digest = await build(app)
    assert digest.themes and withdrawn
    assert withdrawn[0] not in cached_reports(app)
