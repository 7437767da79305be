"""Raw ``nlp.pipe`` throughput (the ingest baseline, see ingest_store.py), incremental
assignment latency, and re-clustering time and peak memory at scale."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from spacy.language import Language

from nlp.cluster import ThemeIndex, cluster_vectors, similarity_threshold
from nlp.recluster import unit_rows


def raw_pipe_rate(nlp: Language, texts: Sequence[str]) -> float:
    """Reports a second through ``nlp.pipe`` with every component, doing nothing else."""
    start = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=256):
        pass
    return len(texts) / (time.perf_counter() - start)


def place(index: ThemeIndex, vector: NDArray[np.float32], threshold: float, next_id: int) -> int:
    """What the bot does per report: join the nearest theme if close enough, else open one."""
    theme, similarity = index.nearest(vector)
    if theme is not None and similarity >= threshold:
        index.absorb(theme, vector)
        return next_id
    index.add(next_id, vector)
    return next_id + 1


def resample(vectors: NDArray[np.float32], n: int, seed: int) -> NDArray[np.float32]:
    """A larger set of real report vectors, drawn with replacement: at 100,000 each text
    appears about four times, as a template shared by many people would."""
    rows = np.random.default_rng(seed).choice(len(vectors), n, replace=True)
    return unit_rows(vectors[rows])


def index_from_clusters(vectors: NDArray[np.float32], labels: NDArray[np.int64]) -> ThemeIndex:
    index = ThemeIndex(dim=vectors.shape[1])
    sums = np.zeros((int(labels.max()) + 1, vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, labels, vectors)
    for theme, total in enumerate(sums):
        index.add(theme, total)
    return index


def assignment_latency_ms(index: ThemeIndex, arrivals: NDArray[np.float32]) -> list[float]:
    """Per-report milliseconds for nearest-theme lookup plus joining or opening a theme."""
    threshold, next_id, times = similarity_threshold(1.0), max(index.ids) + 1, []
    for vector in arrivals:
        start = time.perf_counter()
        next_id = place(index, vector, threshold, next_id)
        times.append((time.perf_counter() - start) * 1000)
    return times


CHILD = """
import json, sys, time
import numpy as np
from nlp.cluster import cluster_vectors

def high_water_mb():
    # VmHWM belongs to this process image; ru_maxrss would carry the forking parent's peak
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

vectors = np.load(sys.argv[1])
start = time.perf_counter()
labels = cluster_vectors(vectors, 1.0, seed=0)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "themes": int(labels.max()) + 1,
                  "peak_mb": high_water_mb()}))
"""


def recluster_in_child(path: Path) -> dict[str, float]:
    """Run cluster_vectors in a fresh process so its peak memory is its own (Linux)."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def scale_run(
    vectors: NDArray[np.float32], n: int, workdir: Path, runs: int, seed: int = 0
) -> dict[str, float]:
    """Recluster time and peak memory (median of runs), then assignment latency at size n."""
    sample = unit_rows(resample(vectors, n, seed))
    path = workdir / f"vectors_{n}.npy"
    np.save(path, sample)
    load = os.getloadavg()[0]  # other work on the machine: timings are lower bounds beside it
    children = [recluster_in_child(path) for _ in range(runs)]
    labels = cluster_vectors(sample, 1.0, seed=seed)
    index = index_from_clusters(sample, labels)
    latencies = assignment_latency_ms(index, resample(vectors, 2000, seed + 1))
    return {
        "reports": n,
        "recluster_s": statistics.median(c["seconds"] for c in children),
        "load_1m": round(max(load, os.getloadavg()[0]), 1),
        "peak_mb": statistics.median(c["peak_mb"] for c in children),
        "themes": statistics.median(c["themes"] for c in children),
        "assign_median_ms": statistics.median(latencies),
        "assign_p99_ms": float(np.percentile(latencies, 99)),
    }
