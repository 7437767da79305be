"""Is a message a workplace barrier at all? Off-topic, test and abusive messages are kept
(an organiser reviews them as "not a barrier") but must not shape themes, labels or quotes.

Deliberately narrow, so a real report is almost never kept out ("More staff." and
"Parking" are terse barriers): a message is "not a barrier" when it has no content word
("Nothing?"), or only one that is no known word ("asdfgh"), when it is a short test or
greeting ("test", "testing 1 2 3", "hello is this working"), or when it is a short insult
aimed at the bot or its people. Anything longer or with substance is a report; an
organiser can move a message kept out into a theme (``/theme move``).
"""

from __future__ import annotations

from spacy.tokens import Doc

TEST_WORDS = frozenset({"test", "testing", "hello", "hi", "hey", "ping", "asdf", "lorem"})
INSULTS = frozenset(
    {"idiot", "idiots", "stupid", "moron", "morons", "crap", "shit", "fuck", "fucking", "useless"}
)
AIMED_AT = frozenset({"you", "bot", "this", "u"})
SHORT = 8  # words: longer messages are treated as reports whatever they contain


def not_a_barrier(doc: Doc) -> bool:
    words = [t.lower_ for t in doc if t.is_alpha]
    content = [t for t in doc if t.is_alpha and not t.is_stop]
    if not content or (len(content) == 1 and not content[0].has_vector):
        return True
    if len(words) > SHORT:
        return False
    if words and words[0] in TEST_WORDS:
        return True
    return bool(INSULTS.intersection(words)) and bool(AIMED_AT.intersection(words))
