"""`groundswell digest --format md|csv|json|html|text --out FILE` on a seeded database.

Runs the real argument parser and command in-process (in a thread, as ``main`` owns its
event loop), with the session's spaCy model injected so five runs don't load it five times.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from digest_seed import seed
from spacy.language import Language

from bot.app import App
from bot.services.introductions import CAPITALISED, PlatformPlaces
from config.settings import Settings
from groundswell import cli_commands
from groundswell.cli import main


async def test_cli_writes_every_format(
    app: App, nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = await seed(app, now=datetime.now(UTC))
    real_create = App.create

    async def create(
        settings: Settings, nlp_model: Language | None = None, places: PlatformPlaces = CAPITALISED
    ) -> App:
        return await real_create(settings, nlp=nlp, places=places)

    monkeypatch.setattr(cli_commands.App, "create", create)
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", app.settings.database_url)
    monkeypatch.chdir(tmp_path)
    outputs: dict[str, str] = {}
    for fmt in ("md", "csv", "json", "html", "text"):
        out = tmp_path / f"digest.{fmt}"
        argv = ["digest", "--format", fmt, "--out", str(out)]
        assert await asyncio.to_thread(main, argv) == 0
        outputs[fmt] = out.read_text(encoding="utf-8")
    order = [seeded.themes[x] for x in "DAEB"]
    assert [t["theme_id"] for t in json.loads(outputs["json"])["themes"]] == order
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert [int(r["theme_id"]) for r in rows] == order
    assert outputs["md"].startswith("# Shared\\-demand digest: everywhere")
    assert outputs["html"].startswith("<!doctype html>")
    assert 'src="data:image/png;base64,' in outputs["html"]
    assert "5 people in 3 places, 2 circles — including Leeds (3)" in outputs["text"]
