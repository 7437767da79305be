"""The re-cluster's clustering runs in a separate, lower-priority process (bot.background_cpu):
chat keeps this interpreter and gets the cores first, and a crash there fails one job only."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

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
