"""Buttons where people used to type, through discord.py and the fake Discord: "Me too"
on /themes, "Join" on /circles and "Withdraw" with its confirm step on /mine, in a DM."""

from __future__ import annotations

import re

from discord_world import Person, World
from test_discord_story import person, shared_barrier, world

__all__ = ["world"]  # the story's fixture, shared rather than repeated


def shown_labels(someone: Person) -> list[str]:
    """The buttons on the newest message this person was sent with any."""
    shown = [r.body["components"] for r in someone.history if (r.body or {}).get("components")]
    assert shown, f"{someone.name} was shown no buttons"
    return [item["label"] for row in shown[-1] for item in row["components"]]


async def test_me_too_join_and_withdraw_are_one_tap(world: World) -> None:
    theme, people = await shared_barrier(world)
    await world.runtime.app.services.circles.create("Hull health", "Hull", None, None, None, None)
    dev = person(world, 504, "dev")
    await dev.onboard("York")

    await dev.slash("themes")
    assert shown_labels(dev) == [f"Me too #{theme}"]
    assert f"counted on #{theme}" in await dev.press(f"Me too #{theme}")

    await dev.slash("circles")
    assert "Welcome to Hull health!" in await dev.press("Join Hull health")

    amira = people[0]
    listed = await amira.slash("mine")
    report = int(re.search(r"#(\d+) \(theme", listed).group(1))  # type: ignore[union-attr]
    ask = await amira.press(f"Withdraw #{report}")
    assert ask.startswith(f"Withdraw report #{report}")
    assert await amira.press(f"Yes, withdraw #{report}") == (
        f"Report #{report} is withdrawn and deleted."
    )
