"""People's names: the English NER model where the report is English, rules everywhere.

The model misses what people actually type: names in lower case ("told kev"), in capitals
("JONES"), hyphenated, with a Welsh "ap", or as initials. It also calls ordinary words and
charities named after people (Marie Curie, Sue Ryder) names. So:

- NER runs on a re-cased copy (same length, so spans map back): shouted text in sentence
  case, a capitalised word in capitals ("JONES") in title case;
- its PERSON spans grow over initials, hyphens and "ap"/"ferch", lose a leading title
  ("Mrs [name]" stays readable), and are dropped when they are ordinary English words (the
  WordNet word list the model's lemmatizer ships) or a known organisation;
- rules catch a word after a title, initials with a surname, and, in English, a word that
  is not an English word in a place only a person stands ("me and kev", "bev said");
- in other languages, where the English model would shred text, only capitalised words are
  candidates: after a title, or two together ("Agnieszka Kowalczyk"), never a lower-case word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from weakref import WeakKeyDictionary

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from nlp.pii import STREET_TYPES, Found

TITLES = (
    r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sister|Nurse|Matron|Sir|Dame|Lady|Lord|Father|Rev|"
    r"Councillor|Cllr|Pan|Pani|Panie|Doktor|Mister"
)
UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽŁŚŻŹĆŃ"
LOWER = "a-zß-öø-ÿā-žłśżźćńąęó"
CAP = rf"[{UPPER}](?:[{LOWER}]+|['’][{UPPER}][{LOWER}]+)(?:['’-][{UPPER}]?[{LOWER}]+)*"
JOINER = r"(?:ap|ab|ferch|verch|bin|ibn|bint|van|von|de|da|di|del|al|el|le)"
TITLED = re.compile(rf"\b(?:{TITLES})\.?\s+(?P<name>{CAP}(?:\s+(?:{JOINER}\s+)?{CAP}){{0,2}})")
INITIALS = re.compile(rf"\b(?P<name>(?:[{UPPER}]\.\s?){{1,3}}{CAP})")
PAIR = re.compile(rf"(?P<name>{CAP}(?:\s+(?:{JOINER}\s+)?{CAP}){{1,2}})")
COORDINATED = re.compile(rf"(?<![.!?]\s)(?<=\s)(?P<a>{CAP})\s+(?:a|ac|i|oraz|and|&)\s+(?P<b>{CAP})")
EXTEND_LEFT = re.compile(rf"(?:(?:[{UPPER}]\.\s?){{1,3}}|{CAP}-)$")
EXTEND_RIGHT = re.compile(rf"^(?:-{CAP}|\s+{JOINER}\s+{CAP})")
WORD_LEFT = re.compile(rf"(?<![\w'’.-])(?P<word>{CAP})\s$")
WORD_RIGHT = re.compile(rf"^\s(?P<word>{CAP})(?![\w'’-])")
TITLE_WORDS = frozenset(t.lower() for t in TITLES.split("|"))
NAME_SHAPED = re.compile(rf"^[{UPPER}]['’]?[{UPPER}]|^(?:Mc|Mac)[{UPPER}]")  # O'Brien, McBride
JOINERS = frozenset(JOINER.strip("(?:)").split("|"))
LEADING_TITLE = re.compile(rf"^(?:{TITLES})\.?\s+")


# Organisations named after people, and words that start organisations' and places' names
# in the languages we see most: never a person on their own.
def _words(text: str, sep: str | None = None) -> frozenset[str]:
    return frozenset(" ".join(w.split()) for w in text.split(sep))


NAMED_AFTER_PEOPLE = _words(
    """marie curie|sue ryder|macmillan|barnardo's|barnardos|st mungo's|leonard cheshire|
    florence nightingale|mary seacole|aneurin bevan|betsi cadwaladr|hywel dda|
    cwm taf morgannwg|guy's|st thomas'|addenbrooke's|john radcliffe|alder hey|
    great ormond street|royal free|queen elizabeth|princess royal|ronald mcdonald|
    joseph rowntree|nuffield|wellcome|lloyds|morrisons|sainsbury's|marks and spencer|
    john lewis|boots|tesco|mind|shelter|unison|unite|citizens advice|st john|
    st john ambulance|age uk|james cook|alzheimer|alzheimer's|parkinson|parkinson's|
    crohn's|asperger's|huntington's|down's syndrome|tourette's|guillain-barré|
    florence nightingale hospice|christie|marsden|maudsley|sue ryder care""",
    "|",
)
ORG_WORDS = _words(
    """nhs council trust hospital hospice foundation board service services centre unit ward
    house school college university academy surgery practice clinic group society charity
    government department ministry authority agency act road street lane avenue way park
    bwrdd cyngor llywodraeth gwasanaeth ysbyty prifysgol canolfan cymdeithas ysgol meddygfa
    szpital fundusz ministerstwo urząd rada gmina ośrodek przychodnia syndrome disease
    disorder"""
)
STREET_WORDS = frozenset(STREET_TYPES.lower().replace("?", "").split("|"))
PLACE_WORDS = _words(
    """w we z ze do na od przy pod nad yn ym yng o i yr y r to in at from of the"""
)

# English: places where only a person stands, for words the model does not know as names.
BEFORE = _words(
    """told tell telling asked ask asking ring call phone text message email emailed
    colleague colleagues manager supervisor boss mate friend lead leader"""
)
AFTER = _words(
    """said says told asked reckons thinks shrugs shrugged replied explained agreed refused
    shouted laughed"""
)
ADVERBS = _words("just always never also only even")
ORDINARY: WeakKeyDictionary[Language, frozenset[str]] = WeakKeyDictionary()


def ordinary_words(nlp: Language) -> frozenset[str]:
    """English words (WordNet's index, shipped in the model's lemmatizer tables): a name
    guessed by rule must not be one of these, so "will", "mark" and "baker" stay words."""
    if nlp not in ORDINARY:
        words: set[str] = set()
        if "lemmatizer" in nlp.pipe_names:
            lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
            if lookups is not None and lookups.has_table("lemma_index"):
                for group in lookups.get_table("lemma_index").values():
                    words.update(group)
        ORDINARY[nlp] = frozenset(words)
    return ORDINARY[nlp]


def recase(text: str) -> str:
    """A copy of the same length for NER: shouting in sentence case, CAPITAL words in title
    case (acronyms, which have no vowel or are short, stay)."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
        lowered = list(text.lower())
        for match in re.finditer(r"(?:^|[.!?]\s+)(\w)", text):
            lowered[match.start(1)] = text[match.start(1)]
        return _same_length("".join(lowered), text)

    def title(match: re.Match[str]) -> str:
        word = match.group()
        return word.title() if re.search("[AEIOUY]", word[1:]) else word

    return _same_length(re.sub(r"\b[A-Z]{4,}\b", title, text), text)


def _same_length(copy: str, text: str) -> str:
    return copy if len(copy) == len(text) else text


def _organisation(words: str) -> bool:
    lowered = words.lower().strip(" .,'’")
    return lowered in NAMED_AFTER_PEOPLE or any(
        lowered.startswith(org + " ") for org in NAMED_AFTER_PEOPLE
    )


def _followed_by_org_word(doc: Doc, end: int) -> bool:
    return end < len(doc) and doc[end].lower_ in ORG_WORDS


def _entity_span(text: str, ent: Span, ordinary: frozenset[str]) -> Found | None:
    words = [t for t in ent if t.text[0].isalpha()]
    if (
        not words
        or _organisation(ent.text)
        or _followed_by_org_word(ent.doc, ent.end)
        or any(t.lower_ in ORG_WORDS or t.lower_ in STREET_WORDS for t in words)
    ):
        return None
    if all(t.lower_ in ordinary and not NAME_SHAPED.match(t.text) for t in words) and (
        (len(words) == 1 and words[0].i == words[0].sent.start) or all(t.is_lower for t in words)
    ):
        return None  # "used to be a baker", "Pharmacist was puzzled": an ordinary word
    if any(_original(t, text).islower() and t.lower_ not in JOINERS for t in words) and (
        not text.islower()
    ):
        return None  # "cramlington NSEC": a person's name is capitalised where others are
    if all(_acronym(t, text) for t in words):
        return None  # "the RVI", "a recent MI", "NEAS staff": acronyms, not people
    if ent.start > 0 and ent.doc[ent.start - 1].lower_ in ("a", "an"):
        return None
    start, end = ent.start_char, ent.end_char
    title = LEADING_TITLE.match(text[start:end])
    if title:
        start += title.end()
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    return _grown(text, start, end, ordinary) if end > start else None


def _original(token: Token, text: str) -> str:
    return text[token.idx : token.idx + len(token)]


def _acronym(token: Token, text: str) -> bool:
    """In capitals in the report itself: short ones are acronyms; a longer one recased for
    the model ("JONES") counts as a name only where a person stands in the sentence."""
    original = _original(token, text)
    if not original.isupper() or len(original) < 2:
        return False
    return len(original) <= 3 or token.dep_ not in PERSON_ROLES


def _name_word(word: str, ordinary: frozenset[str]) -> bool:
    lowered = word.lower()
    return not (
        lowered in STOP_WORDS
        or lowered in TITLE_WORDS
        or lowered in ORG_WORDS
        or lowered in STREET_WORDS
        or lowered in ordinary
    )


def _grown(text: str, start: int, end: int, ordinary: frozenset[str]) -> Found:
    """Over initials, hyphens, "ap", and a capitalised neighbour the model left out
    ("Hope Adeleke" tagged "Adeleke")."""
    left = EXTEND_LEFT.search(text[max(0, start - 12) : start])
    if left:
        start -= len(left.group())
    word = WORD_LEFT.search(text[max(0, start - 30) : start])
    if word and _name_word(word.group("word"), ordinary):
        start -= len(word.group())
    right = EXTEND_RIGHT.match(text[end : end + 30])
    if right:
        end += right.end()
    word = WORD_RIGHT.match(text[end : end + 30])
    if word and _name_word(word.group("word"), ordinary):
        end += word.end()
    return Found(start, end, "name")


def model_names(text: str, doc: Doc, ordinary: frozenset[str]) -> list[Found]:
    """PERSON entities of the English model over ``recase(text)``, mended (see module doc)."""
    found = []
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            span = _entity_span(text, ent, ordinary)
            if span is not None:
                found.append(span)
    return found


def outside_organisations(text: str, found: list[Found]) -> list[Found]:
    """Names found by any step, less those inside an organisation named after a person."""
    protected = organisations_in(text)
    return [f for f in found if not any(f.start < e and s < f.end for s, e in protected)]


ORGANISATIONS = re.compile(
    r"\b(?:"
    + "|".join(re.escape(o) for o in sorted(NAMED_AFTER_PEOPLE, key=len, reverse=True))
    + r")(?![\w'’])",
    re.IGNORECASE,
)


def organisations_in(text: str) -> list[tuple[int, int]]:
    """Where the text names an organisation called after a person ("Marks and Spencer")."""
    return [(m.start(), m.end()) for m in ORGANISATIONS.finditer(text)]


INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""))


def known_word(word: str, ordinary: frozenset[str]) -> bool:
    """In the word list, or an inflection of a word in it ("rotas", "shrugged")."""
    word = word.lower()
    return word in ordinary or any(
        word.endswith(end) and word[: len(word) - len(end)] + stem in ordinary
        for end, stem in INFLECTIONS
    )


def _unknown_word(token: Token, ordinary: frozenset[str]) -> bool:
    return (
        token.is_alpha
        and len(token) >= 2
        and not token.is_stop
        and not known_word(token.text, ordinary)
        and not known_word(token.lemma_, ordinary)
        and token.ent_type_ not in ("LOC", "FAC", "DATE", "TIME")
    )


def _person_place(doc: Doc, i: int) -> bool:
    before = doc[i - 1].lower_ if i > 0 else ""
    two_before = doc[i - 2].lower_ if i > 1 else ""
    after = [t.lower_ for t in doc[i + 1 : i + 3]]
    if before in BEFORE or (two_before, before) in {("me", "and"), ("spoke", "to"), ("talk", "to")}:
        return True
    if after[:2] == ["and", "i"]:
        return True
    verbs = after[1:] if after and after[0] in ADVERBS else after[:1]
    return bool(verbs) and verbs[0] in AFTER


PERSON_ROLES = frozenset({"nsubj", "nsubjpass", "poss", "conj", "appos"})


def _capitalised_subject(token: Token) -> bool:
    """A capitalised word that is no English word and no entity, doing what people do in a
    report: the subject of a verb ("Iestyn in the depot says"), or someone's ("Ravi's")."""
    return (
        token.is_title
        and token.pos_ in ("PROPN", "NOUN")
        and token.dep_ in PERSON_ROLES
        and not token.ent_type_
        and token.lower_ not in ORG_WORDS
    )


def _org_word(token: Token) -> bool:
    return token.lower_ in ORG_WORDS or token.lower_.removesuffix("s") in ORG_WORDS


def mistaken_entities(doc: Doc, ordinary: frozenset[str]) -> list[Found]:
    """The model often calls an unknown name an organisation or a place ("Tendai had to",
    "Ffion Evans-Pritchard changed"). Such an entity is taken for a person when it acts like
    one (subject, owner) and its words are capitalised, one at least no English word, and
    none an organisation word: real organisations and places named alone mostly are English words
    ("Leeds", "Unison") or in capitals ("HMRC")."""
    found = []
    for ent in doc.ents:
        words = [t for t in ent if t.is_alpha]
        if (
            ent.label_ in ("ORG", "GPE", "NORP")
            and words
            and ent.root.dep_ in PERSON_ROLES
            and all(t.is_title and not t.is_stop and not _org_word(t) for t in words)
            and any(not known_word(t.text, ordinary) for t in words)
        ):
            found.append(Found(ent.start_char, ent.end_char, "name"))
    return found


def context_names(doc: Doc, ordinary: frozenset[str]) -> list[Found]:
    """English words that are no English word, where only a person stands ("told kev",
    "Tendai had to drive"); a lower-case word the tagger calls a proper noun may be a
    dictionary word too ("told gemma")."""
    found = []
    for t in doc:
        if t.text.isupper() and len(t) <= 3:
            continue  # "MH problems", "the QE said": acronyms
        unknown = _unknown_word(t, ordinary)
        named = unknown or (t.is_lower and t.pos_ == "PROPN" and _unknown_word(t, frozenset()))
        if (named and _person_place(doc, t.i)) or (unknown and _capitalised_subject(t)):
            found.append(Found(t.idx, t.idx + len(t), "name"))
    return found + mistaken_entities(doc, ordinary)


def _groups(pattern: re.Pattern[str], text: str, *names: str) -> Iterator[Found]:
    for match in pattern.finditer(text):
        for name in names:
            yield Found(match.start(name), match.end(name), "name")


def rule_names(text: str) -> list[Found]:
    """Any language: a capitalised word after a title, and initials with a surname."""
    found = list(_groups(TITLED, text, "name"))
    for span in _groups(INITIALS, text, "name"):
        surname = text[span.start : span.end].split()[-1].split(".")[-1]
        if surname.lower() not in ("the", "then", "this", "there", "they", "a", "i"):
            found.append(span)
    return found


def foreign_names(text: str) -> list[Found]:
    """Not English: capitalised words in pairs or joined by "and", outside organisations and
    after no place preposition ("w Leeds", "yng Nghaerdydd" stay)."""
    found = []
    for match in PAIR.finditer(text):
        start, words = match.start(), match.group()
        if _sentence_start(text, start):  # "Mae Siân Williams": a verb starts Welsh sentences
            first = words.split()[0]
            start, words = start + len(first), words[len(first) :]
            start += len(words) - len(words.lstrip())
            words = words.strip()
        if words and not _place_or_org(text, start, words):
            found.append(Found(start, start + len(words), "name"))
    for span in _groups(COORDINATED, text, "a", "b"):
        if not _place_or_org(text, span.start, text[span.start : span.end]):
            found.append(span)
    return found


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:;\n"


def _place_or_org(text: str, start: int, words: str) -> bool:
    before = text[:start].split()
    previous = before[-1].lower().strip("'’,") if before else ""
    lowered = [w.lower().strip(".,'’") for w in words.split()]
    return (
        previous in PLACE_WORDS
        or any(w in ORG_WORDS for w in lowered)
        or _organisation(words)
        or words.isupper()
    )
