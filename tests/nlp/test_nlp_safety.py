"""Crisis, safeguarding and abuse detection: hits, and the near-misses a barrier bot hears
every day (figures of speech about work, policies that "hit" people, swearing at a rota)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from nlp.safety import Concern, assess

CRISIS = [
    "I can't cope anymore. I've been thinking about ending it all…",
    "Honestly I want to die, every shift is worse than the last",
    "i dont want to be here anymore",
    "I've started cutting myself again after night shifts",
    "Some days I think everyone would be better off without me.",
    "I'm not safe at home, my partner hits me when I get back late",
    "I have been having suicidal thoughts since the restructure",
    "There's no point in going on like this.",
    "Nie chcę już żyć, nikt w pracy tego nie widzi.",
]
SAFEGUARDING = [
    "A carer on my unit slapped a resident last night and the manager told us to keep quiet.",
    "One of the agency staff pushed a patient into his chair and laughed.",
    "The kids were left without food all weekend in the unit.",
    "A resident was left in soiled sheets for the whole night shift again.",
    "I saw my colleague kick a child in the playground.",
    "An older man on the ward has bruises on his arms and says the night nurse grabs him.",
    "The manager swore at residents and threatened them with no dinner.",
    "I want to raise a safeguarding concern about a client who is being financially abused.",
]
ABUSE = [
    "you useless pen pusher at the council, f*** off",
    "Fuck you and your stupid survey",
    "All these immigrants should go back where they came from",
    "You're all a bunch of idiots",
    "tell the managers I'll batter them",
]
NEAR_MISSES = [
    "This policy is killing our service",
    "The rota is killing me, three nights in a row again",
    "The cuts hit patients hardest in the north of the city",
    "We can't cope with demand since the unit closed",
    "Suicide prevention training was cut from a day to an hour",
    "We look after patients who are suicidal but get no supervision",
    "The budget neglects children's services in every plan",
    "We were told to push patients through discharge faster",
    "The fucking rota came out late again and nobody can plan childcare",
    "My manager ignored my request for a risk assessment",
    "I could kill for a proper lunch break",
    "The end of the contract means we end the service in March",
    "Management keep telling us to go back to the old system",
    "The hoist broke and we had to lift a resident by hand",
    "Residents are left waiting for hours because there is one carer",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis(spacy_nlp: Language, text: str) -> None:
    assert assess(spacy_nlp, [text]) == [Concern.CRISIS]


@pytest.mark.parametrize("text", SAFEGUARDING)
def test_safeguarding(spacy_nlp: Language, text: str) -> None:
    assert assess(spacy_nlp, [text]) == [Concern.SAFEGUARDING]


@pytest.mark.parametrize("text", ABUSE)
def test_abuse(spacy_nlp: Language, text: str) -> None:
    assert assess(spacy_nlp, [text]) == [Concern.ABUSE]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_ordinary_reports(spacy_nlp: Language, text: str) -> None:
    assert assess(spacy_nlp, [text]) == [None]


def test_batch_keeps_order(spacy_nlp: Language) -> None:
    texts = [NEAR_MISSES[0], CRISIS[0], SAFEGUARDING[0], ABUSE[0]]
    assert assess(spacy_nlp, texts) == [None, Concern.CRISIS, Concern.SAFEGUARDING, Concern.ABUSE]
