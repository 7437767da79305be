"""`groundswell digest` shares /digest's rules, so a bad place, circle or period is one
friendly line on stderr and exit status 1, never a traceback."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from spacy.language import Language

from bot.app import App
from bot.services.introductions import CAPITALISED, PlatformPlaces
from config.settings import Settings
from groundswell import cli_commands
from groundswell.cli import main


@pytest.fixture
def cli_app(app: App, nlp: Language, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> App:
    real_create = App.create

    async def create(
        settings: Settings, nlp_model: Language | None = None, places: PlatformPlaces = CAPITALISED
    ) -> App:
        return await real_create(settings, nlp=nlp, places=places)

    monkeypatch.setattr(cli_commands.App, "create", create)
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", app.settings.database_url)
    monkeypatch.chdir(tmp_path)
    return app


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["digest", "--place", "123"], "town, city or council area"),
        (["digest", "--circle", "No Such Circle"], "No Such Circle"),
        (["digest", "--since", "soon"], "--since"),
        (["digest", "--since", "0d"], "--since"),
    ],
)
@pytest.mark.usefixtures("cli_app")
async def test_bad_request_is_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    assert await asyncio.to_thread(main, argv) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("groundswell: "), lines
    assert says in lines[0]


@pytest.mark.usefixtures("cli_app")
async def test_a_known_place_gives_its_digest(capsys: pytest.CaptureFixture[str]) -> None:
    assert await asyncio.to_thread(main, ["digest", "--place", "Leeds", "--format", "text"]) == 0
    assert "Leeds" in capsys.readouterr().out
