"""Reasons put into words, in Dutch and in English: the one place where explanations become sentences.

Analyses give ``reasons.Reason`` values (a code and parameters); the API, the command line and
the files they write render them here in the caller's language. Both catalogues are complete
(``tests/test_words.py`` checks every code in both). A template names parameters in braces;
``{n:stap|stappen}`` chooses the singular when ``n`` is 1. Lists are joined as the language does
("zorg, welzijn en jeugd"); areas are named with their CBS code; stakeholders by their name in
the caller's view.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .analysis.reasons import Reason
from .domain import Area
from .engine import View

LANGUAGES = ("nl", "en")
NEEDS = {
    "nl": {
        "SPACE": "ruimte",
        "FUNDING": "geld",
        "VOLUNTEERS": "vrijwilligers",
        "KNOWLEDGE": "kennis",
        "CONTACTS": "contacten",
        "PERMITS": "vergunningen",
        "PUBLICITY": "bekendheid",
        "MATERIALS": "materiaal",
    },
    "en": {
        "SPACE": "space",
        "FUNDING": "funding",
        "VOLUNTEERS": "volunteers",
        "KNOWLEDGE": "knowledge",
        "CONTACTS": "contacts",
        "PERMITS": "permits",
        "PUBLICITY": "publicity",
        "MATERIALS": "materials",
    },
}
RELATIONS = {
    "nl": {
        "MEMBER_OF": "is lid van",
        "WORKS_FOR": "werkt voor",
        "COORDINATES": "coördineert",
        "FOUNDED": "richtte op",
        "PARTNERS_WITH": "werkt samen met",
        "SUPPORTS": "steunt",
        "FUNDS": "financiert",
        "KNOWS": "kent",
        "ATTENDED": "was bij",
        "CONTACT_FOR": "is contactpersoon voor",
        "RESPONSIBLE_FOR": "is verantwoordelijk voor",
        "ACTIVE_IN": "is actief in",
        "LIVES_IN": "woont in",
        "WORKS_ON": "werkt aan",
    },
    "en": {
        "MEMBER_OF": "is a member of",
        "WORKS_FOR": "works for",
        "COORDINATES": "coordinates",
        "FOUNDED": "founded",
        "PARTNERS_WITH": "partners with",
        "SUPPORTS": "supports",
        "FUNDS": "funds",
        "KNOWS": "knows",
        "ATTENDED": "attended",
        "CONTACT_FOR": "is a contact for",
        "RESPONSIBLE_FOR": "is responsible for",
        "ACTIVE_IN": "is active in",
        "LIVES_IN": "lives in",
        "WORKS_ON": "works on",
    },
}
MONTHS = {
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
CATALOGUE: dict[str, dict[str, str]] = {
    "nl": {
        "THEMES_NONE_ASKED": "het initiatief noemt geen thema's",
        "THEMES_NONE_SHARED": "werkt aan {themes}, geen van de thema's van het initiatief",
        "THEMES_SHARED": "werkt aan {themes} ({n} van de {total} thema's van het initiatief)",
        "AREA_SAME_AREA": "werkt in {area} zelf",
        "AREA_WHOLE_MUNICIPALITY": "werkt voor de hele gemeente {area}",
        "AREA_INCLUDES": "werkt voor heel {area}, waar {other} onder valt",
        "AREA_PART_OF": "werkt in {area}, een deel van {other}",
        "AREA_SAME_DISTRICT": "werkt ernaast, in {area}, in dezelfde wijk {other}",
        "AREA_SAME_MUNICIPALITY": "werkt elders in {other} ({area})",
        "AREA_OUTSIDE": "werkt in {area}, buiten deze gemeente",
        "AREA_NONE": "werkt buiten deze gemeente",
        "NEEDS_NONE_ASKED": "het initiatief heeft geen behoeften genoemd",
        "NEEDS_NONE_MET": "biedt niets van wat nodig is ({needs})",
        "NEEDS_MET": "biedt {needs} ({n} van de {total} behoeften van het initiatief)",
        "PROXIMITY_NONE": "geen verbinding binnen {hops} stappen van de leden van het initiatief",
        "PROXIMITY_HOPS": "{hops} {hops:stap|stappen} van de leden van het initiatief",
        "LOAD_CAPACITY_UNKNOWN": "werkt nu met {n} {n:lopend initiatief|lopende initiatieven}; de capaciteit is niet bekend",
        "LOAD_AGAINST_CAPACITY": "werkt nu met {n} {n:lopend initiatief|lopende initiatieven}, bij een capaciteit van {capacity}",
        "TRACK_NONE": "heeft nog niet gewerkt met initiatieven op deze thema's",
        "TRACK_RECORD": "heeft gewerkt met {n} {n:initiatief|initiatieven} op deze thema's, zoals {names}",
        "CONTACTS_SHARED": "{n} gedeelde {n:contactpersoon|contactpersonen}, onder wie {nodes}",
        "CONTACTS_NONE": "geen gedeelde contacten",
        "WALK_OFTEN": "vaak bereikt bij een wandeling door het netwerk vanaf hier",
        "WALK_SELDOM": "zelden bereikt bij een wandeling door het netwerk vanaf hier",
        "THEMES_BOTH": "werken allebei aan {themes}",
        "THEMES_NO_OVERLAP": "geen gedeelde thema's",
        "NEEDS_OFFERED": "biedt wat nodig is",
        "NEEDS_NOT_OFFERED": "geen aanbod dat in een behoefte voorziet",
        "MET_AT_MEETING": "elkaar ontmoet op dezelfde bijeenkomst",
        "NO_SHARED_MEETING": "geen gedeelde bijeenkomst",
        "CHANGE_NEW_TIE": "nieuwe relatie: {source} {relation} {target} (vanaf {on})",
        "CHANGE_ENDED_TIE": "relatie beëindigd: {source} {relation} {target} (tot en met {on})",
        "CHANGE_NEW_INITIATIVE": "nieuw initiatief: {source} (gestart {on})",
        "CHANGE_PAUSED_INITIATIVE": "initiatief gepauzeerd: {source} (gewijzigd {on})",
        "CHANGE_ENDED_INITIATIVE": "initiatief gestopt: {source} ({on})",
        "CHANGE_STARTED_SERVING": "begonnen: {source} {relation} {target} (vanaf {on})",
        "CHANGE_STOPPED_SERVING": "gestopt: {source} {relation} {target} (tot en met {on})",
        "TIES_CURRENT": "de banden tussen hen zijn actueel",
        "TIES_OLD": "de banden tussen hen zijn oud of ontbreken",
        "BOTH_WORK_ON": "werken allebei aan {themes}",
        "BOTH_WORK_ON_IN": "werken allebei aan {themes} in {area}",
        "ONE_OFFERS_WHAT_OTHER_NEEDS": "de een biedt wat de ander nodig heeft",
        "CLOSE_IN_NETWORK": "dicht bij elkaar in het netwerk",
        "CONTACTS_FEW_TIES": "{n} gedeelde {n:contactpersoon|contactpersonen}, onder wie {nodes}; wie weinig banden heeft, telt zwaarder",
        "CONTACTS_OVERLAP": "{n} van de {total} contacten die ze samen hebben, zijn gedeeld",
        "BOTH_CONNECTED": "allebei goed verbonden: {n} en {total} banden",
        "STRONG_CONTACTS": "{n} gedeelde {n:contactpersoon|contactpersonen} met een sterke band met allebei",
        "STRONG_CONTACTS_NONE": "geen gedeelde contactpersoon met een sterke band met allebei",
        "POPULAR_NEARBY": "goed verbonden ({n} banden) en dichtbij",
        "KINDS_OFTEN_TIED": "in dit netwerk werken deze twee soorten vaker dan gemiddeld samen",
        "KINDS_SELDOM_TIED": "in dit netwerk werken deze twee soorten minder dan gemiddeld samen",
        "RANKED_BY_MODEL": "gerangschikt door een model dat geleerd is van hoe dit netwerk groeide",
        "RANKED_BY_DEFAULT": "gerangschikt met standaardgewichten; het model voor dit netwerk wordt nog geleerd",
        "RANKED_BY_COMMON_NEIGHBOURS": "gerangschikt op gedeelde contacten: dat voorspelde de groei van dit netwerk duidelijk beter dan Adamic-Adar, en beter dan het geleerde model",
        "RANKED_BY_ADAMIC_ADAR": "gerangschikt op Adamic-Adar: niets voorspelde de groei van dit netwerk duidelijk beter, ook het geleerde model niet",
        "RANKED_BY_RESOURCE_ALLOCATION": "gerangschikt op resource allocation: dat voorspelde de groei van dit netwerk duidelijk beter dan Adamic-Adar, en beter dan het geleerde model",
        "RANKED_BY_JACCARD": "gerangschikt op Jaccard: dat voorspelde de groei van dit netwerk duidelijk beter dan Adamic-Adar, en beter dan het geleerde model",
        "RANKED_BY_PREFERENTIAL_ATTACHMENT": "gerangschikt op het aantal banden van beiden: dat voorspelde de groei van dit netwerk duidelijk beter dan Adamic-Adar, en beter dan het geleerde model",
        # records: duplicates, merging, meetings (``api/records.py``: messages and where a tie comes from)
        "MET_AT": "ontmoet op {nodes} op {on}",
        "MET_AT_UNDATED": "ontmoet op {nodes}",
        "MERGE_SAME_RECORD": "kies twee verschillende records om samen te voegen",
        "MERGE_KINDS_DIFFER": "alleen records van dezelfde soort kunnen worden samengevoegd",
        "MERGE_TIE_MISFITS": "een band van het record dat opgaat, past niet bij het record dat blijft; er is niets veranderd",
        "MEETING_WITHOUT_AREA": "noem ten minste één gebied waar de bijeenkomst over ging",
        "NOT_AN_ATTENDEE": "was niet bij deze bijeenkomst",
        "REGISTRATION_RATE_LIMITED": "te veel aanmeldingen vanaf dit adres; probeer het over {n} {n:minuut|minuten} opnieuw",
        "REGISTRATION_DUPLICATE": "deze aanmelding is al ontvangen en wacht op een redacteur",
        "REGISTRATION_QUEUE_FULL": "er wachten nu te veel aanmeldingen voor {area}; probeer het later opnieuw",
        "REGISTRATION_CONSENT_REQUIRED": "zonder uw toestemming kunnen we de aanmelding niet bewaren",
        "REGISTRATION_AREA_REQUIRED": "noem ten minste één buurt, wijk of gemeente",
        "REGISTRATION_NOT_FOUND": "er is geen aanmelding met dit id die u mag beoordelen",
        "WITHDRAWAL_CODE_UNKNOWN": "deze intrekcode kennen we niet: de aanmelding is al ingetrokken, of de code is anders",
    },
    "en": {
        "THEMES_NONE_ASKED": "the initiative names no themes",
        "THEMES_NONE_SHARED": "works on {themes}, none of the initiative's themes",
        "THEMES_SHARED": "works on {themes} ({n} of the initiative's {total} themes)",
        "AREA_SAME_AREA": "works in {area} itself",
        "AREA_WHOLE_MUNICIPALITY": "serves the whole municipality {area}",
        "AREA_INCLUDES": "serves all of {area}, which includes {other}",
        "AREA_PART_OF": "works in {area}, part of {other}",
        "AREA_SAME_DISTRICT": "works next door in {area}, in the same district {other}",
        "AREA_SAME_MUNICIPALITY": "works elsewhere in {other} ({area})",
        "AREA_OUTSIDE": "works in {area}, outside this municipality",
        "AREA_NONE": "works outside this municipality",
        "NEEDS_NONE_ASKED": "the initiative named no needs",
        "NEEDS_NONE_MET": "offers none of what it needs ({needs})",
        "NEEDS_MET": "offers {needs} ({n} of the initiative's {total} needs)",
        "PROXIMITY_NONE": "no tie within {hops} steps of the initiative's members",
        "PROXIMITY_HOPS": "{hops} {hops:step|steps} from the initiative's members",
        "LOAD_CAPACITY_UNKNOWN": "works with {n} running {n:initiative|initiatives} now; its capacity is not known",
        "LOAD_AGAINST_CAPACITY": "works with {n} running {n:initiative|initiatives} now, against a capacity of {capacity}",
        "TRACK_NONE": "no earlier work with initiatives on these themes",
        "TRACK_RECORD": "has worked with {n} {n:initiative|initiatives} on these themes, such as {names}",
        "CONTACTS_SHARED": "{n} shared {n:contact|contacts}, among them {nodes}",
        "CONTACTS_NONE": "no common contacts",
        "WALK_OFTEN": "often reached in a walk over the network from here",
        "WALK_SELDOM": "seldom reached in a walk from here",
        "THEMES_BOTH": "both work on {themes}",
        "THEMES_NO_OVERLAP": "no shared themes",
        "NEEDS_OFFERED": "offers what is needed",
        "NEEDS_NOT_OFFERED": "no offer meets a need",
        "MET_AT_MEETING": "met at the same meeting",
        "NO_SHARED_MEETING": "no shared meeting",
        "CHANGE_NEW_TIE": "new tie: {source} {relation} {target} (from {on})",
        "CHANGE_ENDED_TIE": "tie ended: {source} {relation} {target} (until {on})",
        "CHANGE_NEW_INITIATIVE": "new initiative: {source} (started {on})",
        "CHANGE_PAUSED_INITIATIVE": "initiative paused: {source} (changed {on})",
        "CHANGE_ENDED_INITIATIVE": "initiative ended: {source} ({on})",
        "CHANGE_STARTED_SERVING": "started: {source} {relation} {target} (from {on})",
        "CHANGE_STOPPED_SERVING": "stopped: {source} {relation} {target} (until {on})",
        "TIES_CURRENT": "the ties between them are current",
        "TIES_OLD": "the ties between them are old or absent",
        "BOTH_WORK_ON": "both work on {themes}",
        "BOTH_WORK_ON_IN": "both work on {themes} in {area}",
        "ONE_OFFERS_WHAT_OTHER_NEEDS": "one offers what the other needs",
        "CLOSE_IN_NETWORK": "close in the network",
        "CONTACTS_FEW_TIES": "{n} shared {n:contact|contacts}, among them {nodes}; those with few ties count more",
        "CONTACTS_OVERLAP": "{n} of the {total} contacts they have between them are shared",
        "BOTH_CONNECTED": "both well connected: {n} and {total} ties",
        "STRONG_CONTACTS": "{n} shared {n:contact|contacts} with a strong tie to both",
        "STRONG_CONTACTS_NONE": "no shared contact with a strong tie to both",
        "POPULAR_NEARBY": "well connected ({n} ties) and nearby",
        "KINDS_OFTEN_TIED": "in this network these two kinds work together more often than average",
        "KINDS_SELDOM_TIED": "in this network these two kinds work together less often than average",
        "RANKED_BY_MODEL": "ranked by a model learned from how this network grew",
        "RANKED_BY_DEFAULT": "ranked with default weights; the model for this network is still being learned",
        "RANKED_BY_COMMON_NEIGHBOURS": "ranked by common contacts: on this network's history they predicted clearly better than Adamic-Adar, and better than the learned model",
        "RANKED_BY_ADAMIC_ADAR": "ranked by Adamic-Adar: on this network's history nothing predicted clearly better, the learned model included",
        "RANKED_BY_RESOURCE_ALLOCATION": "ranked by resource allocation: on this network's history it predicted clearly better than Adamic-Adar, and better than the learned model",
        "RANKED_BY_JACCARD": "ranked by Jaccard: on this network's history it predicted clearly better than Adamic-Adar, and better than the learned model",
        "RANKED_BY_PREFERENTIAL_ATTACHMENT": "ranked by how many ties both have: on this network's history that predicted clearly better than Adamic-Adar, and better than the learned model",
        # records: duplicates, merging, meetings (``api/records.py``: messages and where a tie comes from)
        "MET_AT": "met at {nodes} on {on}",
        "MET_AT_UNDATED": "met at {nodes}",
        "MERGE_SAME_RECORD": "choose two different records to merge",
        "MERGE_KINDS_DIFFER": "only records of the same kind can be merged",
        "MERGE_TIE_MISFITS": "a tie of the record merged away does not fit the record kept; nothing was changed",
        "MEETING_WITHOUT_AREA": "name at least one area the meeting was about",
        "NOT_AN_ATTENDEE": "did not attend this meeting",
        "REGISTRATION_RATE_LIMITED": "too many registrations from this address; try again in {n} {n:minute|minutes}",
        "REGISTRATION_DUPLICATE": "this registration was received already and is waiting for an editor",
        "REGISTRATION_QUEUE_FULL": "too many registrations are waiting for {area} now; please try again later",
        "REGISTRATION_CONSENT_REQUIRED": "without your consent we cannot keep the registration",
        "REGISTRATION_AREA_REQUIRED": "name at least one buurt, wijk or gemeente (neighbourhood, district or municipality)",
        "REGISTRATION_NOT_FOUND": "no registration with that id that you may decide on",
        "WITHDRAWAL_CODE_UNKNOWN": "this withdrawal code is not known: the registration was withdrawn already, or the code differs",
    },
}
# The consent a registrant gives on the self-registration form, by version (domain.registration's
# CONSENT_VERSION): plain words, in both languages. A changed text is a new version; never edit one.
CONSENT: dict[str, dict[str, str]] = {
    "2026-12-v1": {
        "nl": "Ik geef de gemeente toestemming om deze aanmelding te bewaren en te gebruiken om mensen en "
        "organisaties in de buurt met elkaar in contact te brengen. Een redacteur van de gemeente bekijkt de "
        "aanmelding eerst; tot die tijd ziet niemand anders haar. Na goedkeuring ziet alleen wie ik heb gekozen "
        "mijn gegevens. Een aanmelding die niet wordt goedgekeurd, wordt verwijderd. Met mijn intrekcode kan ik "
        "mijn aanmelding altijd intrekken; dan worden mijn gegevens verwijderd.",
        "en": "I allow the municipality to keep this registration and to use it to put people and organisations "
        "in the neighbourhood in touch. An editor of the municipality looks at it first; until then nobody else "
        "sees it. Once approved, only those I chose see my details. A registration that is not approved is "
        "deleted. With my withdrawal code I can always withdraw it; then my details are deleted.",
    },
}
_AND = {"nl": "en", "en": "and"}
_FIELD = re.compile(r"\{(\w+)(?::([^|}]*)\|([^}]*))?\}")


def language_of(accept_language: str | None, default: str = "en") -> str:
    """The first language of an Accept-Language header that graphsvc speaks (``default`` otherwise).

    >>> language_of("nl-NL,nl;q=0.9,en;q=0.8"), language_of("fr, en;q=0.5"), language_of(None)
    ('nl', 'en', 'en')
    """
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return default


def say(reason: Reason, language: str, view: View | None) -> str:
    """The reason as a phrase in ``language``.

    >>> from graphsvc.analysis.reasons import Reason
    >>> say(Reason.of("PROXIMITY_HOPS", hops=1), "nl", None)
    '1 stap van de leden van het initiatief'
    >>> say(Reason.of("PROXIMITY_HOPS", hops=2), "en", None)
    "2 steps from the initiative's members"
    """
    template = CATALOGUE[language][reason.code]

    def fill(match: re.Match) -> str:
        name, one, many = match.groups()
        value = reason.params[name]
        if one is not None:
            return one if value == 1 else many
        return _word(name, value, language, view)

    return _FIELD.sub(fill, template)


def message(code: str, language: str, view: View | None = None, **params: Any) -> str:
    """A message to show a user (a userError's), from the catalogue in ``language``.

    >>> message("REGISTRATION_RATE_LIMITED", "nl", n=1)
    'te veel aanmeldingen vanaf dit adres; probeer het over 1 minuut opnieuw'
    """
    return say(Reason.of(code, **params), language, view)


def sentence(reasons: Sequence[Reason], language: str, view: View) -> str:
    """Several reasons as one sentence, strongest first, joined by semicolons."""
    text = "; ".join(say(r, language, view) for r in reasons)
    return text[:1].upper() + text[1:]


def _word(name: str, value: Any, language: str, view: View | None) -> str:
    if view is None:
        return str(value)
    if name == "themes":
        themes = view.themes
        label = (lambda t: t.label_nl) if language == "nl" else (lambda t: t.label_en)
        return listing([label(themes[k]) if k in themes else k for k in value], language)
    if name == "needs":
        return listing([NEEDS[language].get(k, k) for k in value], language)
    if name in ("area", "other"):
        area = view.areas.get(value)
        return f"{area.name} ({value})" if area else value
    if name == "nodes":
        found = (view.node(k) for k in value)
        return listing([n.name for n in found if n is not None], language)
    if name == "names":
        return listing(value, language)
    if name in ("source", "target"):
        node = view.node(value)
        return value if node is None else f"{node.name} ({node.code})" if isinstance(node, Area) else node.name
    if name == "relation":
        return RELATIONS[language].get(value, value)
    if name == "on":
        return day_in_words(value, language)
    return str(value)


def day_in_words(day: date, language: str) -> str:
    """
    >>> day_in_words(date(2026, 3, 1), "nl"), day_in_words(date(2026, 3, 1), "en")
    ('1 maart 2026', '1 March 2026')
    """
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def listing(words: Iterable[str], language: str) -> str:
    """
    >>> listing(["zorg", "welzijn", "jeugd"], "nl"), listing(["care"], "en"), listing([], "en")
    ('zorg, welzijn en jeugd', 'care', '')
    """
    items = list(words)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_AND[language]} {items[-1]}"
