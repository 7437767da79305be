"""Labels only from what at least min_people different reporters said, then scrubbed."""

from __future__ import annotations

from spacy.language import Language

from nlp.analysis import analyse
from nlp.labels import RememberingScrubber, label_themes, shared_phrases
from nlp.scrub import scrub_many


def keep(texts: list[str]) -> list[str]:
    return texts


def test_a_phrase_one_reporter_used_never_enters_a_label() -> None:
    reports = [
        (1, ["agency rule", "kev", "agency"]),
        (1, ["agency rule", "kev"]),  # the same person again counts once
        (1, ["kev"]),
        (2, ["agency rule", "agency"]),
        (3, ["agency rule", "estate"]),
    ]
    assert shared_phrases(reports, 3) == {"agency rule": 3}
    label = label_themes({7: reports}, 3, keep)[7]
    assert label == "agency rule"
    assert "kev" not in label and "estate" not in label


def test_below_the_threshold_there_is_no_label() -> None:
    reports = [(1, ["night shift"]), (2, ["night shift"])]
    assert label_themes({1: reports}, 3, keep) == {1: ""}


def test_a_phrase_the_scrubber_changes_is_dropped_not_shown_masked() -> None:
    reports = [(n, ["jo@example.org", "rota gap"]) for n in range(3)]
    label = label_themes(
        {1: reports}, 3, lambda texts: [t.replace("jo@example.org", "[email]") for t in texts]
    )
    assert label == {1: "rota gap"}


def test_noun_phrases_from_real_reports(nlp: Language) -> None:
    texts = [
        "The agency staff rule means we cannot send anyone home; I know it is wrong.",
        "Because of the agency staff rule we send patients home late, you know.",
        "The agency staff rule again: nobody can be sent home in time, as we all know.",
    ]
    analyses = analyse(nlp, texts)
    reports = [(n, list(a.phrases)) for n, a in enumerate(analyses)]
    label = label_themes({1: reports}, 3, lambda t: scrub_many(nlp, t))[1]
    assert label.startswith("agency staff")  # the phrase all three share, not its words
    for verb in ("send", "know"):  # content verbs never make a label
        assert verb not in label.split(", ")


def test_each_candidate_is_scrubbed_once_per_process_and_kept_as_no_words() -> None:
    asked: list[str] = []

    def scrub(texts: list[str]) -> list[str]:
        asked.extend(texts)
        return [t.replace("jo@example.org", "[email]") for t in texts]

    remembering = RememberingScrubber(scrub)
    reports = [(n, ["jo@example.org", "rota gap", "night shift"]) for n in range(3)]
    plain = label_themes({1: reports}, 3, scrub)
    asked.clear()
    first = label_themes({1: reports}, 3, remembering)
    again = label_themes({1: reports, 2: reports[:2]}, 3, remembering)
    assert first == plain == {1: "night shift, rota gap"}
    assert again[1] == first[1]
    assert sorted(asked) == ["jo@example.org", "night shift", "rota gap"]  # once each
    assert remembering(["jo@example.org", "rota gap"]) == ["", "rota gap"]
    held = repr(vars(remembering))
    assert "rota" not in held and "example" not in held
