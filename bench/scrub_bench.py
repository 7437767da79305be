"""Scrubbing benchmark: Groundswell's scrubber beside Microsoft Presidio on the shipped,
labelled evaluation set (bench/data/scrub_eval.txt), in one run.

Scored per character (whitespace ignored), as "masked" or not, whatever placeholder hid it:
recall is the share of personal-detail characters hidden, precision the share of hidden
characters that were personal detail. Per category, recall is by the true label and
precision by the label the engine gave (Presidio's entity types are mapped to ours; its
other types count as "other"). The hard negatives (towns, organisations, laws, money, ...)
are reported as the share of their characters kept. Speed is texts per second over the whole
set, the median of ``--runs`` timed passes.

Presidio runs with its default recognisers and the same spaCy model the bot loads, once with
every entity type it reports by default ("defaults") and once limited to the types that are
personal detail ("PII types"; without DATE_TIME, LOCATION, NRP, ORGANIZATION), which is the
fairer setting for precision.

    python -m bench.scrub_bench [--runs 3] [--jsonl]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from nlp.model import load_model
from nlp.scrub import find_pii

DATA = Path(__file__).resolve().parent / "data" / "scrub_eval.txt"
MARK = re.compile(r"\{\{(=?)(\w+):(.*?)\}\}")
CATEGORIES = [
    "name",
    "nhs",
    "nino",
    "dob",
    "phone",
    "email",
    "postcode",
    "address",
    "url",
    "handle",
    "card",
    "bank",
    "staffid",
]
KEPT = ["place", "org", "law", "money", "duration", "grade", "year", "job"]
PRESIDIO_TYPES = {
    "PERSON": "name",
    "UK_NHS": "nhs",
    "UK_NINO": "nino",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "URL": "url",
    "CREDIT_CARD": "card",
    "IBAN_CODE": "bank",
    "DATE_TIME": "dob",
    "LOCATION": "address",
}
NOT_PII = ("DATE_TIME", "LOCATION", "NRP", "ORGANIZATION")

Span = tuple[int, int, str]
Engine = Callable[[Sequence[str]], list[list[Span]]]


@dataclass(frozen=True)
class Example:
    text: str
    language: str
    spans: tuple[Span, ...]  # personal detail to hide
    keep: tuple[Span, ...]  # hard negatives to keep


def parse_line(line: str) -> Example:
    language = "en"
    if line.startswith("@"):
        language, line = line[1:3], line[4:]
    text: list[str] = []
    spans: list[Span] = []
    keep: list[Span] = []
    at = length = 0
    for match in MARK.finditer(line):
        before = line[at : match.start()]
        text.append(before)
        length += len(before)
        words = match.group(3)
        (keep if match.group(1) else spans).append((length, length + len(words), match.group(2)))
        text.append(words)
        length += len(words)
        at = match.end()
    text.append(line[at:])
    return Example("".join(text), language, tuple(spans), tuple(keep))


def load_examples(path: Path = DATA) -> list[Example]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse_line(line) for line in lines if line.strip() and not line.startswith("#")]


def as_jsonl(examples: Sequence[Example]) -> str:
    return "\n".join(
        json.dumps(
            {"text": e.text, "lang": e.language, "spans": e.spans, "keep": e.keep},
            ensure_ascii=False,
        )
        for e in examples
    )


@dataclass
class Tally:
    gold: Counter[str] = field(default_factory=Counter)
    hit: Counter[str] = field(default_factory=Counter)  # gold characters masked
    masked: Counter[str] = field(default_factory=Counter)  # by predicted label
    right: Counter[str] = field(default_factory=Counter)  # masked and personal
    kept_gold: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    clean_texts: int = 0
    clean_changed: int = 0


def _labels(text: str, spans: Sequence[Span]) -> dict[int, str]:
    """Character index -> label, whitespace left out (a span's edges are not the point)."""
    return {i: label for s, e, label in spans for i in range(s, e) if not text[i].isspace()}


def score(examples: Sequence[Example], predicted: Sequence[Sequence[Span]]) -> Tally:
    tally = Tally()
    for example, found in zip(examples, predicted, strict=True):
        gold = _labels(example.text, example.spans)
        keep = _labels(example.text, example.keep)
        masked = _labels(example.text, found)
        for i, label in gold.items():
            tally.gold[label] += 1
            tally.hit[label] += i in masked
        for i, label in masked.items():
            tally.masked[label] += 1
            tally.right[label] += i in gold
        for i, kind in keep.items():
            tally.kept_gold[kind] += 1
            tally.kept[kind] += i not in masked
        if not example.spans:
            tally.clean_texts += 1
            tally.clean_changed += bool(masked)
    return tally


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def ours(nlp: Language) -> Engine:
    def run(texts: Sequence[str]) -> list[list[Span]]:
        return [[(f.start, f.end, f.kind) for f in found] for found in find_pii(nlp, texts)]

    return run


def presidio(model_path: str, pii_only: bool) -> Engine:
    """Presidio's AnalyzerEngine with its default recognisers on our spaCy model."""
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # no network: uses its snapshot
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model_path}],
    }
    engine = AnalyzerEngine(
        nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine(),
        supported_languages=["en"],
    )
    entities = None
    if pii_only:
        every = engine.get_supported_entities("en")
        entities = [e for e in every if e not in NOT_PII]

    def run(texts: Sequence[str]) -> list[list[Span]]:
        return [
            [
                (r.start, r.end, PRESIDIO_TYPES.get(r.entity_type, "other"))
                for r in engine.analyze(text, language="en", entities=entities)
            ]
            for text in texts
        ]

    return run


def timed(engine: Engine, texts: Sequence[str], runs: int) -> tuple[list[list[Span]], float]:
    rates, found = [], []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        found = engine(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
    return found, statistics.median(rates)


def model_path(nlp: Language) -> str:
    """Where the bot's spaCy model lives, so Presidio loads exactly the same one."""
    from nlp.model import candidates

    for candidate in candidates("auto"):
        if str(candidate).endswith(nlp.meta["name"]) or Path(str(candidate)).exists():
            return str(candidate)
    return f"{nlp.meta['lang']}_{nlp.meta['name']}"


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def report(names: Sequence[str], tallies: Sequence[Tally], rates: Sequence[float]) -> str:
    head = "| category | chars | " + " | ".join(f"{n} R | {n} P" for n in names) + " |"
    lines = [head, "|" + "---|" * (2 + 2 * len(names))]
    for category in CATEGORIES:
        cells = []
        for t in tallies:
            cells += [
                _cell(ratio(t.hit[category], t.gold[category])),
                _cell(ratio(t.right[category], t.masked[category])),
            ]
        lines.append(f"| {category} | {tallies[0].gold[category]} | " + " | ".join(cells) + " |")
    overall = []
    for t in tallies:
        overall += [
            _cell(ratio(sum(t.hit.values()), sum(t.gold.values()))),
            _cell(ratio(sum(t.right.values()), sum(t.masked.values()))),
        ]
    lines.append(
        f"| **overall** | {sum(tallies[0].gold.values())} | "
        + " | ".join(f"**{c}**" for c in overall)
        + " |"
    )
    kept = ["", "| kept (hard negatives) | chars | " + " | ".join(names) + " |"]
    kept.append("|" + "---|" * (2 + len(names)))
    for kind in KEPT:
        cells = [_cell(ratio(t.kept[kind], t.kept_gold[kind])) for t in tallies]
        kept.append(f"| {kind} | {tallies[0].kept_gold[kind]} | " + " | ".join(cells) + " |")
    clean = [f"{t.clean_changed}/{t.clean_texts}" for t in tallies]
    kept.append("| texts with nothing to hide, changed | | " + " | ".join(clean) + " |")
    speed = ["", "| engine | texts/s | ratio to Presidio defaults |", "|---|---|---|"]
    base = rates[1] if len(rates) > 1 else rates[0]
    speed += [f"| {n} | {r:.0f} | {r / base:.2f} |" for n, r in zip(names, rates, strict=True)]
    return "\n".join(lines + kept + speed)


def by_language(examples: Sequence[Example], found: Sequence[Sequence[Span]]) -> str:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, example in enumerate(examples):
        groups[example.language].append(i)
    lines = ["| language | texts | recall | precision |", "|---|---|---|---|"]
    for language, rows in sorted(groups.items()):
        t = score([examples[i] for i in rows], [found[i] for i in rows])
        recall = ratio(sum(t.hit.values()), sum(t.gold.values()))
        precision = ratio(sum(t.right.values()), sum(t.masked.values()))
        lines.append(f"| {language} | {len(rows)} | {_cell(recall)} | {_cell(precision)} |")
    return "\n".join(lines)


def run(nlp: Language, runs: int = 3, with_presidio: bool = True) -> str:
    """The Markdown section `make bench` prints."""
    examples = load_examples()
    texts = [e.text for e in examples]
    engines: list[tuple[str, Engine]] = [("groundswell", ours(nlp))]
    if with_presidio:
        path = model_path(nlp)
        engines += [
            ("presidio defaults", presidio(path, pii_only=False)),
            ("presidio PII types", presidio(path, pii_only=True)),
        ]
    names: list[str] = []
    tallies: list[Tally] = []
    rates: list[float] = []
    found_ours: list[list[Span]] = []
    for name, engine in engines:
        found, rate = timed(engine, texts, runs)
        found_ours = found_ours or found
        names.append(name)
        tallies.append(score(examples, found))
        rates.append(rate)
    languages = by_language(examples, found_ours)
    spans = sum(len(e.spans) for e in examples)
    return (
        f"{len(examples)} texts, {spans} labelled spans ({DATA.name}); R = recall, P = precision "
        f"(characters)\n\n{report(names, tallies, rates)}\n\ngroundswell by language:\n\n"
        f"{languages}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scrub_bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="timed passes (median reported)")
    parser.add_argument("--model", default="auto", help="spaCy model setting")
    parser.add_argument("--no-presidio", action="store_true", help="only our scrubber")
    parser.add_argument("--jsonl", action="store_true", help="print the set as JSON lines")
    args = parser.parse_args()
    if args.jsonl:
        print(as_jsonl(load_examples()))
        return
    nlp = load_model(args.model)
    print("## Scrubbing beside Presidio\n\n" + run(nlp, args.runs, not args.no_presidio))


if __name__ == "__main__":
    main()
