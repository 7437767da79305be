"""The re-cluster's clustering runs in a separate, lower-priority process (bot.background_cpu):
chat keeps this interpreter and gets the cores first, and a crash there fails one job only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pytest

from bot.background_cpu import BACKGROUND_NICENESS, BackgroundProcess
from nlp.recluster import cluster_levels


async def test_a_job_runs_in_another_process_behind_chat() -> None:
    background = BackgroundProcess()
    try:
        assert await background.run(os.getpid) != os.getpid()
        expected = min(19, os.nice(0) + BACKGROUND_NICENESS)
        assert await background.run(os.nice, 0) == expected
    finally:
        background.close()


async def test_clustering_there_gives_what_it_gives_here() -> None:
    vectors = np.random.default_rng(3).normal(size=(60, 16)).astype(np.float32)
    background = BackgroundProcess()
    try:
        there = await background.run(cluster_levels, vectors, 1.0, 0)
    finally:
        background.close()
    here = cluster_levels(vectors, 1.0, 0)
    assert there.themes.tolist() == here.themes.tolist()
    assert there.subthemes.tolist() == here.subthemes.tolist()


async def test_a_crashed_job_fails_alone_and_the_next_starts_afresh() -> None:
    background = BackgroundProcess()
    try:
        first = await background.run(os.getpid)
        with pytest.raises(BrokenProcessPool):
            await background.run(os._exit, 1)
        second = await background.run(os.getpid)
        assert second not in (first, os.getpid())
    finally:
        background.close()


BOT = """
import asyncio, os
from bot.background_cpu import BackgroundProcess

async def main():
    background = BackgroundProcess()
    print(await background.run(os.getpid), flush=True)
    await asyncio.sleep(120)

if __name__ == "__main__":
    asyncio.run(main())
"""


def _running(pid: int) -> bool:
    """Alive and not a zombie (nobody may reap an orphan in a container)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_killed_bot_leaves_no_worker_behind(tmp_path: Path) -> None:
    """SIGKILL gives the bot no chance to shut its worker down; the worker notices its
    parent is gone and ends, instead of holding its memory for ever."""
    script = tmp_path / "killed_bot.py"
    script.write_text(BOT)
    root = Path(__file__).resolve().parents[2]
    bot = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert bot.stdout is not None
        worker = int(bot.stdout.readline())
        assert _running(worker)
    finally:
        bot.kill()
        bot.wait()
    deadline = time.monotonic() + 15
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(worker), "the worker outlived the bot"
