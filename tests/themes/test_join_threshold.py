"""Joining a theme: the bar follows how many reports a theme's centre averages."""

from __future__ import annotations

import numpy as np
import pytest

from bot.services.themes import ThemeService
from config.settings import Settings
from nlp.analysis import Analysis
from nlp.cluster import ESTABLISHED, THEME_SIMILARITY, normalise, theme_join_threshold

DIM = 16


def test_young_themes_keep_the_whole_domain_bar() -> None:
    assert all(theme_join_threshold(n) == THEME_SIMILARITY for n in range(ESTABLISHED))


def test_established_themes_need_less_and_the_bar_rises_to_the_domain_one() -> None:
    bars = [theme_join_threshold(n) for n in range(ESTABLISHED, 2000)]
    assert all(a < b for a, b in zip(bars, bars[1:], strict=False))
    assert bars[0] == pytest.approx(0.236, abs=0.001)  # CLINC150 measured 0.232 at n = 5
    assert bars[-1] < THEME_SIMILARITY
    assert bars[-1] == pytest.approx(THEME_SIMILARITY, abs=0.005)


def at_similarity(base: np.ndarray, other: np.ndarray, cosine: float) -> np.ndarray:
    """A unit vector with the given cosine to ``base`` (``other`` orthogonal to it)."""
    return normalise((cosine * base + np.sqrt(1 - cosine**2) * other).astype(np.float32))


def service_with_theme(settings: Settings, size: int) -> tuple[ThemeService, np.ndarray]:
    """A service whose one theme (id 1, in sub-theme 10) holds ``size`` reports along e0."""
    service = ThemeService(db=None, settings=settings, dim=DIM)  # type: ignore[arg-type]
    direction = np.eye(DIM, dtype=np.float32)[0]
    service.index.add(1, direction * size, size)
    service.subindex.add(10, direction * size, size)
    service.parent[10] = 1
    return service, direction


@pytest.mark.parametrize(("size", "joins"), [(2, False), (ESTABLISHED - 1, False), (8, True)])
def test_a_loosely_worded_account_joins_an_established_theme_only(
    settings: Settings, size: int, joins: bool
) -> None:
    """Cosine 0.30 to the centre: below the bar of a young theme (0.36), above that of a
    theme of 8 (0.27); the sub-theme bar (0.5) is out of reach either way."""
    service, direction = service_with_theme(settings, size)
    report = at_similarity(direction, np.eye(DIM, dtype=np.float32)[1], 0.30)
    batch = service._assign([Analysis(report, ())])
    theme_id, subtheme_id, _similarity = batch.chosen[0]
    assert (theme_id == 1) is joins
    assert subtheme_id < 0, "a new sub-theme either way"
    assert service.index.size(theme_id) == (size + 1 if joins else 1)


def test_an_unrelated_report_stays_out_of_even_a_large_theme(settings: Settings) -> None:
    service, direction = service_with_theme(settings, 500)
    report = at_similarity(direction, np.eye(DIM, dtype=np.float32)[1], 0.20)
    batch = service._assign([Analysis(report, ())])
    assert batch.chosen[0][0] < 0, "opened a theme of its own"
