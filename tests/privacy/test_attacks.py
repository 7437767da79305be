"""Issue 13's attacks, played as a determined insider would, through the console test
double (the real App, dispatcher and router; console chats). Each test plants words only
the victim wrote and fails if any of them, or a count of fewer than min_people (3) people,
reaches anyone but the victim."""

from __future__ import annotations

import json
import logging
import re

import pytest
from attacks_support import (
    PLANTED,
    SHARED,
    VICTIM_TEXT,
    assert_nothing_leaks,
    everyone_looks,
    reply_text,
    seen_by_others,
)
from sqlalchemy import func, select

from bot.batch import export_reports
from groundswell.testing import BotHarness
from storage.models import Circle, ConversationState, Theme

SORRY = "Sorry, something went wrong"
TITLE = r"(?:#\d+ [^\n:]*|theme #\d+[^\n]*|\"(?:title|label)\": \"[^\"]*)"


def theme_of(text: str) -> int:
    match = re.search(r"theme #(\d+)", text)
    assert match, text
    return int(match.group(1))


async def theme_id_of_own_report(bot: BotHarness, user: str) -> int:
    return theme_of((await bot.push(user, "/mine"))[-1].text)


async def test_1_labels_are_never_one_persons_words(bot: BotHarness) -> None:
    """A theme's label is shown for no theme below min_people, and is built only from words
    three reporters used: the victim's Kev, Quillfeather and Brackenthwaite never appear,
    in /metoo, /themes, offers, digests or exports, even once their theme is shown."""
    await bot.onboard("quinn", "Brackenthwaite")
    for user in ("amy", "bo", "cy"):
        await bot.onboard(user, "Calderdale")
    await bot.onboard("snoop", "Leeds")
    said = (await bot.push("quinn", f"/report {VICTIM_TEXT}"))[0].text
    assert "not yet shared by enough people" in said and "Kev" not in said
    await everyone_looks(bot, "olive", "snoop")
    assert_nothing_leaks(bot, "quinn")
    for user, text in zip(("amy", "bo", "cy"), SHARED, strict=True):
        await bot.push(user, f"/report {text}")
    await everyone_looks(bot, "olive", "snoop")
    titles = [line for _, text in seen_by_others(bot, "quinn") for line in re.findall(TITLE, text)]
    assert any("agency staff" in t for t in titles), titles  # named by what 3 reporters said
    for title in titles:
        assert not any(word.casefold() in title.casefold() for word in PLANTED), title
    # (Quotes of a shown theme are the scrubber's: #14. They are checked in test_3/4.)


async def test_1b_labels_are_rederived_after_withdraw_and_forget(bot: BotHarness) -> None:
    """A word three reporters used may name a theme; when one of them withdraws (or
    forgets), it is used by two and leaves the label."""
    for user in ("amy", "bo", "cy", "di"):
        await bot.onboard(user, "Calderdale")
    texts = [f"{SHARED[0]} The quillfeather form takes an hour {n}." for n in range(3)]
    for user, text in zip(("amy", "bo", "cy"), texts, strict=True):
        await bot.push(user, f"/report {text}")
    await bot.push("di", f"/report {SHARED[0]}")
    theme = await theme_id_of_own_report(bot, "amy")
    label = await label_of(bot, theme)
    assert "quillfeather" in label, label  # three reporters used it: it may name the theme
    number = re.search(r"#(\d+)", (await bot.push("cy", "/mine"))[-1].text)
    assert number
    await bot.push("cy", f"/withdraw {number.group(1)}")
    assert "quillfeather" not in await label_of(bot, theme)
    await bot.push("cy", f"/report {texts[2]}")
    assert "quillfeather" in await label_of(bot, theme)
    await bot.push("bo", "/forget")
    await bot.tap("bo", "Yes, delete everything")
    assert "quillfeather" not in await label_of(bot, theme)


async def label_of(bot: BotHarness, theme_id: int) -> str:
    async with bot.app.services.db.reading() as session:
        theme = await session.get(Theme, theme_id)
        return theme.label if theme else ""


async def test_2_no_small_count_reaches_a_member_after_reporting(bot: BotHarness) -> None:
    """'2 people in 2 places share it' and '1 person near you faces this too' are gone:
    the attacker who reports the victim's barrier from each place in turn (/start to move,
    /withdraw to clean up) is told nothing countable."""
    await bot.onboard("quinn", "Brackenthwaite")
    await bot.push("quinn", f"/report {VICTIM_TEXT}")
    await bot.onboard("snoop", "Leeds")
    for place in ("Brackenthwaite", "Leeds", "Calderdale"):
        await bot.push("snoop", "/start")
        await bot.tap("snoop", "Yes, I agree")
        await bot.push("snoop", place)
        await bot.tap("snoop", "Health")
        said = await bot.push("snoop", f"/report {SHARED[0]} {VICTIM_TEXT[:60]}")
        assert "not yet shared by enough people to show" in said[0].text
        assert not any("near you" in r.text for r in said), said
        number = re.search(r"saved \(#(\d+)\)", said[0].text)
        assert number
        await bot.push("snoop", f"/withdraw {number.group(1)}")
    assert_nothing_leaks(bot, "quinn", words=())  # no small count anywhere
    assert_nothing_leaks(bot, "quinn", skip=("snoop",))  # nor, bar his own typing, words


async def test_2b_circle_suggestions_need_min_people_members(bot: BotHarness) -> None:
    await bot.onboard("olive", "Leeds")
    await bot.push("olive", "/circle new Agency Watch place Calderdale")
    for user in ("amy", "bo"):
        await bot.onboard(user, "Calderdale")
        await bot.push(user, "/join Agency Watch")
        await bot.push(user, f"/report {SHARED[0]}")
    await bot.onboard("snoop", "Leeds")
    said = await bot.push("snoop", f"/report {SHARED[1]}")
    assert not any("members share this barrier" in r.text for r in said), said


async def test_3_me_toos_never_make_a_theme_visible(bot: BotHarness) -> None:
    """Two sock puppets say "me too" to every theme number; the victim's theme still does
    not appear in /digest place Brackenthwaite, and no quote of theirs is shown."""
    await bot.onboard("quinn", "Brackenthwaite")
    await bot.push("quinn", f"/report {VICTIM_TEXT}")
    for puppet in ("sock1", "sock2", "sock3"):
        await bot.onboard(puppet, "Brackenthwaite")
        for number in range(1, 6):
            await bot.push(puppet, f"/metoo {number}")
    digest = (await bot.push("olive", "/digest place Brackenthwaite"))[-1].text
    assert "No barrier is shared" in digest
    assert "agency" not in digest.casefold()
    assert_nothing_leaks(bot, "quinn", words=("Quillfeather", "Kev"))


async def test_4_differencing_periods_and_hidden_counts(bot: BotHarness) -> None:
    """Only fixed windows are accepted, a place with one reporter reads exactly like a
    place with none, and exports carry days, not microseconds."""
    await bot.onboard("quinn", "Hull")
    await bot.push("quinn", f"/report {VICTIM_TEXT}")
    for since in ("2026-11-30", "0001-01-01", "3d", "2026-02-30", "yesterday"):
        said = (await bot.push("olive", f"/digest place Hull since {since}"))[-1].text
        assert said.startswith("“since") and "\n" not in said, said
    hull = (await bot.push("olive", "/digest place Hull"))[-1].text
    york = (await bot.push("olive", "/digest place York"))[-1].text
    assert hull.replace("Hull", "York") == york  # one reporter = none, to the reader
    for user in ("amy", "bo", "cy"):
        await bot.onboard(user, "Calderdale")
    for user, text in zip(("amy", "bo", "cy"), SHARED, strict=True):
        await bot.push(user, f"/report {text}")
    export = (await bot.push("olive", "/digest export"))[-1]
    data = json.loads(next(f for f in export.files if f.name.endswith(".json")).content)
    stamps = [data["start"], data["end"], *(t["latest"] for t in data["themes"])]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) for s in stamps), stamps
    assert "withheld_themes" not in data
    # quinn's report joined the shown theme and may be quoted: the scrubber (#14) takes
    # the names out; the town inside the quote's text is the scrubber's to judge.
    assert_nothing_leaks(bot, "quinn", words=("Quillfeather", "Kev"))


async def test_5_places_are_named_by_the_gazetteer_where_k_reporters_are(
    bot: BotHarness,
) -> None:
    """Three reporters in Calderdale, one of whom typed "Brighouse": the digest names
    Calderdale, never Brighouse (one person's spelling)."""
    for user, place in (("amy", "Brighouse"), ("bo", "Halifax"), ("cy", "Calderdale")):
        await bot.onboard(user, place)
    for user, text in zip(("amy", "bo", "cy"), SHARED, strict=True):
        await bot.push(user, f"/report {text}")
    digest = (await bot.push("olive", "/digest"))[-1].text
    assert "Calderdale (3)" in digest
    exports = reply_text((await bot.push("olive", "/digest export"))[-1])
    for output in (digest, exports):
        assert "Brighouse" not in output and "Halifax" not in output


async def test_6_mydata_holds_only_the_callers_side(bot: BotHarness) -> None:
    """An introduction row holds two people: /mydata shows the caller's answer only."""
    for user in ("amy", "bo", "cy"):
        await bot.onboard(user, "Calderdale")
    for user, text in zip(("amy", "bo", "cy"), SHARED, strict=True):
        await bot.push(user, f"/report {text}")
    for user in ("amy", "bo"):
        if any(b.label == "No thanks" for r in bot.inbox(user) for b in r.buttons):
            await bot.tap(user, "No thanks")
    data = json.loads((await bot.push("cy", "/mydata"))[-1].files[0].content)
    assert data["introductions"], "cy was offered introductions"
    for intro in data["introductions"]:
        assert set(intro) == {"offer", "theme_id", "your_answer", "offered_at", "introduced"}
    flat = json.dumps(data)
    assert '"no"' not in flat  # the others' declines
    for key in ("person_low", "person_high", "low_answer", "high_answer"):
        assert key not in flat


async def test_7_forget_leaves_no_trace(bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    """/forget removes the centre and label built from the person's words, their pending
    proposal, and state kept after declining consent; a failed insert logs no text."""
    await bot.onboard("quinn", "Brackenthwaite")
    await bot.push("quinn", f"/report {VICTIM_TEXT}")
    theme = await theme_id_of_own_report(bot, "quinn")
    await bot.push("quinn", "/circle new Quillfeather Friends place Leeds focus Kev's rota")
    await bot.push("quinn", "/forget")
    await bot.tap("quinn", "Yes, delete everything")
    async with bot.app.services.db.reading() as session:
        left = await session.get(Theme, theme)
        assert left is not None and left.centroid is None and left.label == ""
        circles = await session.scalar(select(func.count()).select_from(Circle))
        assert circles == 0
    await bot.push("dora", "/start")
    await bot.tap("dora", "No thanks")
    async with bot.app.services.db.reading() as session:
        states = await session.scalar(select(func.count()).select_from(ConversationState))
        assert states == 0, "a declined consent left conversation state"

    caplog.set_level(logging.DEBUG)  # even debug logging (aiosqlite's statements) is clean
    await bot.onboard("vic", "Leeds")
    original = bot.app.services.reports._place_in  # both the chat batch and the import's

    async def failing(session, pairs):  # type: ignore[no-untyped-def]
        for report, _ in pairs:
            report.person_id = 10**6  # no such person: the insert fails on the foreign key
        return await original(session, pairs)

    bot.app.services.reports._place_in = failing  # type: ignore[method-assign]
    said = await bot.push("vic", f"/report {VICTIM_TEXT}")
    assert said and SORRY in said[-1].text
    logged = "\n".join(
        r.getMessage() + (caplog.handler.format(r) if r.exc_info else "") for r in caplog.records
    )
    assert "IntegrityError" in logged or "FOREIGN KEY" in logged.upper(), "the insert failed"
    for word in (*PLANTED, "@vic"):
        assert word not in logged, f"a log line carries {word}"


async def test_8_role_changes_reveal_nobody_and_ask_first(bot: BotHarness) -> None:
    await bot.onboard("olive", "Leeds")
    await bot.push("olive", "/circle new Leeds Carers place Leeds")
    await bot.onboard("pat", "Leeds")
    real = (await bot.push("olive", "/appoint Leeds Carers @pat"))[0].text
    ghost = (await bot.push("olive", "/appoint Leeds Carers @ghost"))[0].text
    assert real.replace("@pat", "@X") == ghost.replace("@ghost", "@X")
    coordinators = (await bot.push("olive", "/coordinators Leeds Carers"))[0].text
    assert "@pat" not in coordinators, "listed before saying yes"
    assert "Yes, I'll coordinate" in reply_text(bot.inbox("pat")[-1])
    await bot.tap("pat", "Yes, I'll coordinate")
    assert "@pat" in (await bot.push("olive", "/coordinators Leeds Carers"))[0].text
    gone = (await bot.push("olive", "/unappoint Leeds Carers @pat"))[0].text
    never = (await bot.push("olive", "/unappoint Leeds Carers @ghost"))[0].text
    assert gone.replace("@pat", "@X") == never.replace("@ghost", "@X")
    by_id = (await bot.push("olive", "/unappoint Leeds Carers console:pat"))[0].text
    assert by_id.replace("console:pat", "@X") == never.replace("@ghost", "@X")
    # A member's approved proposal makes them no creator with powers.
    await bot.onboard("mo", "York")
    await bot.push("mo", "/circle new York Voices place York")
    await bot.push("olive", "/circle approve York Voices")
    refused = (await bot.push("mo", "/appoint York Voices @pat"))[0].text
    assert refused == "Sorry, that command isn't available to you here."


async def test_9_no_chat_takeover_and_offers_have_their_own_buttons(bot: BotHarness) -> None:
    await bot.onboard("olive", "Leeds")
    for name in ("Leeds Carers", "Rival Circle"):
        await bot.push("olive", f"/circle new {name} place Leeds")
    await bot.onboard("cara", "Leeds")
    await bot.onboard("rex", "Leeds")
    for user, name in (("cara", "Leeds Carers"), ("rex", "Rival Circle")):
        await bot.push("olive", f"/appoint {name} @{user}")
        await bot.tap(user, "Yes, I'll coordinate")
    await bot.push("cara", "/link Leeds Carers", group="ward-chat")
    taken = (await bot.push("rex", "/link Rival Circle", group="ward-chat"))[0].text
    assert "already linked to another circle" in taken and "Leeds Carers" not in taken
    refused = (await bot.push("rex", "/unlink", group="ward-chat"))[0].text
    assert refused == "Sorry, that command isn't available to you here."
    await bot.push("cara", "/unlink", group="ward-chat")
    assert "now linked" in (await bot.push("rex", "/link Rival Circle", group="ward-chat"))[0].text
    # Introduction offers: each one's buttons name that offer.
    for user in ("amy", "bo", "cy"):
        await bot.onboard(user, "Calderdale")
    for user, text in zip(("amy", "bo", "cy"), SHARED, strict=True):
        await bot.push(user, f"/report {text}")
    datas = [b.data for r in bot.inbox("cy") for b in r.buttons if b.data.startswith("intro:")]
    assert len(datas) == len(set(datas)) >= 4, datas
    first = datas[0]
    assert all(d.split(":")[2] != first.split(":")[2] for d in datas[2:])


@pytest.mark.parametrize(
    "command",
    ["/withdraw ²", "/metoo ²", "/hide ²", "/theme ² name x", "/digest since 0001-01-01"],
)
async def test_10_odd_input_gets_one_friendly_line(bot: BotHarness, command: str) -> None:
    await bot.onboard("olive", "Leeds")
    said = await bot.push("olive", command)
    assert len(said) == 1 and "\n" not in said[0].text and SORRY not in said[0].text, said


def quotes_in(bot: BotHarness, author: str) -> str:
    """Everything the others were sent, for finding a quote in it."""
    return "\n".join(text for _, text in seen_by_others(bot, author))


async def test_11_a_town_one_reporter_stands_in_never_reaches_a_quote(bot: BotHarness) -> None:
    """The victim's report is quoted once their theme is shown (four reporters), but the
    town in it, which nobody else stands in, reads "[place]" in every chat, digest format
    and export; the quote itself is still there."""
    await bot.onboard("quinn", "Brackenthwaite")
    for user in ("amy", "bo", "cy"):
        await bot.onboard(user, "Calderdale")
    await bot.push("quinn", f"/report {VICTIM_TEXT}")
    for user, text in zip(("amy", "bo", "cy"), SHARED, strict=True):
        await bot.push(user, f"/report {text}")
    await everyone_looks(bot, "olive", "snoop")
    assert_nothing_leaks(bot, "quinn")
    assert "agency manager in [place]" in quotes_in(bot, "quinn")  # quoted, town masked
    for fmt in ("csv", "json"):  # the CLI's report export: every report of a shown theme
        exported = await export_reports(bot.app, fmt)
        assert "agency manager in [place]" in exported
        assert "Brackenthwaite" not in exported and "Quillfeather" not in exported


async def test_12_a_place_k_reporters_stand_in_stays_in_the_quote(bot: BotHarness) -> None:
    """Leeds, where all three reporters stand, is named in the digest and stays in their
    quotes (issue 14: campaigns need it); a town in a quote reads as the district enough
    reporters stand in ("Otley" is Leeds)."""
    texts = (
        "In Leeds the agency staff rule means we cannot send anyone home on time.",
        "The agency staff rule in Leeds: patients wait for hours, every week.",
        "At Otley the agency staff rule again, nobody can be sent home in time.",
    )
    for user, text in zip(("amy", "bo", "cy"), texts, strict=True):
        await bot.onboard(user, "Leeds")
        await bot.push(user, f"/report {text}")
    digest = (await bot.push("olive", "/digest"))[-1].text
    assert "Leeds (3)" in digest
    assert re.search(r"\b(?:In|in) Leeds\b", digest), digest
    assert "Otley" not in reply_text((await bot.push("olive", "/digest export"))[-1])
