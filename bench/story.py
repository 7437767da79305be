"""The story set told through the real chat path: `python -m bench.story`.

Fifty-six people each onboard and send one report through App + Dispatcher (the console
test double, exactly as the adapters drive it), in the order of ``bench.story_set.ARRIVALS``.
Measured:

- **told "first"**: with the automatic re-cluster off and on (the bench waits for a
  background re-cluster to finish before the next report, as minutes pass between real
  reports); among reporters whose barrier already had two or more earlier
  reporters, the share whose report landed in a theme nobody else shares (target ≤ 1 in
  5). The replies no longer say "You're the first" (a theme below ``min_people`` gets no
  count at all), so this is read from the outcome the reply was built from: its theme's
  reporters, counted when the reply was made;
- after a re-cluster, each barrier is **clean** (its home theme, the one holding most of its
  reports, holds at least 5 of its 7 and is at least 70 % this barrier), **split** (its home
  holds fewer than 5) or **merged** (its home is mostly other barriers' reports); the same at
  the sub-theme level, where a split means finer distinctions, not a failure.

Off-topic messages (``NOT_BARRIERS``) are sent too, by other people, to show whether they
stay out of the themes.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sklearn.metrics import normalized_mutual_info_score
from spacy.language import Language
from sqlalchemy import select

from bench.story_set import ARRIVALS, NOT_BARRIERS
from bot.app import App
from bot.services.reports import ReportOutcome
from config.settings import load_settings
from groundswell.testing import BotHarness
from nlp.model import load_model
from storage.models import ReportTheme

PLACES = ("Leeds", "Cardiff", "Bristol", "Manchester", "Hull", "York", "Derby")
AREAS = ("Health", "Social care", "Local government")
CLEAN_SHARE = 5 / 7
PURITY = 0.7
SAVED = re.compile(r"saved \(#(\d+)\)")


def barrier_outcomes(barrier_of: Mapping[int, str], group_of: Mapping[int, int]) -> dict[str, str]:
    """clean / split / merged for each barrier, from report -> group (theme or sub-theme)."""
    by_barrier: dict[str, Counter[int]] = defaultdict(Counter)
    group_sizes: Counter[int] = Counter()
    for report, barrier in barrier_of.items():
        group = group_of[report]
        by_barrier[barrier][group] += 1
        group_sizes[group] += 1
    verdicts = {}
    for barrier, groups in by_barrier.items():
        home, held = groups.most_common(1)[0]
        total = sum(groups.values())
        if held / group_sizes[home] < PURITY:
            verdicts[barrier] = "merged"
        elif held / total < CLEAN_SHARE - 1e-9:
            verdicts[barrier] = "split"
        else:
            verdicts[barrier] = "clean"
    return verdicts


def _record_outcomes(app: App) -> list[ReportOutcome]:
    """Wrap ``ReportService.submit`` so the bench sees each outcome a reply was built from."""
    outcomes: list[ReportOutcome] = []
    submit = app.services.reports.submit

    async def recorded(*args: Any) -> ReportOutcome:
        outcome = await submit(*args)
        outcomes.append(outcome)
        return outcome

    app.services.reports.submit = recorded  # type: ignore[method-assign]
    return outcomes


async def _tell(bot: BotHarness) -> tuple[dict[int, str], int, int, int, int]:
    """Everyone reports once; returns report -> barrier and the "first" counts."""
    barrier_of: dict[int, str] = {}
    seen: Counter[str] = Counter()
    told_first = eligible = themes_seen = 0
    outcomes = _record_outcomes(bot.app)
    for number, report in enumerate(ARRIVALS):
        user = f"p{number}"
        await bot.onboard(user, PLACES[number % len(PLACES)], AREAS[number % len(AREAS)])
        reply = (await bot.push(user, f"/report {report.text}"))[0].text
        await bot.app.services.reclusterer.idle()  # reports arrive minutes apart, not at once
        found = SAVED.search(reply)
        assert found, reply
        outcome = outcomes[-1]
        assert outcome.report_id == int(found.group(1)), reply
        barrier_of[outcome.report_id] = report.barrier
        if seen[report.barrier] >= 2:
            eligible += 1
            alone = outcome.theme_id != 0 and outcome.people <= 1
            told_first += alone or outcome.theme_id == 0
            if alone or outcome.theme_id == 0:
                print(f"  first: {report.barrier} / {report.voice}: {report.text[:60]}")
        seen[report.barrier] += 1
    for number, text in enumerate(NOT_BARRIERS):
        user = f"q{number}"
        await bot.onboard(user, PLACES[0])
        await bot.push(user, f"/report {text}")
    async with bot.app.services.db.reading() as session:
        themes_seen = len(set(await session.scalars(select(ReportTheme.theme_id))))
    return barrier_of, told_first, eligible, themes_seen, len(NOT_BARRIERS)


async def _groups(app: App) -> tuple[dict[int, int], dict[int, int]]:
    async with app.services.db.reading() as session:
        rows = (await session.execute(select(ReportTheme))).scalars().all()
    themes = {r.report_id: r.theme_id for r in rows}
    subs = {r.report_id: getattr(r, "subtheme_id", None) or r.theme_id for r in rows}
    return themes, subs


async def run_story(nlp: Language, workdir: Path, **overrides: Any) -> dict[str, object]:
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{workdir / 'story.db'}",
        organisers=["console:olive"],
        _env_file=None,
        **overrides,
    )
    app = await App.create(settings, nlp=nlp)
    try:
        async with BotHarness(app) as bot:
            barrier_of, first, eligible, before, _ = await _tell(bot)
        await app.services.reclusterer.run()
        themes, subs = await _groups(app)
    finally:
        await app.close()
    result = summarise(barrier_of, themes, subs, first, eligible, before)
    growth = settings.auto_recluster_growth
    result["auto re-cluster"] = f"growth {growth}" if growth > 0 else "off"
    return result


async def both_ways(nlp: Language, workdir: Path) -> list[dict[str, object]]:
    """The story with the automatic re-cluster off, then with the default setting."""
    rows = []
    for name, growth in (("off", 0.0), ("default", None)):
        folder = workdir / name
        folder.mkdir()
        extra = {} if growth is None else {"auto_recluster_growth": growth}
        rows.append(await run_story(nlp, folder, **extra))
    return rows


def summarise(
    barrier_of: dict[int, str],
    themes: dict[int, int],
    subs: dict[int, int],
    first: int,
    eligible: int,
    before: int,
) -> dict[str, object]:
    verdicts = Counter(barrier_outcomes(barrier_of, themes).values())
    sub_verdicts = Counter(barrier_outcomes(barrier_of, subs).values())
    reports = sorted(barrier_of)
    truth = [barrier_of[r] for r in reports]
    off_topic = [r for r in themes if r not in barrier_of]
    return {
        "auto re-cluster": "",
        "told first": f"{first}/{eligible}",
        "first share": first / max(1, eligible),
        "themes before": before,
        "themes after": len({themes[r] for r in reports}),
        "clean": verdicts["clean"],
        "split": verdicts["split"],
        "merged": verdicts["merged"],
        "NMI themes": float(normalized_mutual_info_score(truth, [themes[r] for r in reports])),
        "sub-themes": len({subs[r] for r in reports}),
        "sub clean/split/merged": (
            f"{sub_verdicts['clean']}/{sub_verdicts['split']}/{sub_verdicts['merged']}"
        ),
        "off-topic in themes": len(off_topic),
    }


STORY_COLUMNS = [
    "auto re-cluster",
    "told first",
    "themes before",
    "themes after",
    "clean",
    "split",
    "merged",
    "NMI themes",
    "sub-themes",
    "sub clean/split/merged",
    "off-topic in themes",
]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.story", description=__doc__)
    parser.add_argument("--model", default="auto")
    args = parser.parse_args()
    nlp = load_model(args.model)
    with tempfile.TemporaryDirectory() as workdir:
        rows = asyncio.run(both_ways(nlp, Path(workdir)))
    for result in rows:
        print()
        for key, value in result.items():
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()
