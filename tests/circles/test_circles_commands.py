"""Proposing, approving and coordinating circles; suggestions after a report."""

from __future__ import annotations

from circle_support import RISK_A, RISK_B, RISK_C

from groundswell.testing import BotHarness


async def test_a_member_proposes_an_organiser_approves_and_the_proposer_coordinates(
    bot: BotHarness,
) -> None:
    await bot.onboard("olive", "Leeds")
    await bot.onboard("mia", "Leeds")
    await bot.onboard("nia", "Leeds")
    proposed = await bot.push("mia", "/circle new Ward 5 Voices place Leeds focus staffing")
    assert "passed your proposal for Ward 5 Voices" in proposed[-1].text
    assert "no circles yet" in (await bot.push("nia", "/circles"))[-1].text
    assert "couldn't find" in (await bot.push("nia", "/join Ward 5 Voices"))[-1].text
    pending = (await bot.push("olive", "/circle pending"))[-1].text
    assert "• Ward 5 Voices — Leeds (staffing)" in pending

    approved = await bot.push("olive", "/circle approve ward 5 voices")
    assert approved[-1].text == (
        "Circle Ward 5 Voices is approved and open to join. Its proposer is now its coordinator."
    )
    assert (await bot.push("mia", "/coordinators Ward 5 Voices"))[-1].text == (
        "Coordinators of Ward 5 Voices: @mia"
    )
    assert "now a coordinator" in (await bot.push("mia", "/appoint Ward 5 Voices @nia"))[0].text
    listed = (await bot.push("olive", "/coordinators Ward 5 Voices"))[-1].text
    assert listed == "Coordinators of Ward 5 Voices: @mia, @nia"
    removed = (await bot.push("mia", "/unappoint Ward 5 Voices @nia"))[-1].text
    assert removed == "@nia is no longer a coordinator of Ward 5 Voices; they stay a member."
    twice = (await bot.push("mia", "/unappoint Ward 5 Voices @nia"))[-1].text
    assert twice == "@nia isn't a coordinator of Ward 5 Voices."


async def test_names_must_be_unique_and_places_must_be_places(bot: BotHarness) -> None:
    await bot.onboard("olive", "Leeds")
    await bot.push("olive", "/circle new Leeds Carers place Leeds")
    again = await bot.push("olive", "/circle new leeds carers place Leeds")
    assert again[-1].text == "There is already a circle called “leeds carers”."
    assert "Use /circle new" in (await bot.push("olive", "/circle new Nameless"))[-1].text
    assert "town, city" in (await bot.push("olive", "/circle new X place 999"))[-1].text


async def test_appointing_an_unknown_handle_is_explained(bot: BotHarness) -> None:
    await bot.onboard("olive", "Leeds")
    await bot.push("olive", "/circle new Leeds Carers place Leeds")
    reply = await bot.push("olive", "/appoint Leeds Carers @nobody")
    assert reply[-1].text == "I don't know anyone set up with me as @nobody."


async def test_a_report_suggests_a_circle_whose_members_share_the_theme(bot: BotHarness) -> None:
    await bot.onboard("olive", "London")
    await bot.push("olive", "/circle new Risk Campaign place Bristol focus risk policy")
    for name in ("ann", "bea"):
        await bot.onboard(name, "Bristol")
        await bot.push(name, "/join Risk Campaign")
    await bot.push("ann", f"/report {RISK_A}")
    await bot.push("bea", f"/report {RISK_B}")
    await bot.onboard("cal", "Newcastle")
    after = await bot.push("cal", f"/report {RISK_C}")
    assert "your report is saved" in after[0].text
    assert after[-1].text == (
        "Circles you could join:\n"
        "• Risk Campaign — Bristol (risk policy): members share this barrier"
    )
    assert [b.label for b in after[-1].buttons] == ["Join Risk Campaign"]
