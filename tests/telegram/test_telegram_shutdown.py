"""``groundswell run`` as a real process against the fake Bot API, stopped by a real signal
while a ``/report`` is in flight (fetched from Telegram, not yet stored: the test holds
the database's write lock meanwhile).

SIGTERM (systemd, Docker, Kubernetes) and SIGINT (Ctrl-C) run the same orderly stop: the
process exits 0 and the report is stored once and answered before it does. SIGKILL allows
no stop at all: then the update must still be unconfirmed at Telegram, so the next start
gets it again and stores it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import tg_updates as tg
from fake_bot_api import TOKEN, FakeBotApi
from sqlalchemy import select
from tg_support import TelegramButtons

from storage.db import Database
from storage.models import Report

PERSON = tg.user(701, "nadia", "Nadia")
CHAT = tg.private_chat(PERSON)
BARRIER = "the referral system rejects forms from community nurses"
SAVED = "your report is saved"
STOP_TIMEOUT = 120


class BotProcess:
    """One ``groundswell run``; its log is kept for the failure message."""

    def __init__(self, fake: FakeBotApi, tmp_path: Path, number: int) -> None:
        self.log_path = tmp_path / f"bot-{number}.log"
        env = {
            **os.environ,
            "GROUNDSWELL_TELEGRAM_TOKEN": TOKEN,
            "GROUNDSWELL_TELEGRAM_BASE_URL": fake.base_url,
            "GROUNDSWELL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            # The drain waits until idle up to this bound: on a loaded machine the report's
            # commit and reply may take longer than the default allows (a flake once).
            "GROUNDSWELL_STOP_TIMEOUT": str(STOP_TIMEOUT),
        }
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "groundswell", "--verbose", "run"],
                env=env,
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    async def exit_code(self, within: float = STOP_TIMEOUT + 60) -> int:
        deadline = time.monotonic() + within
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"the bot did not stop in {within}s:\n{self.log()}")
            await asyncio.sleep(0.05)
        return self.proc.returncode


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = await FakeBotApi().start()
    yield api
    await api.close()


@pytest.fixture
def processes(fake_api: FakeBotApi, tmp_path: Path) -> Iterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for process in started:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.wait()


async def start_bot(fake: FakeBotApi, tmp_path: Path, started: list[BotProcess]) -> BotProcess:
    """Start the process and wait until it polls (the spaCy model takes a while to load)."""
    process = BotProcess(fake, tmp_path, len(started))
    started.append(process)
    polls = len(fake.sent("getUpdates"))
    deadline = time.monotonic() + 120
    while len(fake.sent("getUpdates")) <= polls:
        if process.proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the bot never polled:\n{process.log()}")
        await asyncio.sleep(0.05)
    return process


async def onboard(fake: FakeBotApi) -> None:
    buttons = TelegramButtons(fake)
    await buttons.exchange(tg.text(CHAT, PERSON, "/start"), CHAT["id"])
    await buttons.exchange(buttons.tap(PERSON, CHAT["id"], "Yes, I agree"), CHAT["id"])
    await buttons.exchange(tg.text(CHAT, PERSON, "Leeds"), CHAT["id"])
    done = await buttons.exchange(buttons.tap(PERSON, CHAT["id"], "Health"), CHAT["id"])
    assert any("You're set up" in text for text in done), done


async def send_report(fake: FakeBotApi, process: BotProcess) -> int:
    """Inject the report; return once the bot has fetched it and polled again (so it has
    taken the update in) while ``database_locked`` keeps it from being stored."""
    update_id = await fake.inject(tg.text(CHAT, PERSON, f"/report {BARRIER}"))
    deadline = time.monotonic() + 30
    while len(fake.sent("getUpdates")) <= fake.handed_out.get(update_id, 10**9):
        assert time.monotonic() < deadline, f"the report was never fetched:\n{process.log()}"
        await asyncio.sleep(0.01)
    return update_id


@contextlib.contextmanager
def database_locked(tmp_path: Path) -> Iterator[None]:
    """Hold SQLite's write lock: the bot can read, but its commit waits (busy timeout), so
    the report is certainly in flight when the signal arrives."""
    connection = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


async def stored_reports(tmp_path: Path) -> list[str]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        async with db.transaction() as session:
            return list((await session.scalars(select(Report.text))).all())
    finally:
        await db.close()


def acknowledgements(fake: FakeBotApi) -> list[str]:
    return [text for text in fake.texts(CHAT["id"]) if SAVED in text]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_signal_finishes_the_report_in_flight(
    fake_api: FakeBotApi, tmp_path: Path, processes: list[BotProcess], signum: int
) -> None:
    bot = await start_bot(fake_api, tmp_path, processes)
    await onboard(fake_api)
    with database_locked(tmp_path):
        update_id = await send_report(fake_api, bot)
        bot.proc.send_signal(signum)
        await asyncio.sleep(1.0)  # still handling: it waits for the database
        assert bot.proc.poll() is None, f"stopped without finishing:\n{bot.log()}"
    code = await bot.exit_code()
    assert code == 0, f"not an orderly stop (exit {code}):\n{bot.log()}"
    assert "Traceback" not in bot.log()
    assert "unfinished" not in bot.log(), "the drain gave up"
    assert len([t for t in await stored_reports(tmp_path) if BARRIER in t]) == 1
    assert acknowledgements(fake_api), f"the report was never answered:\n{bot.log()}"
    assert update_id not in fake_api.unconfirmed, "handled, so confirmed before exiting"


async def wait_confirmed(fake: FakeBotApi, update_id: int, process: BotProcess) -> None:
    deadline = time.monotonic() + 60
    while update_id in fake.unconfirmed:
        assert time.monotonic() < deadline, f"never confirmed:\n{process.log()}"
        await asyncio.sleep(0.05)


async def test_a_killed_bot_gets_the_report_again_and_stores_it_once(
    fake_api: FakeBotApi, tmp_path: Path, processes: list[BotProcess]
) -> None:
    first = await start_bot(fake_api, tmp_path, processes)
    await onboard(fake_api)
    with database_locked(tmp_path):
        update_id = await send_report(fake_api, first)
        first.proc.send_signal(signal.SIGKILL)
        assert await first.exit_code() == -signal.SIGKILL
    assert not [t for t in await stored_reports(tmp_path) if BARRIER in t]
    assert update_id in fake_api.unconfirmed, "not stored, yet confirmed: lost for good"
    second = await start_bot(fake_api, tmp_path, processes)
    await wait_confirmed(fake_api, update_id, second)
    second.proc.send_signal(signal.SIGTERM)
    assert await second.exit_code() == 0, second.log()
    assert len([t for t in await stored_reports(tmp_path) if BARRIER in t]) == 1
    assert acknowledgements(fake_api), second.log()
