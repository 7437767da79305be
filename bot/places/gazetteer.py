"""The UK local-authority gazetteer, read once from the CSV files shipped with the package.

The data lives in CSV (see data/SOURCE.md) rather than code so that it can be refreshed
from the ONS file without touching Python, and reviewed as data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from bot.places.normalise import normalise_place

# The nine English regions and three nations, in the ONS order.
REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
    "Scotland",
    "Northern Ireland",
)

LOCAL_AUTHORITY = "local authority"
_BROAD_KINDS = frozenset({"region", "nation"})
_INVERTED_SUFFIXES = (", City of", ", County of")


@dataclass(frozen=True, slots=True)
class Place:
    """A place as the rest of the bot sees it: known areas carry a region and ONS code."""

    key: str
    name: str
    region: str | None
    area_code: str | None
    known: bool


@dataclass(frozen=True, slots=True)
class Area:
    """One gazetteer row: a local authority, or a wider area (county, region, nation)."""

    code: str | None
    official_name: str
    region: str
    kind: str
    key: str

    @property
    def name(self) -> str:
        """The name to show people: ONS writes "Bristol, City of", people say "Bristol"."""
        for suffix in _INVERTED_SUFFIXES:
            if self.official_name.endswith(suffix):
                return self.official_name.removesuffix(suffix)
        return self.official_name

    @property
    def specificity(self) -> int:
        """Lower is more specific: used to prefer "Leeds" over "West Yorkshire" in one text."""
        if self.kind == LOCAL_AUTHORITY:
            return 0
        return 3 if self.kind in _BROAD_KINDS else 2

    def to_place(self) -> Place:
        return Place(
            key=self.key, name=self.name, region=self.region, area_code=self.code, known=True
        )


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """All areas, indexed by key; aliases (towns, old districts) point at an area."""

    local_authorities: tuple[Area, ...]
    wider_areas: tuple[Area, ...]
    by_key: Mapping[str, Area]
    by_alias: Mapping[str, Area]
    by_code: Mapping[str, Area]

    def lookup(self, key: str) -> tuple[Area, bool] | None:
        """The area for an exact key, and whether it came through an alias."""
        if key in self.by_key:
            return self.by_key[key], False
        if key in self.by_alias:
            return self.by_alias[key], True
        return None

    def all_keys(self) -> Iterator[str]:
        yield from self.by_key
        yield from self.by_alias

    def in_region(self, region: str) -> tuple[Area, ...]:
        return tuple(a for a in self.local_authorities if a.region == region)


def _read_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("bot.places.data").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _area(row: Mapping[str, str], kind: str) -> Area:
    name = row["name"]
    return Area(
        code=row["code"] or None,
        official_name=name,
        region=row["region"],
        kind=kind,
        key=normalise_place(name),
    )


def _local_authorities() -> tuple[Area, ...]:
    return tuple(_area(r, LOCAL_AUTHORITY) for r in _read_rows("uk_local_authorities.csv"))


def _wider_areas() -> tuple[Area, ...]:
    return tuple(_area(r, r["kind"]) for r in _read_rows("uk_wider_areas.csv"))


def _index_keys(areas: tuple[Area, ...]) -> dict[str, Area]:
    """Key -> area; a later duplicate is a data error, so it fails loudly at load."""
    index: dict[str, Area] = {}
    for area in areas:
        if area.key in index:
            raise ValueError(f"duplicate gazetteer key {area.key!r} ({area.official_name})")
        index[area.key] = area
    return index


def _index_aliases(by_key: Mapping[str, Area], by_code: Mapping[str, Area]) -> dict[str, Area]:
    """Alias key -> area; an alias never overrides a real area name."""
    index: dict[str, Area] = {}
    for row in _read_rows("uk_place_aliases.csv"):
        key = normalise_place(row["alias"])
        if key not in by_key:
            index[key] = by_code[row["code"]]
    return index


@cache
def load_gazetteer() -> Gazetteer:
    """Read the packaged CSV files once per process."""
    lads, wider = _local_authorities(), _wider_areas()
    by_key = _index_keys(lads + wider)
    by_code = {a.code: a for a in lads + wider if a.code is not None}
    return Gazetteer(
        local_authorities=lads,
        wider_areas=wider,
        by_key=MappingProxyType(by_key),
        by_alias=MappingProxyType(_index_aliases(by_key, by_code)),
        by_code=MappingProxyType(by_code),
    )


@cache
def written_names() -> frozenset[str]:
    """Every name the gazetteer knows, as people write it, in lower case: what
    nlp.places looks for in report text (nlp/ reads no data of its own)."""
    gazetteer = load_gazetteer()
    areas = gazetteer.local_authorities + gazetteer.wider_areas
    names = {a.official_name for a in areas} | {a.name for a in areas}
    names |= {row["alias"] for row in _read_rows("uk_place_aliases.csv")}
    return frozenset(name.lower() for name in names)
