"""Durability: the bot is SIGKILLed at random moments while ingesting a script of reports
through the console adapter, and restarted each time from a little before where its
acknowledgements stopped. Afterwards every report whose acknowledgement was printed is
present exactly once, with the text of the line it acknowledged; once the last run finishes,
every line of the script is present exactly once. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from sqlalchemy import select

from bot.app import App
from config.settings import Settings
from groundswell.testing import BotHarness
from storage.db import Database
from storage.models import Report

SERVER = Path(__file__).with_name("ingest_server.py")
ACK = re.compile(r"your report is saved \(#(\d+)\)")
USER = "amira"
SEED = int(os.environ.get("GROUNDSWELL_TEST_SEED", "8"))

NOUNS = ("procurement", "rota", "referral", "risk", "parking", "IT", "training", "budget")
BLOCKS = ("rules stop us", "policy forbids us", "system won't let us", "process takes weeks to")
DEEDS = ("buy locally", "help families", "share records", "visit at home", "cover shifts")


@dataclass
class Run:
    start: int  # lines of the script already sent before this run
    out: Path
    killed: bool = False

    def acknowledged(self) -> list[tuple[int, int]]:
        """(line number, report id) for every acknowledgement this run printed in full."""
        acks = [int(m.group(1)) for m in ACK.finditer(self.out.read_text(encoding="utf-8"))]
        return [(self.start + k, report_id) for k, report_id in enumerate(acks, start=1)]


class IngestServer:
    """The fork server (ingest_server.py) as seen from the test."""

    def __init__(self, log: Path) -> None:
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self._read().get("ready"), "the ingest server did not start"

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"the ingest server died; see {self.log.name}"
        reply: dict[str, Any] = json.loads(line)
        return reply

    async def start(self, request: dict[str, Any]) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return int((await asyncio.to_thread(self._read))["pid"])

    async def wait(self) -> int:
        return int((await asyncio.to_thread(self._read))["exit"])

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="module")
def ingest_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IngestServer]:
    server = IngestServer(tmp_path_factory.mktemp("ingest") / "server.log")
    yield server
    server.close()


def write_script(path: Path, lines: int, rng: random.Random) -> list[str]:
    texts = [
        f"Barrier {n:05d}: the {rng.choice(NOUNS)} {rng.choice(BLOCKS)} {rng.choice(DEEDS)}."
        for n in range(1, lines + 1)
    ]
    path.write_text("".join(f"/report {t}\n" for t in texts), encoding="utf-8")
    return texts


async def onboard(settings: Settings, nlp: Language) -> None:
    app = await App.create(settings, nlp=nlp)
    try:
        async with BotHarness(app) as bot:
            await bot.onboard(USER, "Leeds")
    finally:
        await app.close()


async def kill_after(pid: int, run: Run, acks: int, rng: random.Random) -> None:
    """SIGKILL once the run has printed ``acks`` acknowledgements, plus a random sliver of
    time, so the kill lands anywhere in the handling of a message (or the child has ended)."""
    while not run.out.exists() or len(run.acknowledged()) < acks:
        await asyncio.sleep(0.02)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
    await asyncio.sleep(rng.uniform(0.0, 0.15))
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


async def crash_repeatedly(
    server: IngestServer, url: str, script: Path, total: int, kills: int
) -> list[Run]:
    """Kills are spread over the whole script: each run gets a random number of lines."""
    rng = random.Random(SEED)
    runs: list[Run] = []
    start = 0
    for number in range(kills + 1):
        run = Run(start, script.with_name(f"run-{number}.out"))
        request = {"database_url": url, "lines": str(script), "start": start, "user": USER}
        pid = await server.start({**request, "out": str(run.out)})
        if number < kills:
            await kill_after(pid, run, rng.randint(0, 2 * total // (kills + 1)), rng)
        status = await server.wait()
        run.killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert run.killed or status == 0, f"run {number} failed (status {status})"
        runs.append(run)
        done = run.acknowledged()[-1][0] if run.acknowledged() else start
        start = max(0, min(done, total) - rng.randint(0, 3))  # re-send a few acknowledged lines
    return runs


async def stored(url: str) -> list[tuple[int, str, str | None]]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = await session.execute(select(Report.id, Report.text, Report.message_id))
            return [(int(i), str(t), m) for i, t, m in rows.all()]
    finally:
        await db.close()


async def check_nothing_lost(url: str, texts: list[str], make_runs: Callable[[], Any]) -> list[Run]:
    runs: list[Run] = await make_runs()
    rows = await stored(url)
    by_id = {report_id: (text, message_id) for report_id, text, message_id in rows}
    for run in runs:
        for line, report_id in run.acknowledged():
            assert by_id.get(report_id) == (texts[line - 1], f"line-{line}"), (line, report_id)
    copies = Counter(message_id for _, _, message_id in rows)
    assert copies == Counter(f"line-{n}" for n in range(1, len(texts) + 1)), "lost or doubled"
    assert sorted(text for _, text, _ in rows) == sorted(texts)
    return runs


async def scenario(
    server: IngestServer,
    make_settings: Callable[..., Settings],
    nlp: Language,
    tmp_path: Path,
    lines: int,
    kills: int,
) -> None:
    settings = make_settings()
    await onboard(settings, nlp)
    script = tmp_path / "script.txt"
    texts = write_script(script, lines, random.Random(SEED))
    url = settings.database_url

    runs = await check_nothing_lost(
        url, texts, lambda: crash_repeatedly(server, url, script, lines, kills)
    )
    killed_mid_stream = [r for r in runs if r.killed]
    assert len(killed_mid_stream) >= max(1, kills // 2), "the kills came too late to test much"
    assert sum(len(r.acknowledged()) for r in runs) >= lines


async def test_sigkilled_bot_loses_no_acknowledged_report(
    ingest_server: IngestServer,
    make_settings: Callable[..., Settings],
    nlp: Language,
    tmp_path: Path,
) -> None:
    await scenario(ingest_server, make_settings, nlp, tmp_path, 150, 3)


@pytest.mark.slow
async def test_ten_thousand_reports_survive_ten_sigkills(
    ingest_server: IngestServer,
    make_settings: Callable[..., Settings],
    nlp: Language,
    tmp_path: Path,
) -> None:
    await scenario(ingest_server, make_settings, nlp, tmp_path, 10_000, 10)
