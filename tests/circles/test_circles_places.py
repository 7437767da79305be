"""Places typed at onboarding are matched against the gazetteer, and circles are suggested
by place: the same area first, then the same region."""

from __future__ import annotations

import pytest

from bot.messages import Incoming
from groundswell.testing import BotHarness


async def _place_of(bot: BotHarness, user: str) -> tuple[str | None, str | None]:
    caller = await bot.app.services.people.caller(
        Incoming(platform="console", chat_id=f"dm-{user}", user_id=user)
    )
    return caller.place, caller.place_key


@pytest.mark.parametrize(
    ("typed", "shown", "key"),
    [
        ("leeds", "Leeds", "leeds"),
        ("Leeds, West Yorkshire", "Leeds", "leeds"),
        ("I work near Leeds", "Leeds", "leeds"),
        ("St. Albans", "St Albans", "saint albans"),
        ("saint albans", "St Albans", "saint albans"),
        ("Hull", "Hull", "kingston upon hull"),
        ("hebden bridge", "Hebden Bridge", "calderdale"),
        ("Manchestr", "Manchester", "manchester"),
        ("Little Snoring Parva", "Little Snoring Parva", "little snoring parva"),
    ],
)
async def test_onboarding_matches_places_forgivingly(
    bot: BotHarness, typed: str, shown: str, key: str
) -> None:
    await bot.push("pat", "/start")
    await bot.tap("pat", "Yes, I agree")
    got = await bot.push("pat", typed)
    assert got[-1].text == f"Got it: {shown}. Which area do you work in?"
    await bot.tap("pat", "Health")
    assert await _place_of(bot, "pat") == (shown, key)


async def test_a_place_with_no_letters_is_asked_again(bot: BotHarness) -> None:
    await bot.push("pat", "/start")
    await bot.tap("pat", "Yes, I agree")
    again = await bot.push("pat", "12345")
    assert again[-1].text == "Please tell me a town, city or council area, e.g. Leeds."
    assert (await bot.push("pat", "York"))[-1].text.startswith("Got it: York.")


async def test_people_in_one_area_share_a_key_however_they_type_it(bot: BotHarness) -> None:
    await bot.onboard("ada", "St Albans")
    await bot.onboard("bo", "saint albans, hertfordshire")
    assert (await _place_of(bot, "ada"))[1] == (await _place_of(bot, "bo"))[1] == "saint albans"


async def test_onboarding_suggests_same_place_then_nearby_circles(bot: BotHarness) -> None:
    await bot.onboard("olive", "London")
    await bot.push("olive", "/circle new Bradford Nurses place Bradford")
    await bot.push("olive", "/circle new Leeds Carers place Leeds focus carers")
    await bot.push("olive", "/circle new Bristol Porters place Bristol")
    await bot.push("kit", "/start")
    await bot.tap("kit", "Yes, I agree")
    await bot.push("kit", "leeds")
    done = (await bot.tap("kit", "Health"))[-1]
    assert "You're set up" in done.text
    lines = done.text.split("Circles you could join:")[1].strip().splitlines()
    assert lines == [
        "• Leeds Carers — Leeds (carers): in your area",
        "• Bradford Nurses — Bradford: nearby",
    ]
    assert [b.label for b in done.buttons] == ["Join Leeds Carers", "Join Bradford Nurses"]
    joined = await bot.tap("kit", "Join Leeds Carers")
    assert joined[-1].text.startswith("Welcome to Leeds Carers!")
    assert "✓ joined" in (await bot.push("kit", "/circles"))[-1].text


async def test_an_unknown_place_still_finds_its_own_circle(bot: BotHarness) -> None:
    await bot.onboard("olive", "London")
    await bot.push("olive", "/circle new Snoring Circle place Little Snoring Parva")
    await bot.push("lou", "/start")
    await bot.tap("lou", "Yes, I agree")
    await bot.push("lou", "little snoring parva")
    done = (await bot.tap("lou", "Health"))[-1]
    assert "• Snoring Circle — Little Snoring Parva: in your area" in done.text
