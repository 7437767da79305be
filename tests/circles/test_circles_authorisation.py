"""Every circle command, run by every role: who may, and a refusal that reveals nothing.

Roles: olive organises; cora coordinates this circle (Leeds Carers); otto coordinates
another (York Circle); mia is a member of Leeds Carers; zed is a stranger. Roles run in
that order with the organiser last, so an allowed change never precedes a refusal check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from circle_support import cast

from bot.roles import REFUSAL
from groundswell.testing import BotHarness

START = "Please send /start first so I can explain what I keep and why."
ROLES = ("zed", "mia", "otto", "cora", "olive")
GROUP = "carers"


@dataclass(frozen=True)
class Case:
    command: str
    allowed: dict[str, str]  # who may, and a phrase their reply contains
    group: str | None = None
    id: str = field(default="")
    stranger: str = START  # commands for coordinators refuse strangers outright


PROPOSED = "passed your proposal"
CASES = [
    Case(
        "/circle new Pop Up {who} place Leeds",
        {"mia": PROPOSED, "otto": PROPOSED, "cora": PROPOSED, "olive": "is open"},
        id="circle-new",
    ),
    Case("/circle approve Proposed Circle", {"olive": "is approved"}, id="circle-approve"),
    Case("/circle pending", {"olive": "• Proposed Circle — York"}, id="circle-pending"),
    Case(
        "/coordinators Leeds Carers",
        {who: "Coordinators of Leeds Carers: @cora" for who in ("mia", "cora", "olive")},
        id="coordinators",
    ),
    Case(  # anyone set up who is in the circle's own chat may ask who coordinates it
        "/coordinators",
        {who: "Coordinators of Leeds Carers: @cora" for who in ("mia", "otto", "cora", "olive")},
        group=GROUP,
        id="coordinators-in-group",
    ),
    Case(
        "/appoint Leeds Carers @mia",
        {"olive": "@mia is now a coordinator"},
        id="appoint",
        stranger=REFUSAL,
    ),
    Case(
        "/unappoint Leeds Carers @cora",
        {"olive": "@cora is no longer"},
        id="unappoint",
        stranger=REFUSAL,
    ),
    Case(
        "/announce Leeds Carers hello",
        {"cora": "Sent to 1 linked chat", "olive": "Sent to 1 linked chat"},
        id="announce-private",
        stranger=REFUSAL,
    ),
    Case(
        "/announce hello",
        {"cora": "📣 Leeds Carers: hello", "olive": "📣 Leeds Carers: hello"},
        group=GROUP,
        id="announce-in-group",
        stranger=REFUSAL,
    ),
    Case(
        "/link Leeds Carers",
        {"cora": "now linked", "olive": "now linked"},
        group=GROUP,
        id="link",
    ),
    Case(
        "/circles",
        {who: "Leeds Carers" for who in ("mia", "otto", "cora", "olive")},
        id="circles",
    ),
    Case(
        "/offers off",
        {who: "offers are off" for who in ("mia", "otto", "cora", "olive")},
        id="offers",
    ),
]


async def _world(bot: BotHarness) -> None:
    await cast(bot)
    await bot.push("mia", "/join Leeds Carers")
    await bot.push("otto", "/circle new Proposed Circle place York")
    linked = await bot.push("cora", "/link Leeds Carers", group=GROUP)
    assert "now linked" in linked[-1].text


def _sent(bot: BotHarness) -> int:
    return sum(len(r) for a in bot.adapters.values() for r in a.sent.values())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_every_role_for_every_circle_command(bot: BotHarness, case: Case) -> None:
    await _world(bot)
    for who in ROLES:
        before = _sent(bot)
        replies = await bot.push(who, case.command.format(who=who), group=case.group)
        said = [r.text for r in replies]
        if who in case.allowed:
            assert case.allowed[who] in "\n".join(said), (who, said)
            assert REFUSAL not in said and START not in said, (who, said)
        else:
            assert said == [case.stranger if who == "zed" else REFUSAL], (who, said)
            assert _sent(bot) == before + 1, f"{who}'s refusal reached another chat"


async def test_the_creator_of_a_circle_may_appoint_but_other_coordinators_may_not(
    bot: BotHarness,
) -> None:
    await _world(bot)
    await bot.push("olive", "/circle approve Proposed Circle")
    await bot.onboard("yan", "York")
    assert [r.text for r in await bot.push("cora", "/appoint Proposed Circle @yan")] == [REFUSAL]
    appointed = await bot.push("otto", "/appoint Proposed Circle @yan")
    assert appointed[0].text == "@yan is now a coordinator of Proposed Circle."
    refused = await bot.push("yan", "/appoint Proposed Circle @mia")
    assert [r.text for r in refused] == [REFUSAL]


async def test_a_refusal_is_the_same_whether_or_not_the_circle_exists(bot: BotHarness) -> None:
    await _world(bot)
    for command in ("/appoint {} @mia", "/unappoint {} @cora", "/coordinators {}"):
        real = await bot.push("otto", command.format("Leeds Carers"))
        made_up = await bot.push("otto", command.format("No Such Circle"))
        assert [r.text for r in real] == [r.text for r in made_up] == [REFUSAL]
