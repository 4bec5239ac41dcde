"""Diplomatic mentions resolved into the article's events: one meeting reported three times is one event;
two meetings, two accusers, a truce that starts and the same truce collapsing stay two."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

from ...models import Article, Diplomacy
from ...resources import read_csv_rows
from ...text import Caseless
from ..events import is_background
from .acts import EARLIER, diplomatic_mentions, truce_fate
from .dating import context_date, dated_trigger, future_clause, lead_act_date, lead_date, lead_sentences, \
    learn_context, old_year
from .parties import agent, both_sides, learn_names, party_mentions

DIP_ANAPHORA = Caseless(r"\b(?:the|this|that|these|its|their|(?:mon|tues|wednes|thurs|fri|satur|sun)day'?s)\s+(?:[\w-]+\s+){0,2}?(?:meeting|talks|discussion|summit|conference|deal|"
                         r"agreement|resolution|truce|ceasefire|appeal|proposal|plan|visit|call|veto|cessation)\b|"
                         r"\balso attend\b")

# an act the sentence marks as another one than any before ("a separate meeting", "another round of talks");
# "the first meeting between ..." is not an anaphor either, but may still be the meeting already reported
NEW_ACT = re.compile(r"\b(?:another|(?:a|an)\s+(?:[\w-]+\s+)?(?:second|third|separate|new|further|different|later|fresh)|"
                     r"the next)\b[\w\s-]{0,25}$", re.I)
FIRST_ACT = re.compile(r"\bfirst\b[\w\s-]{0,25}$", re.I)


@dataclass
class DiplomacyDraft:
    sentences: list
    event_type: str
    actors: list
    date: Optional[str]
    precision: str
    location: Optional[str]
    status: str
    agent: Optional[str] = None      # who accuses or proposes (the first party before the trigger)
    fate: Optional[str] = None       # a truce's: "start" (agreed, took effect) or "end" (collapsed)
    venue: Optional[str] = None      # the city named right after a meeting's trigger ("talks in London")


# an accusation that refers back to an attack ("condemned this heinous crime", "denounced the massacre")
ATTACK_REFERENCE = Caseless(r"\b(?:this|that|the|these|those)\s+(?:[\w-]+\s+){0,2}?(?:crimes?|massacres?|attacks?|"
                            r"bombing|bombardment|shelling|strikes?|air ?strikes?|raids?|atrocit(?:y|ies)|killings?|offensive|"
                            r"assault|onslaught|campaign)\b")


CONDEMNS = Caseless(r"(?:condemn|denounc|deplor|blam)\w*")
CONDEMNATION_FROM = Caseless(r"(?:condemnation|criticism|censure|rebuke)s?\s+from\b")
DREW_BEFORE = Caseless(r"\b(?:drew|draws|drawn|drawing|prompted|sparked|triggered|provoked|met with|faced)\s+"
                       r"(?:\w+\s+){0,2}$")


@functools.lru_cache(maxsize=1)
def _state_of_actor() -> dict:
    return {row["actor"]: row["party"] for row in read_csv_rows("actor_parties.csv")}


def accused_by_reference(s, trig: int, incidents: list, accuser_after: bool = False) -> Optional[str]:
    """The state behind the attack an accusation refers back to ("The Coalition condemned this heinous
    crime" after the regime's massacre; "The offensive drew condemnation from the United States"): the
    perpetrator of the latest incident told before the sentence, when it is a state's forces; None otherwise."""
    if accuser_after:       # the attack is the subject, the accuser comes after "from"
        if not (CONDEMNATION_FROM.match(s.text, trig) and ATTACK_REFERENCE.match(s.text)
                and DREW_BEFORE.search(s.text, 0, trig)):
            return None
    elif not CONDEMNS.match(s.text, trig):
        return None
    else:
        ref = ATTACK_REFERENCE.search(s.text, trig)
        if ref is None or ref.start() - trig > 40:
            return None
    before = [inc for inc in incidents if inc.spans and inc.spans[0].start < s.span.start]
    if not before:
        return None
    latest = max(before, key=lambda inc: max(sp.start for sp in inc.spans if sp.start < s.span.start))
    return _state_of_actor().get(latest.actor or "")


# a sentence that opens on a person's pronoun carries on with the person the sentence before opened on
PRONOUN_SUBJECT = re.compile(r"\s*(?:He|She)\s+(?:also\s+|later\s+|then\s+|again\s+)?[a-z]+")
SUBJECT_REACH = 40      # characters: a party named this early is the sentence's subject


def subject_party(s, names: dict) -> Optional[str]:
    """The state or body of whoever a sentence opens on ("Kerry, meeting with Mogherini, said ..."), None when
    it opens on no party."""
    return next((p for p, a, _, mil in party_mentions(s, "", names) if not mil and a <= SUBJECT_REACH), None)


MIN_PARTIES = {"meeting": 2, "call": 2, "visit": 2, "accusation": 2, "un_action": 1, "agreement": 1, "proposal": 1}


def venue_of(s, trig: int) -> Optional[str]:
    """The city a meeting is held in, named right after its trigger ("talks in London", "met at Lausanne")."""
    for m in s.places:
        a = m.start - s.span.start
        if m.value.kind in ("venue", "city") and not m.value.in_aleppo_city and trig <= a <= trig + 45 \
                and re.search(r"\b(?:in|at)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:of\s+)?$", s.text[max(0, a - 40):a]):
            return m.value.name
    return None


def _same_event(d: DiplomacyDraft, etype: str, actors: list, agent_: Optional[str], date, explicit: bool,
                anaphoric: bool, earlier: bool, fate: Optional[str] = None, idx: int = -1,
                venue: Optional[str] = None) -> bool:
    """Does a mention refer to the draft event ``d``?"""
    if venue and d.venue and venue != d.venue and etype in ("meeting", "visit"):
        return False                                   # talks in London are not the talks in Lausanne
    if d.event_type != etype:
        # a visit and the meeting it was made for, told in adjacent sentences, are one event ("the first
        # meeting between Egyptian and Syrian security chiefs ... Mamlouk visited Cairo on Sunday"); and a call
        # and what "the ministers discussed" in it
        return {d.event_type, etype} in ({"meeting", "visit"}, {"meeting", "call"}) \
            and (len(set(d.actors) & set(actors)) >= 2 or (etype == "meeting" and d.event_type == "call"
                                                            and bool(actors) and set(actors) <= set(d.actors))) \
            and d.sentences[-1].idx >= idx - 1 and not earlier \
            and (not explicit or d.date is None or d.date == date)
    if etype == "agreement" and fate and d.fate and fate != d.fate:
        return False                                   # the truce that started, and its collapse
    if etype in ("accusation", "proposal") and agent_ and d.agent and agent_ != d.agent:
        return False                                   # another party accuses, proposes
    overlap = set(d.actors) & set(actors)
    if anaphoric and not earlier:
        return True
    same_time = (d.date == date or (d.precision != "day" and bool(date) and date.startswith(d.date))) \
        if (explicit and d.date is not None) else not earlier
    # a meeting still waiting for its other parties takes the first mention that includes its one party
    waiting = len(d.actors) == 1 and etype in ("meeting", "visit", "call")
    return bool(overlap) and same_time and len(overlap) >= min(2, len(actors), 1 if waiting else 2)


def build_diplomacy(sents: list, article: Article, incidents: tuple = ()) -> list:
    if not any(s.dip for s in sents):
        return []                       # no diplomatic trigger anywhere: nothing to learn names or dates for
    published = article.published
    anchor = lead_date(sents)
    names: dict = {}
    context: dict = {}
    subject = None              # the party of the person the sentence before opened on
    drafts: list = []
    for s in sents:
        mentions = diplomatic_mentions(s, names)
        for etype, actors, trig in mentions:
            by_reference = False        # the accused is the state behind the attack the sentence refers to
            named_at = [a for _, a, _, _ in party_mentions(s, etype, names)]
            if etype == "accusation" and len(actors) == 1 and named_at \
                    and (all(a < trig for a in named_at) or all(a > trig for a in named_at)):   # the accuser alone
                accused = accused_by_reference(s, trig, incidents, accuser_after=named_at[0] > trig)
                if accused and accused not in actors:
                    actors, by_reference = actors + [accused], True
            new_act = bool(NEW_ACT.search(s.text[max(0, trig - 40):trig]))
            anaphoric = bool(DIP_ANAPHORA.search(s.text)) and not new_act \
                and not FIRST_ACT.search(s.text[max(0, trig - 40):trig])
            date, precision, explicit = dated_trigger(s, published, trig, etype, anchor)
            who = agent(s, trig, names) if etype in ("accusation", "proposal") else None
            by_pronoun = False          # "He called on Russia to ...": the person the sentence before spoke of
            if who is None and etype in ("accusation", "proposal") and subject and PRONOUN_SUBJECT.match(s.text) \
                    and subject not in actors and actors:
                who, actors, by_pronoun = subject, [subject] + actors, True
            if date is None:
                date, precision = context_date(context, s.idx, etype, actors, who)
            fate = truce_fate(s.text, trig) if etype == "agreement" else None
            # "Earlier Kerry broke off talks ...": another, older meeting than the one reported
            earlier = new_act or bool(EARLIER.search(s.text, max(0, trig - 50), trig + 50))
            target = None
            quoted = s.text.lstrip()[:1] in "\"\u201c" and drafts and drafts[-1].event_type == etype \
                and drafts[-1].sentences[-1].idx >= s.idx - 1
            if quoted:
                target = drafts[-1]     # a quotation that carries on the statement just reported
            venue = venue_of(s, trig) if etype in ("meeting", "visit") else None
            # the meeting a call (or meeting) told in the same sentence planned is another event ("agreed in a
            # phone call to meet in Geneva")
            planned = etype in ("meeting", "visit") and any(k in ("call", "meeting") and a < trig
                                                            for k, _, a in mentions)
            for d in ([] if quoted else reversed(drafts)):
                if planned and s in d.sentences:
                    continue
                if _same_event(d, etype, actors, who, date, explicit, anaphoric, earlier, fate, s.idx, venue):
                    target = d
                    break
            if target is None and etype == "agreement" and anaphoric and not actors:
                actors = next((list(d.actors) for d in reversed(drafts) if d.event_type == etype), actors)
            if target is None:
                # a meeting whose other parties later sentences name ("Syria talks convened by Kerry ...
                # Kerry hosted Lavrov ...") waits for them; it is dropped at the end if they never come
                pending = etype in ("meeting", "visit", "call") and len(actors) == 1 and not s.headline
                if (len(actors) < MIN_PARTIES[etype] and not pending) or is_background(date, published):
                    continue
                if not explicit and etype not in ("accusation", "proposal") and old_year(s, trig, published):
                    continue
                if (etype == "accusation" and not (by_reference or by_pronoun) and not both_sides(s, trig, names)) \
                        or (etype == "proposal" and who is None):
                    continue
                status = "cancelled" if re.search(r"\bcancel+(?:ed|s|ing)?\b|\bcalled off\b|\bpostpon", s.text, re.I) \
                    else ("scheduled" if future_clause(s.text, trig) is not None else "happened")
                location = next((m.value.name for m in s.places if m.value.kind in ("venue", "city")
                                 and not m.value.in_aleppo_city), None)
                drafts.append(DiplomacyDraft([s], etype, actors, date, precision if date else "unknown", location,
                                             status, who, fate, venue))
                continue
            if s not in target.sentences:
                target.sentences.append(s)
            for a in actors:
                if a not in target.actors:
                    target.actors.append(a)
            ahead = explicit and published is not None and date > published.isoformat()
            if explicit and not (ahead and target.status == "happened") and (target.date is None or (
                    target.precision != "day" and precision == "day" and date.startswith(target.date))):
                target.date, target.precision = date, precision
            target.fate = target.fate or fate
            target.venue = target.venue or venue
            if target.location is None:
                target.location = next((m.value.name for m in s.places if m.value.kind == "venue"), None)
        learn_names(s, names)
        subject = subject_party(s, names)
        if not mentions:
            learn_context(s, published, names, context)
    lead = {x.idx for x in sents if x.headline} | {x.idx for x in lead_sentences(sents)}
    for d in drafts:
        if d.date is None and d.status != "scheduled":   # an act told undated in the headline or lead: the news
            d.date = lead_act_date(d.sentences[0], lead, anchor, published)
            d.precision = "day" if d.date else d.precision
    return [Diplomacy(article_id=article.id, event_date=d.date, date_precision=d.precision, event_type=d.event_type,
                      actors=d.actors, location=d.location, status=d.status, spans=[s.span for s in d.sentences])
            for d in drafts if len(d.actors) >= MIN_PARTIES[d.event_type]]
