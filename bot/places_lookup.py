"""Turning what someone typed as their place into a stable key (and region when known)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PlaceAnswer:
    name: str
    key: str
    region: str | None


def resolve_place(text: str) -> PlaceAnswer:
    cleaned = " ".join(text.split())
    if not any(ch.isalpha() for ch in cleaned) or len(cleaned) > 200:
        raise ValueError("Please tell me a town, city or council area, e.g. Leeds.")
    key = re.sub(r"[^\w]+", " ", cleaned.casefold()).strip()
    return PlaceAnswer(name=cleaned, key=key, region=None)
