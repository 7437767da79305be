"""Rules for personal details that have a written form: numbers, contacts, addresses.

Each rule yields ``Found`` spans over the original text; ``find_patterns`` runs them in order
of how sure they are and keeps the first of any overlapping pair. Numbers are accepted only
when they check out (NHS modulus 11, Luhn for cards, mod 97 for IBANs) or when the words
before them say what they are ("staff number", "sort code", "DOB"), so sums of money, years,
durations and bands stay readable. Language-neutral: no model is involved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from stdnum import iban, luhn

PLACEHOLDERS = {
    "name": "[name]",
    "nhs": "[nhs number]",
    "nino": "[ni number]",
    "dob": "[date of birth]",
    "phone": "[phone]",
    "email": "[email]",
    "postcode": "[postcode]",
    "address": "[address]",
    "url": "[link]",
    "handle": "[handle]",
    "card": "[card number]",
    "bank": "[bank details]",
    "staffid": "[id number]",
}


@dataclass(frozen=True, order=True)
class Found:
    start: int
    end: int
    kind: str  # a key of PLACEHOLDERS


Rule = Callable[[str], Iterator[Found]]


def _spans(kind: str, pattern: re.Pattern[str], group: int | str = 0) -> Rule:
    def rule(text: str) -> Iterator[Found]:
        for match in pattern.finditer(text):
            if match.group(group):
                yield Found(match.start(group), match.end(group), kind)

    return rule


# --- contacts -------------------------------------------------------------------------------
TLDS = "com|org|net|io|uk|eu|ie|info|gov|ly|gle|co|app|dev|wales|scot|cymru|pl|de|fr|es|nz|au|ca"
SHORT_HOSTS = (
    r"youtu\.be|t\.me|wa\.me|t\.co|bit\.ly|goo\.gl|forms\.gle|ow\.ly|buff\.ly|rb\.gy|is\.gd|"
    r"cutt\.ly|shorturl\.at|lnkd\.in|amzn\.to|tiny\.cc|linktr\.ee"
)
BRACKET_AT = r"\s*[(\[{]\s*at\s*[)\]}]\s*"
BRACKET_DOT = r"\s*[(\[{]\s*dot\s*[)\]}]\s*"
WORD_DOT = rf"(?:\s+dot\s+|{BRACKET_DOT})"
EMAIL = re.compile(
    # written plainly, or with the @ (and dots) in brackets: "bev (at) nhs (dot) net"
    rf"[\w.+-]*\w(?:(?:@|\s+@\s+)[\w-]+(?:\.[\w-]+)+\b"
    rf"|{BRACKET_AT}[\w-]+(?:(?:\.|{WORD_DOT})[\w-]+)*(?:\.|{WORD_DOT})(?:{TLDS})\b)"
    # in words only when every dot is a word too: "kev at leeds dot gov dot uk"
    rf"|[\w.+-]*\w\s+at\s+[\w-]+(?:{WORD_DOT}[\w-]+)*{WORD_DOT}(?:{TLDS})\b",
    re.IGNORECASE,
)
URL_TAIL = r"[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]"  # a link's trailing punctuation is prose
URL = re.compile(
    rf"(?:https?://|www\.){URL_TAIL}"
    rf"|\b(?:{SHORT_HOSTS})/{URL_TAIL}"
    rf"|\b[\w-]+(?:\.[\w-]+)*\.(?:{TLDS})\b(?:/{URL_TAIL}|/)?",
    re.IGNORECASE,
)
HANDLE_AT = re.compile(r"(?<![\w@.])@\w(?:[\w.-]*\w)?")
PLATFORMS = (
    r"twitter|x|insta(?:gram)?|ig|tiktok|discord|snapchat|snap|telegram|threads|bluesky|"
    r"facebook|fb|youtube|reddit|mastodon|linkedin|whatsapp"
)
HANDLE_NAMED = re.compile(
    rf"\b(?:on|my|our|the|their|her|his)\s+(?:{PLATFORMS})\b(?:\s+(?:handle|account|name))?"
    r"[\s:,]+(?:(?:is|as|I'm|I am|me|it's|called)[\s:]+)*"
    r"(?P<handle>@?[A-Za-z0-9_](?:[\w.-]*[\w])?)",
    re.IGNORECASE,
)
HANDLE_CHARS = re.compile(r"[\d_.-]")


def _named_handles(text: str) -> Iterator[Found]:
    """A handle given after its platform ("my insta is kev.the.porter"): only a word that
    looks like a user name (digits, dots, dashes, underscores) so "on Twitter as well" stays."""
    for match in HANDLE_NAMED.finditer(text):
        handle = match.group("handle")
        if handle.startswith("@") or HANDLE_CHARS.search(handle):
            yield Found(match.start("handle"), match.end("handle"), "handle")


# --- numbers --------------------------------------------------------------------------------
PHONE_CANDIDATE = re.compile(
    r"(?<![\w+£$€/])(?:\(\s*\+?\d{1,4}\s*\)\s*|\+\s*)?\(?\d(?:[ \t().\-]{0,3}\d){6,15}(?![\w/])"
)


def digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def nhs_valid(digits: str) -> bool:
    """The NHS number check digit: modulus 11 over the first nine digits, weights 10 to 2."""
    if len(digits) != 10:
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def phone_like(raw: str) -> bool:
    """Digit counts of real numbers: UK national 10-11 with a leading 0; +44/0044 or 44 with
    10 more; a UK mobile written without its 0 (7xxx xxxxxx); E.164 at most 15 digits."""
    digits = digits_of(raw)
    stripped = raw.lstrip("( ")
    if stripped.startswith("+"):
        return 8 <= len(digits) <= 15
    if digits.startswith("00"):
        return 10 <= len(digits) <= 17
    if digits.startswith("0"):
        return len(digits) in (10, 11)
    if digits.startswith("44"):
        return len(digits) == 12
    return digits.startswith("7") and len(digits) == 10


def _numbers(text: str) -> Iterator[Found]:
    """NHS numbers (checked), cards (Luhn) and phone numbers among the runs of digits."""
    for match in PHONE_CANDIDATE.finditer(text):
        raw = match.group().rstrip(" .-")
        start = match.start()
        end = start + len(raw)
        if raw.startswith("(") and ")" not in raw:
            raw, start = raw[1:], start + 1
        digits = digits_of(raw)
        if nhs_valid(digits) and not raw.lstrip("( ").startswith(("+", "0")):
            yield Found(start, end, "nhs")
        elif 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            yield Found(start, end, "card")
        elif phone_like(raw):
            yield Found(start, end, "phone")
        elif nhs_valid(digits):
            yield Found(start, end, "nhs")


IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")


def _ibans(text: str) -> Iterator[Found]:
    for match in IBAN.finditer(text):
        if iban.is_valid(match.group()):
            yield Found(match.start(), match.end(), "bank")


NINO = re.compile(
    r"\b[A-Z]{2}[ \t-]?\d{2}[ \t-]?\d{2}[ \t-]?\d{2}[ \t-]?[A-D]\b", re.IGNORECASE
)  # HMRC's prefix rules are not applied: examples like "QQ 12 34 56 C" are written too

# --- numbers that the words before them name -------------------------------------------------
FILLER = (
    r"(?:[\s:#.,(-]*(?:is|was|are|of|no|num|number|nos|and|the|me|my|her|his|to)\b)*[\s:#.,(-]*"
)
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE = (
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}"
    rf"|(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{MONTHS})\.?,?\s+\d{{2,4}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
)
DOB = re.compile(
    r"\b(?:d\.?o\.?b\b\.?|date\s+of\s+birth|birth\s*date|birthday|born)"
    r"(?:[\s:,(-]*(?:is|was|on|of|in)\b)*[\s:,(-]*(?:the\s+)?"
    rf"(?P<date>{DATE})",
    re.IGNORECASE,
)
SORT_CODE = r"\d{2}[ -]?\d{2}[ -]?\d{2}"
ACCOUNT = r"\d{7,8}"
BANK = re.compile(
    r"\b(?:sort\s*code|(?:bank\s+)?account(?:\s+(?:number|no\.?))?|acc(?:t|ount)?\.?\s*no\.?|a/c)"
    rf"{FILLER}(?P<first>{SORT_CODE}|{ACCOUNT})(?![\w-])"
    rf"(?:{FILLER}(?:(?:sort\s*code|account|acc)\.?{FILLER})?(?P<second>{SORT_CODE}|{ACCOUNT})(?![\w-]))?",
    re.IGNORECASE,
)
NHS_CUED = re.compile(
    r"\b(?:nhs|chi|h&c)\s*(?:number|no\.?|num\.?|#)?[\s:.(]*(?:is\s+|was\s+)?"
    r"(?P<number>\d{3}[ .-]{0,2}\d{3}[ .-]{0,2}\d{4})(?!\d)",
    re.IGNORECASE,
)  # given as an NHS number, it is one even when its check digit is wrong
ID_WORDS = (
    r"staff|employee|payroll|assignment|badge|smartcard|smart\s+card|personnel|service|"
    r"nmc|gmc|hcpc|nmc\s+pin|registration|case|claim|tenancy|council\s+tax(?:\s+account)?|"
    r"patient|hospital|client|customer|membership|member|pension|student|pupil|ucas|"
    r"passport|driving\s+licen[cs]e|licen[cs]e|reference|ref|pin|id"
)
ID_TOKEN = r"[A-Z0-9][A-Z0-9/-]*\d[A-Z0-9/-]*(?:[ ]\d{3,})*"
STAFF_ID = re.compile(
    rf"\b(?:{ID_WORDS})\b(?:\s+(?:number|no\.?|num\.?|id|ref(?:erence)?|pin|#|code))?"
    rf"(?:\s*(?::|is|was|-)\s*|\s+|\s*#\s*)(?P<id>{ID_TOKEN})(?<![/-])",
    re.IGNORECASE,
)
CODE_ID = re.compile(r"\b[A-Z]{2,5}-\d{4,}\b")  # EMP-44120: a prefix, a dash and many digits


def _staff_ids(text: str) -> Iterator[Found]:
    for match in STAFF_ID.finditer(text):
        token = match.group("id")
        if sum(ch.isdigit() for ch in token) >= 3:
            yield Found(match.start("id"), match.end("id"), "staffid")


def _bank(text: str) -> Iterator[Found]:
    for match in BANK.finditer(text):
        for group in ("first", "second"):
            if match.group(group):
                yield Found(match.start(group), match.end(group), "bank")


# --- places ---------------------------------------------------------------------------------
POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
)  # any case: "m1 1ae" and "LS7 3AB" alike
ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)


def _postcodes(text: str) -> Iterator[Found]:
    for match in POSTCODE.finditer(text):
        if match.group().isupper() or not ORDINAL.search(match.group()):
            yield Found(match.start(), match.end(), "postcode")


STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Cl|Drive|Dr|Way|Place|Pl|Crescent|Cres|Court|"
    "Ct|Terrace|Tce|Gardens|Gdns|Grove|Hill|Row|Square|Sq|Mews|Walk|Parade|Park|View|Rise|"
    "Green|Vale|Wharf|Quay|Cottages|Estate|Yard|Wynd|Brae|Gate|Boulevard|Broadway|Circus|"
    "Embankment|Meadows?|Mount|Heights|Fold|Croft|Chase|Approach|Passage|Path|Wood|Crest"
)
WELSH_STREETS = "Heol|Ffordd|Lôn|Lon|Stryd|Llys|Rhodfa|Cilgant|Maes|Bryn|Stad|Ystad|Teras|Clos"
BUILDINGS = "Court|House|Cottages|Lodge|Mansions|Buildings|Tower|Towers|Hall|Flats|Estate|Centre"
WORD = r"[A-Z][\w'’.-]*"
LOWER_WORD = r"[A-Za-z][\w'’-]*"
UNIT = r"(?:Flat|Apartment|Apt\.?|Unit|Room|Suite|Block)\s+\d+[A-Za-z]?,?\s+"
BUILDING = rf"(?:(?:{WORD}\s+){{1,3}}(?:{BUILDINGS}),?\s+)"
STREET = rf"(?:{WORD}\s+){{1,3}}(?:{STREET_TYPES})\b\.?"
ADDRESS = re.compile(
    rf"\b(?:{UNIT}{BUILDING}?|{BUILDING})?\d{{1,4}}[A-Za-z]?,?\s+{STREET}"
    rf"(?:,\s+(?:{WORD}\s+){{1,2}}(?:{STREET_TYPES})\b)?"
    rf"|\b{UNIT}(?:{WORD}\s+){{1,3}}(?:{STREET_TYPES}|{BUILDINGS})\b"
    rf"|\b\d{{1,4}}[A-Za-z]?,?\s+(?:{WELSH_STREETS})\s+(?:[\w'’]+\s+){{0,2}}[A-Z][\w'’-]+"
)
LOWER_ADDRESS = re.compile(
    rf"\b(?:(?:flat|apartment|unit)\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+"
    rf"(?P<words>(?:{LOWER_WORD}\s+){{1,3}})(?:{STREET_TYPES.lower()})\b",
)
FOREIGN_ADDRESS = re.compile(
    r"\b(?:ul\.|ulica|al\.|aleja|os\.|pl\.)\s+[A-ZŁŚŻŹĆ][\w-]*(?:\s+[A-ZŁŚŻŹĆ][\w-]*)?\s+\d+[a-z]?"
    r"(?:/\d+)?"
    r"|\b(?:Calle|Avenida|Paseo|Plaza|Via|Viale|Piazza|Corso|Rua|Travessa|Carrer)\s+"
    r"(?:(?:de|del|la|las|los|di|da|do|dos|das)\s+)*[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?,?\s+\d+[a-z]?"
    r"|\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai)"
    r"\s+(?:(?:de|du|des|la|le|l'|d')\s*)*[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?"
    r"|\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm)\s+\d+[a-z]?"
)
PROSE = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "but",
        "down",
        "up",
        "along",
        "across",
        "over",
        "from",
        "by",
        "at",
        "our",
        "my",
        "your",
        "his",
        "her",
        "their",
        "its",
        "this",
        "that",
        "more",
        "few",
        "many",
        "miles",
        "mile",
        "minutes",
        "minute",
        "hours",
        "hour",
        "metres",
        "yards",
        "steps",
        "times",
        "people",
        "patients",
        "staff",
        "beds",
    ]
)


def _lower_addresses(text: str) -> Iterator[Found]:
    """ "flat 6 102 cardigan road": typed in lower case, so the words in between must not be
    prose ("3 miles down the road" is not an address)."""
    for match in LOWER_ADDRESS.finditer(text):
        words = match.group("words").split()
        if not any(w.lower() in PROSE for w in words):
            yield Found(match.start(), match.end(), "address")


RULES: tuple[Rule, ...] = (
    _spans("email", EMAIL),
    _spans("url", URL),
    _spans("handle", HANDLE_AT),
    _named_handles,
    _ibans,
    _spans("dob", DOB, "date"),
    _bank,
    _spans("nhs", NHS_CUED, "number"),
    _staff_ids,
    _spans("staffid", CODE_ID),
    _spans("nino", NINO),
    _numbers,
    _postcodes,
    _spans("address", ADDRESS),
    _spans("address", FOREIGN_ADDRESS),
    _lower_addresses,
)


def merge(found: Sequence[Found], taken: Sequence[Found] = ()) -> list[Found]:
    """Spans in order of trust: each is kept unless it overlaps one kept before it."""
    kept = list(taken)
    for span in found:
        if span.end > span.start and all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept)


def find_patterns(text: str) -> list[Found]:
    """Every rule's spans over ``text``, the earlier rule winning an overlap."""
    return merge([span for rule in RULES for span in rule(text)])


def apply(text: str, found: Sequence[Found]) -> str:
    """The text with each span replaced by its placeholder."""
    out, at = [], 0
    for span in sorted(found):
        out += [text[at : span.start], PLACEHOLDERS[span.kind]]
        at = span.end
    out.append(text[at:])
    return "".join(out)
