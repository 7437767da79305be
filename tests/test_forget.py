"""/forget deletes every row about the person, checked by scanning every table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from groundswell.testing import BotHarness
from storage.models import Base

RISK = "The risk policy stops us letting people take small risks they have chosen."


PERSON_COLUMNS = ("person_id", "person_low", "person_high", "created_by")


def mentions(table: str, column: str, value: Any, person_id: int, user: str) -> bool:
    about_person = column.endswith(PERSON_COLUMNS) or (table == "people" and column == "id")
    return (about_person and value == person_id) or value in (user, f"dm-{user}", f"@{user}")


async def rows_mentioning(bot: BotHarness, person_id: int, user: str) -> list[tuple[str, Any]]:
    """Every row in every table holding the person's id or platform user id."""
    found = []
    async with bot.app.services.db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).mappings():
                if any(mentions(table.name, c, v, person_id, user) for c, v in row.items()):
                    found.append((table.name, dict(row)))
    return found


async def test_forget_removes_every_row(bot: BotHarness) -> None:
    for user in ("hana", "ivan", "kai"):
        await bot.onboard(user, "Leeds")
    await bot.push("hana", f"/report {RISK}")
    await bot.push("ivan", f"/report {RISK} Really.")
    saved = (await bot.push("kai", f"/report {RISK} Truly."))[0].text  # offers follow
    theme = saved.split("theme #")[1].split(":")[0]
    await bot.push("hana", f"/metoo {theme}")
    await bot.push("hana", "/circle new Hana Circle place Leeds")  # a pending proposal
    await bot.push("hana", "An unconfirmed thought about budgets")  # leaves conversation state
    caller = await bot.app.services.people.caller(_incoming("hana"))
    assert caller.person_id is not None
    assert await rows_mentioning(bot, caller.person_id, "hana")

    await bot.push("hana", "/forget")
    done = (await bot.tap("hana", "Yes, delete everything"))[-1].text
    assert "deleted" in done

    assert await rows_mentioning(bot, caller.person_id, "hana") == []
    ivan = await bot.app.services.people.caller(_incoming("ivan"))
    assert ivan.person_id is not None and await rows_mentioning(bot, ivan.person_id, "ivan")


async def test_cancelled_forget_deletes_nothing(bot: BotHarness) -> None:
    await bot.onboard("jo", "Leeds")
    await bot.push("jo", "/forget")
    assert "nothing was deleted" in (await bot.tap("jo", "Cancel"))[-1].text
    assert "saved" in (await bot.push("jo", f"/report {RISK}"))[-1].text
    assert "haven't" not in (await bot.push("jo", "/mine"))[-1].text


def _incoming(user: str):  # type: ignore[no-untyped-def]
    from bot.messages import Incoming

    return Incoming(platform="console", chat_id=f"dm-{user}", user_id=user)
