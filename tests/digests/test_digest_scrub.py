"""Digest quotes are scrubbed in one batch; the batch must scrub exactly as one by one."""

from __future__ import annotations

from spacy.language import Language

from nlp.scrub import scrub, scrub_many

QUOTES = [
    "Sarah Jones in procurement told me to ring 07700 900123 about the tender.",
    "Email jo.bloggs@example.org: the framework shuts out small providers.",
    "Our manager Priya Patel says the risk policy is fixed nationally.",
    "Call Dr Ahmed at 12 Station Road about discharge delays.",
    "Rotas are published too late to plan childcare.",
    "",
    "Ask @rotaboss or see https://example.org/rota for the shift pattern.",
]


def test_batch_scrub_matches_one_by_one(nlp: Language) -> None:
    batch = scrub_many(nlp, QUOTES)
    assert batch == [scrub(nlp, text) for text in QUOTES]
    joined = " ".join(batch)
    for secret in ("07700", "jo.bloggs", "12 Station Road", "@rotaboss", "https://"):
        assert secret not in joined
    assert batch[4] == QUOTES[4]  # nothing to scrub: unchanged
