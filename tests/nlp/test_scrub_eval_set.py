"""The shipped evaluation set is well formed and covers what issue #14 asks for."""

from __future__ import annotations

from collections import Counter

from bench.scrub_bench import CATEGORIES, KEPT, load_examples, parse_line, score
from nlp.pii import nhs_valid


def test_the_set_is_large_and_covers_every_category() -> None:
    examples = load_examples()
    assert len(examples) >= 300
    labels = Counter(label for e in examples for _, _, label in e.spans)
    kinds = Counter(kind for e in examples for _, _, kind in e.keep)
    assert all(labels[c] >= 10 for c in CATEGORIES), labels
    assert all(kinds[k] >= 5 for k in KEPT), kinds
    assert {e.language for e in examples} >= {"en", "cy", "pl"}


def test_spans_point_at_their_words() -> None:
    example = parse_line("@pl Pani {{name:Kasia}} z {{=place:Leeds}}")
    assert example.language == "pl"
    assert example.text == "Pani Kasia z Leeds"
    assert [example.text[s:e] for s, e, _ in example.spans] == ["Kasia"]
    assert [example.text[s:e] for s, e, _ in example.keep] == ["Leeds"]


def test_nhs_numbers_in_the_set_check_out_unless_given_as_such() -> None:
    for example in load_examples():
        for start, end, label in example.spans:
            digits = "".join(ch for ch in example.text[start:end] if ch.isdigit())
            context = example.text[max(0, start - 12) : start].lower()
            assert label != "nhs" or nhs_valid(digits) or "nhs" in context


def test_scoring_counts_characters_not_placeholders() -> None:
    example = parse_line("Ask {{name:Kev}} in {{=place:Leeds}}")
    perfect = score([example], [[(4, 7, "name")]])
    assert perfect.hit["name"] == 3 and perfect.right["name"] == 3
    greedy = score([example], [[(4, 16, "name")]])
    assert greedy.kept["place"] == 0 and greedy.right["name"] == 3
