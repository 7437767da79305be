"""Messages that must not become a report as they stand: a crisis (risk to the writer's own
life or safety), a safeguarding disclosure (abuse or neglect of a patient, resident or
child), and abusive or hateful text.

Pure and offline: phrase rules over the text, plus the spaCy parse for who did what to whom
(a carer who "slapped a resident" is a disclosure; a policy that "hits patients hardest" is
a barrier). Figures of speech about work ("this policy is killing our service", "the rota is
killing me") are not a crisis: self-harm needs the writer as the one harmed and words that
mean it. Returns the first concern that applies, most urgent first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from spacy.language import Language
from spacy.tokens import Doc, Token

from nlp.vectors import COMPONENT


class Concern(StrEnum):
    CRISIS = "crisis"
    SAFEGUARDING = "safeguarding"
    ABUSE = "abuse"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


ME = r"(?:i|i'm|i am|i've|i have|i'll|i will|i was|i feel|i keep|i've been|i have been)"
CRISIS = _any(
    r"\b(?:kill|hurt|harm|cut|hang|drown|poison|starv|burn)(?:ing|ting|ed|e)?\s+myself\b",
    r"\bend(?:ing)?\s+(?:it\s+all|my\s+(?:own\s+)?life|things|it)\b(?!\s+(?:for|with)\s+(?:the|this|that|our))",
    r"\btak(?:e|ing)\s+my\s+(?:own\s+)?life\b",
    r"\bsuicid(?:e|al)\b",
    r"\bself[- ]?harm(?:ing)?\b",
    r"\boverdos(?:e|ing)\b",
    r"\b(?:want|wanted|wanting)\s+to\s+die\b",
    r"\bwish\s+(?:i\s+(?:was|were)\s+dead|i\s+wasn'?t\s+here|i\s+could\s+disappear)\b",
    r"\b(?:don'?t|do not|no longer)\s+want\s+to\s+(?:be\s+(?:here|alive)|live|wake\s+up|go\s+on)\b",
    r"\b(?:no|isn'?t\s+any)\s+point\s+(?:in\s+)?(?:living|going\s+on|being\s+alive|carrying\s+on)\b",
    r"\bbetter\s+off\s+(?:dead|without\s+me)\b",
    rf"\b{ME}\s+(?:can'?t|cannot|can\s?not)\s+(?:cope|go\s+on|do\s+this|take\s+it)\s+any\s?more\b",
    r"\bnot\s+safe\s+at\s+home\b",
    r"\b(?:he|she|they|my\s+(?:partner|husband|wife|boyfriend|girlfriend|ex))\s+"
    r"(?:hits|beats|hurts|threatens|chokes|strangles)\s+me\b",
    r"\b(?:scared|afraid|frightened)\s+(?:he|she|they)(?:'ll|\s+will|\s+might|\s+is\s+going\s+to)"
    r"\s+(?:hurt|kill)\s+me\b",
    # Polish and Welsh: the few plain phrases people use
    r"\bchc[eę]\s+umrze[cć]\b|\bzabij[eę]\s+si[eę]\b|\bodebra[cć]\s+sobie\s+[zż]ycie\b",
    r"\bnie\s+chc[eę]\s+(?:ju[zż]\s+)?[zż]y[cć]\b|\bsamob[oó]j",
    r"\bladd\s+fy\s+hun\b|\beisiau\s+marw\b|\bhunanladdiad\b",
)
NOT_CRISIS = _any(
    r"\bsuicide\s+(?:prevention|awareness|risk\s+assessment|training|policy|team|ward|watch)\b",
    r"\bself[- ]?harm\s+(?:training|policy|team|service|pathway|assessments?)\b",
    r"\b(?:patients?|residents?|clients?|service\s+users?|people|someone|a\s+(?:man|woman))\s+"
    r"(?:who\s+)?(?:are|is|was|were)\s+(?:suicidal|self[- ]?harming)\b",
)


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


VICTIMS = _set(
    """patient patients resident residents child children kid kids pupil pupils baby babies
    toddler boy boys girl girls teenager client clients user users man woman lady gentleman
    him her them elderly adult adults person people mum dad son daughter tenant tenants
    learner learners student students"""
)
PERPETRATORS = _set(
    """he she they someone somebody carer carers nurse nurses staff colleague colleagues worker
    workers manager managers assistant assistants hca teacher teachers parent parents mum dad
    mother father partner stepdad stepfather boyfriend driver porter doctor officer guard
    guards member members agency cleaner cook volunteer"""
)
# Acts that are abuse whoever does them, and those that need a person doing them ("the cuts
# hurt residents" is a barrier; "a carer hurt a resident" is not).
VIOLENT = _set(
    """slap punch kick smack thump beat strangle choke grope molest rape assault abuse bully
    spit bite scald burn pinch shake"""
)
NEEDS_PERSON = _set(
    """hit push shove hurt grab drag throw restrain lock tie threaten humiliate mock starve
    neglect ignore scream shout swear touch"""
)
SAFEGUARDING = _any(
    r"\bsafeguarding\s+(?:concern|issue|alert|referral|incident|disclosure)\b",
    r"\b(?:sexually|physically|emotionally|financially)\s+abus",
    r"\b(?:left|lying|lay|sat)\s+(?:in|on)\s+(?:their|his|her|the)?\s*"
    r"(?:own\s+)?(?:urine|faeces|feces|soiled|wet|dirty)\b",
    r"\bleft\s+(?:on\s+the\s+floor|without\s+(?:food|water|a\s+drink|pain\s+relief|medication)"
    r"|alone\s+for\s+(?:hours|days))\b",
    r"\b(?:not|never)\s+(?:been\s+)?(?:fed|washed|changed|turned|given\s+(?:food|water|"
    r"(?:their|his|her)\s+(?:meds|medication)))\s+(?:for|in|all)\b",
    r"\bbruis(?:es|ing)\s+on\s+(?:a|the|his|her|their)\s+(?:resident|patient|child|arms?|face|"
    r"legs?|back)\b",
    r"\btold\s+(?:us|me)\s+to\s+keep\s+(?:quiet|it\s+quiet|our\s+mouths\s+shut)\b.*\b(?:hit|slap"
    r"|abus|hurt|push|neglect)",
)

PROFANITY = r"f+u+c+k\w*|f\*+\w*|sh[i1]te?|cunts?|twats?|wankers?|pricks?|bastards?|bitch\w*"
INSULTS = (
    r"idiots?|morons?|imbeciles?|scum|pen[- ]?pushers?|jobsworths?|parasites?|vermin|"
    r"useless\s+(?:\w+\s+)?(?:idiots?|pen[- ]?pushers?|bureaucrats?|managers?|lot|bunch)|"
    r"dickheads?|arseholes?|assholes?|retards?|cretins?|pigs|losers?|wastes?\s+of\s+space"
)
SLURS = (
    r"pakis?|niggers?|niggas?|faggots?|fags|trann(?:y|ies)|kikes?|spics?|chinks?|gypp?os?|"
    r"pikeys?|ragheads?|towelheads?|wogs?|coons?|retarded|spastics?|mongs?"
)
GROUPS = (
    r"immigrants?|foreigners?|migrants?|refugees?|asylum\s+seekers?|muslims?|jews?|blacks?|"
    r"poles|romanians?|gays?|lesbians?|trans\s+people|gypsies|travellers|disabled\s+people"
)
ABUSE = _any(
    rf"\b(?:{SLURS})\b",
    rf"\b(?:{PROFANITY})\s+(?:you|off|u)\b",
    rf"\b(?:you|u|ur|you're|youre|you\s+are|your)\s+(?:(?:a|an|all|such|lot\s+of|bunch\s+of)\s+)*"
    rf"(?:(?:\w+|{PROFANITY})\s+){{0,2}}(?:{INSULTS}|{PROFANITY})\b",
    rf"\b(?:{PROFANITY}|useless|stupid|pathetic|lazy|worthless)\s+(?:\w+\s+)?(?:{INSULTS})\b",
    rf"\b(?:all|these|those|bloody|the|send)\s+(?:{GROUPS})\s+(?:should|must|need\s+to|ought\s+to"
    r"|can|to)\s+(?:go\s+back|be\s+deported|be\s+shot|die|get\s+out|be\s+kicked\s+out|burn)\b",
    r"\bgo\s+back\s+(?:to\s+)?(?:your|their|where)\s+(?:own\s+)?(?:country|you\s+came\s+from)\b",
    r"\b(?:i'?ll|i\s+will|i'm\s+going\s+to|gonna)\s+(?:kill|stab|shoot|batter|find)\s+(?:you|him|her"
    r"|them)\b",
)


def _negated(token: Token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


def _subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in ("nsubj", "agent")), None)


def _object(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            return child
        if child.dep_ == "prep" and child.lower_ in ("at", "on", "into"):
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _person(token: Token | None, words: frozenset[str]) -> bool:
    if token is None:
        return False
    return token.lower_ in words or token.lemma_.lower() in words or token.ent_type_ == "PERSON"


def _someone_harmed(doc: Doc) -> bool:
    """A verb of harm with a patient, resident, child (or a pronoun) at its receiving end,
    done by a person: "a carer slapped a resident", "he was pushed by staff"."""
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ != "VERB" or _negated(token) or not _person(_object(token), VICTIMS):
            continue
        doer = _subject(token)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        by_person = doer is not None and any(_person(t, PERPETRATORS) for t in doer.subtree)
        if lemma in VIOLENT or (lemma in NEEDS_PERSON and (by_person or (passive and not doer))):
            return True
    return False


def assess_doc(doc: Doc) -> Concern | None:
    """The concern a parsed message raises, most urgent first, or None."""
    text = doc.text
    if CRISIS.search(text) and not NOT_CRISIS.search(text):
        return Concern.CRISIS
    if SAFEGUARDING.search(text) or _someone_harmed(doc):
        return Concern.SAFEGUARDING
    if ABUSE.search(text):
        return Concern.ABUSE
    return None


def assess(nlp: Language, texts: Sequence[str]) -> list[Concern | None]:
    """One batched parse (the sentence encoder is not needed, so it is skipped)."""
    disable = [COMPONENT] if COMPONENT in nlp.pipe_names else []
    return [assess_doc(doc) for doc in nlp.pipe(texts, disable=disable, batch_size=64)]
