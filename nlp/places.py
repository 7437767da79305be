"""Place names in report text: found here, judged by the caller.

A quote may name a town ("in Leeds" helps a campaign), but a town only one reporter stands
in names that reporter's workplace. Whether a place may be shown depends on who else stands
there, which only the digest knows, so this module only finds the mentions and the caller
(bot.digests.naming.quote_place) decides, per mention, to keep, generalise or mask it.

Three ways a mention is found, on the same re-cased copy the name rules use:

- the model's GPE and LOC entities (an unknown town: "in Brackenthwaite");
- the gazetteer's names and aliases, passed in by the caller (nlp/ has no data of its own):
  capitalised or after a place preposition ("in leeds"), and for a name that is also an
  English word ("Deal", "Bath", "Reading") only after one;
- a word no English word after a place preposition ("in brackenthwaite"): the model does not
  tag lower-case towns; in Welsh or Polish text (no parse), a capitalised word after one
  ("yng Nghaerdydd", "w Gdańsku").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from nlp.names import CAP, NAMED_AFTER_PEOPLE, ORG_WORDS, known_word
from nlp.pii import PLACEHOLDERS, Found

PLACE = "place"
PLACE_MASK = "[place]"  # as the scrubber's "[name]", "[postcode]"
PLACE_ENTITIES = ("GPE", "LOC")
PREPOSITIONS = frozenset({"in", "at", "from", "near", "outside", "around", "to"})
EDGE = r"(?<![\w'’-]){}(?![\w'’-])"
FOREIGN_PREPOSITIONS = "w|we|z|ze|do|przy|yn|ym|yng|o|i"  # Polish, Welsh
FOREIGN_PLACE = re.compile(rf"(?<![\w'’-])(?:{FOREIGN_PREPOSITIONS})\s+({CAP})")


@dataclass(frozen=True)
class Marked:
    """Scrubbed text with the place mentions it still holds, as (start, end) over ``text``:
    the caller rewrites them (``show_places``) once it knows who stands where."""

    text: str
    places: tuple[tuple[int, int], ...] = ()


@cache
def _names_pattern(names: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern for all names, longest first so "Hebden Bridge" wins over a shorter one."""
    if not names:
        return None
    ordered = sorted(names, key=lambda n: (-len(n), n))
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered)
    return re.compile(EDGE.format(f"(?:{alternatives})"), re.IGNORECASE)


def _after_preposition(text: str, start: int) -> bool:
    before = text[:start].split()
    return bool(before) and before[-1].lower() in PREPOSITIONS


def _proper_noun(doc: Doc | None, start: int) -> bool:
    """The tagger's word for it: "Coventry" and "Cornwall" are WordNet words too, but the
    tagger calls them proper nouns where "Deal with it" and "Reading the rota" are verbs.
    Without a parse (not English) a capitalised name counts."""
    if doc is None:
        return True
    token = next((t for t in doc if t.idx <= start < t.idx + len(t)), None)
    return token is not None and token.pos_ == "PROPN"


def _gazetteer_places(
    text: str, doc: Doc | None, names: frozenset[str], ordinary: frozenset[str]
) -> list[Found]:
    pattern = _names_pattern(names)
    if pattern is None:
        return []
    found = []
    for match in pattern.finditer(text):
        words, after = match.group().split(), _after_preposition(text, match.start())
        if not (after or match.group()[0].isupper()):
            continue  # "reading the rota", but "in leeds"
        ordinary_word = len(words) == 1 and known_word(words[0], ordinary)
        if ordinary_word and not after and not _proper_noun(doc, match.start()):
            continue  # "Deal with it", "Reading the rota"
        found.append(Found(match.start(), match.end(), PLACE))
    return found


def _foreign_places(text: str) -> list[Found]:
    """Welsh and Polish text (no parse): a capitalised word after a place preposition, as
    mutated ("yng Nghaerdydd", "ym Mangor") or declined ("w Gdańsku") as it comes."""
    return [Found(m.start(1), m.end(1), PLACE) for m in FOREIGN_PLACE.finditer(text)]


def _model_places(doc: Doc) -> list[Found]:
    return [
        Found(ent.start_char, ent.end_char, PLACE)
        for ent in doc.ents
        if ent.label_ in PLACE_ENTITIES
    ]


def _unknown_after_preposition(doc: Doc, ordinary: frozenset[str]) -> list[Found]:
    found = []
    for token in doc[1:]:
        before = doc[token.i - 1]
        word = token.lower_
        if (
            before.lower_ in PREPOSITIONS
            and token.is_alpha
            and not token.is_stop
            and not token.text.isupper()
            and word not in ORG_WORDS
            and word not in NAMED_AFTER_PEOPLE
            and not known_word(word, ordinary)
        ):
            found.append(Found(token.idx, token.idx + len(token), PLACE))
    return found


def find_places(
    text: str, doc: Doc | None, names: frozenset[str], ordinary: frozenset[str]
) -> list[Found]:
    """Place mentions in ``text`` (``doc``: the model's parse of its re-cased copy, None
    where the model is not run, as for Welsh or Polish text)."""
    found = _gazetteer_places(text, doc, names, ordinary)
    if doc is None:
        found += _foreign_places(text)
    else:
        found += _model_places(doc) + _unknown_after_preposition(doc, ordinary)
    return _joined(found)


def _joined(found: Sequence[Found]) -> list[Found]:
    """Overlapping mentions become one ("West Yorkshire" by the model and "Yorkshire" by the
    gazetteer is one place)."""
    out: list[Found] = []
    for span in sorted(found):
        if out and span.start < out[-1].end:
            out[-1] = Found(out[-1].start, max(out[-1].end, span.end), PLACE)
        else:
            out.append(span)
    return out


def mark(text: str, pii: Sequence[Found], places: Collection[Found]) -> Marked:
    """The text with personal detail replaced by placeholders (nlp.pii.apply's masks) and
    the places that overlap none of it kept, their spans recorded in the new text."""
    spans = sorted(
        [(s, False) for s in pii]
        + [(p, True) for p in places if all(p.end <= s.start or p.start >= s.end for s in pii)]
    )
    out, at, length, kept = [], 0, 0, []
    for span, is_place in spans:
        piece = text[at : span.start]
        out.append(piece)
        length += len(piece)
        shown = text[span.start : span.end] if is_place else PLACEHOLDERS[span.kind]
        if is_place:
            kept.append((length, length + len(shown)))
        out.append(shown)
        length += len(shown)
        at = span.end
    out.append(text[at:])
    return Marked("".join(out), tuple(kept))


def show_places(marked: Marked, shown: Callable[[str], str]) -> str:
    """The text with each place replaced by what the caller may show for it: the mention
    itself, a wider area's name, or ``PLACE_MASK``."""
    out, at = [], 0
    for start, end in marked.places:
        out += [marked.text[at:start], shown(marked.text[start:end])]
        at = end
    out.append(marked.text[at:])
    return "".join(out)
