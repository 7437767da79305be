"""A realistic story for measuring themes end to end: 8 barriers, 7 reports each.

Written for this project (MIT, like the rest of the repository); no real person or place is
described. Each barrier is told by seven different staff (nurses, social workers, council
officers, care managers, a health visitor, a housing officer...) in their own words: short
and long, with typos and shorthand, and two reports in other languages (one Polish, one
Welsh). Nothing here was used to choose a threshold: the story measures the bot, it does not
tune it. ``ARRIVALS`` is the order people report in, interleaved the way a campaign's first
week would bring them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryReport:
    barrier: str
    voice: str
    text: str


BARRIERS: dict[str, list[tuple[str, str]]] = {
    "sign-off for small spends": [
        (
            "care manager",
            "Any spend over £50 needs three signatures and the finance portal, so buying a "
            "kettle for a client's flat took five weeks.",
        ),
        ("nurse", "we cant get petty cash for anything, even a £10 taxi takes a form and 2 weeks"),
        (
            "council officer",
            "The purchase order process is the same for £20 as for £20,000. By the time the "
            "budget holder approves a small item the need has gone.",
        ),
        (
            "social worker",
            "I wanted to buy a second-hand cooker for a family in crisis. It needed sign off "
            "from my manager, her manager and procurement. It arrived a month later.",
        ),
        (
            "health visitor",
            "Authorisation chain for tiny purchases is absurd, weeks for a car seat",
        ),
        (
            "care manager",
            "Ciężko kupić nawet drobną rzecz dla podopiecznego: każdy mały wydatek wymaga kilku "
            "podpisów kierowników i czekamy tygodniami na zgodę.",
        ),
        (
            "housing officer",
            "Small grants to help tenants (a bus pass, a fridge) sit in an approvals queue with "
            "three levels of managers signing them off. Ridiculous for the money involved.",
        ),
    ],
    "systems that don't talk": [
        (
            "nurse",
            "I type the same patient details into three different systems every shift because "
            "the GP record, the hospital system and the community app don't talk to each other.",
        ),
        (
            "social worker",
            "Our case recording system cant see the NHS record so I ring the ward to ask what "
            "meds someone is on. Double entry everywhere.",
        ),
        (
            "care manager",
            "IT systems not linked between health and social care, everything entered twice",
        ),
        (
            "council officer",
            "Data has to be re-keyed from the housing database into the benefits one by hand; "
            "there is no interface between them and mistakes creep in.",
        ),
        (
            "district nurse",
            "Spent an hour after my last visit copying notes from the paper form into EMIS and "
            "then again into the council portal. Nothing is joined up.",
        ),
        (
            "occupational therapist",
            "The equipment system and the case system are separate so I log every referral "
            "twice and still the order gets lost between them",
        ),
        (
            "nurse",
            "Mae'n rhaid i mi deipio'r un manylion i mewn i dair system wahanol bob shifft achos "
            "dydy systemau'r ysbyty a'r gymuned ddim yn siarad â'i gilydd.",
        ),
    ],
    "discharge waits for care packages": [
        (
            "ward nurse",
            "Patients medically fit to go home stay on the ward for weeks because there is no "
            "home care package available.",
        ),
        (
            "social worker",
            "Hospital discharge is stuck: I have five people ready to leave and no domiciliary "
            "care provider can pick them up.",
        ),
        ("care manager", "delayed discharges again - no care agency capacity for packages of care"),
        (
            "discharge coordinator",
            "An elderly man waited 19 days in a hospital bed for a package of care, lost his "
            "mobility and now needs a care home instead of going home.",
        ),
        (
            "nurse",
            "Bed blocking isn't the patients' fault, there's just nobody to provide care at home "
            "so they can't be discharged.",
        ),
        (
            "council officer",
            "Our brokerage team cannot source home care hours quickly enough, so people who "
            "could leave hospital sit waiting for a carer to be found.",
        ),
        (
            "physiotherapist",
            "We get people walking again and then they deteriorate on the ward waiting weeks "
            "for a care package before discharge.",
        ),
    ],
    "unpaid travel between visits": [
        (
            "home carer",
            "We are not paid for the travel time between visits, so a ten hour day on the road "
            "is paid as six.",
        ),
        (
            "care manager",
            "Our carers' mileage rate hasn't changed in years and travel time between clients "
            "is unpaid, so staff leave for supermarket jobs.",
        ),
        ("care worker", "no pay for time driving between calls. petrol comes out of my own pocket"),
        (
            "social worker",
            "The home care workers I work with lose hours of pay every week because the rota "
            "gives them fifteen-minute calls miles apart with no travel time.",
        ),
        (
            "council officer",
            "Commissioned rates for home care don't cover travel time or mileage, so providers "
            "pass the cost to their staff.",
        ),
        (
            "home carer",
            "Nie płacą nam za czas dojazdu między klientami, a benzynę kupuję z własnych "
            "pieniędzy.",
        ),
        (
            "district nurse",
            "Mileage allowance is 28p and hasn't gone up, I'm paying to go to work visiting "
            "patients at home",
        ),
    ],
    "no parking for community visits": [
        (
            "district nurse",
            "I got another parking ticket outside a patient's house while giving insulin. The "
            "council won't give community nurses permits.",
        ),
        (
            "social worker",
            "There is nowhere to park near the estates I visit, and we are fined when we stop on "
            "yellow lines for a safeguarding visit.",
        ),
        ("health visitor", "parking fines on home visits, no permit scheme for us"),
        (
            "care manager",
            "My carers spend twenty minutes looking for parking on every call in the town "
            "centre and get penalty notices they have to pay themselves.",
        ),
        (
            "council officer",
            "Our own parking enforcement tickets the council's social care staff on visits "
            "because there is no exemption for care workers.",
        ),
        (
            "midwife",
            "Residents' parking zones mean I park half a mile away from a postnatal visit with "
            "all my kit. A visitor permit would fix it.",
        ),
        (
            "nurse",
            "Parking permit for community staff was withdrawn, now we pay for parking at every "
            "home visit and claim it back months later",
        ),
    ],
    "information sharing fears": [
        (
            "social worker",
            "Schools and GPs won't share information about a child at risk because they are "
            "afraid of breaking GDPR, even when the law allows it.",
        ),
        (
            "nurse",
            "We were told we couldn't tell the social worker about a patient's home situation "
            "without written consent, data protection was quoted at us.",
        ),
        ("council officer", "information governance blocks data sharing with health partners"),
        (
            "care manager",
            "Every agency holds a piece of the picture but nobody shares because of "
            "confidentiality worries, so the family tells their story six times.",
        ),
        (
            "health visitor",
            "I can't find out whether a family is known to children's services without a data "
            "sharing agreement that has been 'in progress' for two years.",
        ),
        (
            "police liaison officer",
            "Partners refuse to pass on safeguarding concerns citing data protection, so we "
            "only learn about risks after something happens.",
        ),
        (
            "mental health nurse",
            "Fear of GDPR means the crisis team and the housing office never share what they "
            "know about the same person.",
        ),
    ],
    "eligibility thresholds block prevention": [
        (
            "social worker",
            "We can only help once someone hits the eligibility threshold, so we watch people "
            "get worse until they qualify for support.",
        ),
        (
            "care manager",
            "Early help that would keep someone independent isn't funded; the criteria only "
            "fund crisis care.",
        ),
        ("council officer", "budget only pays for substantial needs, no money for prevention"),
        (
            "occupational therapist",
            "A grab rail would stop a fall but she doesn't meet the eligibility criteria, so "
            "we'll see her after the fracture instead.",
        ),
        (
            "nurse",
            "Low level support like a weekly check in was cut because it's not a statutory "
            "duty. Those patients come back through A&E.",
        ),
        (
            "family support worker",
            "Families are told they aren't 'bad enough' for help yet; the threshold for "
            "support means we only step in at crisis point.",
        ),
        (
            "commissioner",
            "Preventative services are the first cut when budgets are tight because the "
            "savings land in another department's budget.",
        ),
    ],
    "agency staff and unsafe rotas": [
        (
            "ward nurse",
            "Half the shift is agency staff who don't know the ward, and we are still two "
            "nurses short most nights.",
        ),
        (
            "care manager",
            "We can't recruit so the rota is filled with agency carers at double the cost who "
            "never see the same client twice.",
        ),
        ("nurse", "unsafe staffing levels every weekend, rota gaps filled by bank and agency"),
        (
            "social worker",
            "The team has four vacancies covered by locums who leave after a few weeks, so "
            "families get a new social worker every month.",
        ),
        (
            "council officer",
            "Recruitment freezes mean posts stay empty and the remaining staff burn out covering "
            "the gaps.",
        ),
        (
            "healthcare assistant",
            "short staffed again tonight, 1 nurse to 14 patients and a agency HCA who'd never "
            "been on the unit",
        ),
        (
            "care home manager",
            "Staff shortages mean we rely on agency workers every week; residents with "
            "dementia get upset by strangers doing their personal care.",
        ),
    ],
}

NOT_BARRIERS: list[str] = [
    "test",
    "hello is this working?",
    "asdfgh",
    "this bot is useless you idiots",
    "what's the weather tomorrow",
    "testing 1 2 3",
]


def _arrivals() -> list[StoryReport]:
    """Round-robin over barriers with a fixed rotation, so each barrier's reports are spread
    through the week and no barrier is told in one burst."""
    names = list(BARRIERS)
    order: list[StoryReport] = []
    for round_ in range(7):
        for offset in range(len(names)):
            name = names[(offset * 3 + round_) % len(names)]
            voice, text = BARRIERS[name][round_]
            order.append(StoryReport(name, voice, text))
    return order


ARRIVALS: list[StoryReport] = _arrivals()
