"""A re-cluster never waits for a theme row while holding others (the deadlock PostgreSQL
reported when a chat batch and a re-cluster locked themes in different orders): it finds a
held row busy at once, lets go, and applies once the row is free."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from spacy.language import Language
from sqlalchemy import select

import bot.services.recluster as recluster_module
from bot.app import App
from bot.nlp_worker import NlpWorker
from config.settings import Settings
from groundswell.testing import BotHarness
from storage import themes as theme_store
from storage.db import Database
from storage.models import Theme

REPORTS = (
    "Procurement rules stop us buying from the local social enterprise.",
    "The tender framework only lets big contractors bid for our contracts.",
    "Our risk policy forbids letting patients go home with family support.",
)


async def _hold_a_theme(db: Database, held: asyncio.Event, release: asyncio.Event) -> None:
    """Another process's transaction holding one live theme row, as a chat batch does."""
    async with db.transaction() as session:
        first = select(Theme.id).where(Theme.merged_into.is_(None)).order_by(Theme.id).limit(1)
        await session.execute(first.with_for_update())
        held.set()
        await release.wait()


@asynccontextmanager
async def _app_with_reports_and_another_process(
    make_settings: Callable[..., Settings], nlp: Language
) -> AsyncIterator[tuple[App, Database]]:
    """An App holding a few reports, and a second Database (another process) on it."""
    settings = make_settings()
    app = await App.create(settings, nlp=nlp)
    other = Database(settings.database_url)
    try:
        async with BotHarness(app) as bot:
            await bot.onboard("amira", "Leeds")
            for text in REPORTS:
                await bot.push("amira", f"/report {text}")
        yield app, other
    finally:
        await other.close()
        await app.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_held_theme_row_makes_the_recluster_wait_not_deadlock(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    async with _app_with_reports_and_another_process(make_settings, nlp) as (app, other):
        held, release = asyncio.Event(), asyncio.Event()
        holder = asyncio.create_task(_hold_a_theme(other, held, release))
        await held.wait()
        async with app.services.db.transaction() as session:
            with pytest.raises(theme_store.ThemesBusy):
                await theme_store.lock_live(session)
        recluster = asyncio.create_task(app.services.reclusterer.run())
        await asyncio.sleep(0.5)
        assert not recluster.done(), "it waits while the row is held"
        release.set()
        await holder
        summary = await asyncio.wait_for(recluster, 30)
        assert summary.reports == len(REPORTS)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_themes_busy_too_long_drops_this_recluster_until_more_arrive(
    make_settings: Callable[..., Settings],
    nlp: Language,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Under a flood that never lets go of the themes, the automatic re-cluster gives up
    with a warning (no traceback) and is not started again until the usual growth, so it
    does not cluster over and over for nothing while reports keep coming."""
    monkeypatch.setattr(recluster_module, "LOCK_ATTEMPTS", 2)
    async with _app_with_reports_and_another_process(make_settings, nlp) as (app, other):
        held, release = asyncio.Event(), asyncio.Event()
        holder = asyncio.create_task(_hold_a_theme(other, held, release))
        await held.wait()
        reclusterer = app.services.reclusterer
        with caplog.at_level(logging.WARNING, logger="groundswell.recluster"):
            await reclusterer._background()
        release.set()
        await holder
        assert "themes stayed busy" in caplog.text and "Traceback" not in caplog.text
        assert reclusterer.baseline == app.services.themes.placed  # counting starts afresh


SHARED = "The agency staff rule means we cannot send anyone home on time, patients wait."


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_themes_busy_while_labelling_keeps_the_recluster_and_leaves_labels_waiting(
    make_settings: Callable[..., Settings],
    nlp: Language,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The labels are written after the assignments commit: a chat batch holding a theme
    then costs only the labels (a warning; the next relabel makes them), not the re-cluster."""
    monkeypatch.setattr(recluster_module, "LOCK_ATTEMPTS", 2)
    settings = make_settings()
    app = await App.create(settings, nlp=nlp)
    other = Database(settings.database_url)
    held, release = asyncio.Event(), asyncio.Event()
    holders: list[asyncio.Task[None]] = []
    real_labels = NlpWorker.labels_from  # the re-cluster's labels

    async def hold_while_labelling(self: NlpWorker, *args: object, **kwargs: object) -> object:
        if not holders:
            holders.append(asyncio.create_task(_hold_a_theme(other, held, release)))
            await held.wait()
        return await real_labels(self, *args, **kwargs)  # type: ignore[arg-type]

    try:
        async with BotHarness(app) as bot:
            for user in ("amy", "bo", "cy"):
                await bot.onboard(user, "Leeds")
                await bot.push(user, f"/report {SHARED} ({user})")
        async with app.services.db.reading() as session:
            before = await theme_store.live_labels(session)
        monkeypatch.setattr(NlpWorker, "labels_from", hold_while_labelling)
        with caplog.at_level(logging.WARNING, logger="groundswell.recluster"):
            summary = await app.services.reclusterer.run()
        release.set()
        await holders[0]
        async with app.services.db.reading() as session:
            after = await theme_store.live_labels(session)
    finally:
        await other.close()
        await app.close()
    assert summary.reports == 3  # the re-cluster applied
    assert "labels wait for the next relabel" in caplog.text and "Traceback" not in caplog.text
    assert after == before  # nothing written while the theme was held
