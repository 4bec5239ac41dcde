"""Stage 7, events: incident mentions resolved into the article's incidents (one attack reported in
several sentences is one incident; figures from each sentence become claims)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional

from ..gazetteer import Place
from ..models import Article, Incident
from ..text import Caseless
from .mentions import (aggregate_only_describes, claim_of, claim_priority, event_type_of, is_incident_candidate,
                       perpetrator, source_of)
from .places import infer_side, side_of
from .scan import Sentence
from .totals import fold_same_toll, fold_totals


BACKGROUND_DAYS = 31


IMPLAUSIBLE_TOLL = 3000          # more dead than any single attack of the war: kept, flagged, not summed unchecked


SAME_PLACE = Caseless(r"\bthe same (?:neighbou?rhood|area|district|town|village|city|street|road)\b")


ANAPHORA = Caseless(r"\b(?:the|this|that|these|those|same)\s+(?:(?!other\b|second\b|third\b)\w+\s+)?(?:attacks?|strikes?|air ?strikes?|raids?|bombing|"
                     r"bombardment|shelling|assault|massacre|explosion|blast|toll|death toll|incident|deaths|sorties|jets|"
                     r"warplanes|planes|aircraft|helicopters)\b|"
                     r"\bthe same (?:neighbou?rhood|area|district|town|village)\b|\bin all\b|\bthe victims\b")


CAME_AFTER = Caseless(r"\b(?:came|comes|come)\s+(?:just\s+|only\s+)?(?:(?P<n>a few|several|a|one|two|three|\w+)\s+"
                      r"(?:days?|hours?)\s+)?"
                       r"(?:after|in the wake of|following)\b|\bin the wake of\b|\b(?P<n2>a|one|two|three) days? after\b")


# "another seven people ... were killed in raids on ...": other dead, of another attack
_ANOTHER_TOLL = (r"\banother (?:\d+|two|three|four|five|six|seven|eight|nine|ten) (?:persons|people|civilians|"
                 r"children)\b[^.;]{0,60}?\b(?:killed|died) (?:in|when|as|by)\b")
ANOTHER_TOLL = Caseless(_ANOTHER_TOLL)
ANOTHER = Caseless(r"\b(?:another|(?:a\s+)?separate|the\s+(?:other|second|third))\s+(?:[\w-]+\s+)?(?:attacks?|strikes?|air ?strikes?|raids?|"
                   r"bombings?|incidents?|massacres?|explosions?|blasts?|shells?|barrels?|car bombs?|bombs?|assaults?|"
                   r"shooting|clashes)\b|\b(?:separately|elsewhere|meanwhile|in another)\b|^\s*later\b|"
                   r"\blater\s+(?:\w+\s+)?(?:struck|hit|bombed|shelled|targeted|attacked|fired|exploded|detonated)\b|"
                    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten) other (?:persons|people|civilians)\b|"
                    # "five more people were killed in a barrel bomb attack on ...": another attack's dead
                    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|another \w+) more (?:persons|people|"
                    r"civilians|children)? ?(?:were |have been )?(?:killed|died) (?:in|when|as|by)\b|"
                    + _ANOTHER_TOLL + r"|"
                    r"\bkill(?:ed|ing|s)? (?:at least )?(?:\d+|two|three|four|five|six|seven|eight|nine|ten) more "
                    r"(?:persons|people|civilians|children) (?:in|at|near)\b")


# a sentence told right after an attack with only these figures ("three children were among the dead") joins it
FIGURE_FIELDS = ("killed", "injured", "children_killed", "women_killed")
SMALL_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# the words that end the clause before an attack dated by the one told before it: "..., just a day after"
DAYS_AFTER_AT_END = re.compile(r"\b(?P<n>a|one|two|three|four|five)\s+(?P<unit>days?|weeks?)\s+after\s*$", re.I)


@dataclass(eq=False)
class IncidentDraft:
    sentences: list
    event_type: str
    strong: bool
    date: Optional[str]
    precision: str
    date_explicit: bool
    place: Optional[Place]
    side: Optional[str]
    side_rank: int
    actor: Optional[str]
    actor_strength: int
    claims: list = field(default_factory=list)
    trace: list = field(default_factory=list)       # why mentions were folded into this incident or split off


# "a monitoring group said Saturday": the day of the saying, the attack's only when the sentence gives no other
SAID_BEFORE_DATE = Caseless(r"\b(?:said|says|told|reported|announced|added|stated)\s+(?:\w+\s+){0,2}?(?:on\s+)?$")


# "divided since July 2012", "until Friday": a period's bound, not the day of an event
PERIOD_BOUND = Caseless(r"(?:since|until|till|before)\b")
PERIOD_BOUND_BEFORE = Caseless(r"\b(?:since|until|till)\s+$")
# "UNICEF on Tuesday condemned weekend raids": the day of the statement
SAID_AFTER_DATE = Caseless(r"\s+(?:said|says|told|reported|announced|condemned|denounced|accused|blamed|warned)\b")


def _date_of(s: Sentence, published) -> tuple:
    """(date, precision, explicit) of the first usable date in a sentence, a date of saying only failing others."""
    usable = [m for m in s.dates if m.value[0] is not None and not PERIOD_BOUND.match(m.surface)
              and not PERIOD_BOUND_BEFORE.search(s.text, max(0, m.start - s.span.start - 8), m.start - s.span.start)]
    own = [m for m in usable
           if not SAID_BEFORE_DATE.search(s.text, max(0, m.start - s.span.start - 40), m.start - s.span.start)
           and not SAID_AFTER_DATE.match(s.text, m.end - s.span.start)]
    for m in own:
        return m.value[0], m.value[1], True
    for m in usable:           # only the day of saying: the attack's at the latest, a weaker claim than its own
        return m.value[0], m.value[1], False
    return None, "unknown", False


def is_background(date: Optional[str], published: Optional[dt.date]) -> bool:
    if not date or published is None:
        return False
    try:
        day = dt.date.fromisoformat(date if len(date) == 10 else date + "-28")
    except ValueError:
        return False
    return (published - day).days > BACKGROUND_DAYS


def is_breakdown_part(inc: IncidentDraft, s: Sentence) -> bool:
    """Does the sentence tell a part of the incident's toll ("9 were killed in A", after "13 killed in A, B, C
    and D"): a smaller toll, not a revision, at fewer precise places than the incident's?"""
    own = [f.value for f in s.figures if f.field == "killed" and f.value is not None and not f.revised]
    if not own:
        return False
    totals = [c.killed for _, c in inc.claims if c.killed is not None]
    here = {m.value.place_id for m in s.places if m.value.precision <= 2}
    before = {m.value.place_id for x in inc.sentences for m in x.places if m.value.precision <= 2}
    return bool(totals) and max(own) < max(totals) and bool(here) and here != before and len(here) < len(before)


# "the village of Tokhar near Manbij", "a school in al-Furqan": a place told by the place it lies in or near
WITHIN_PLACE = Caseless(r"\b(?:near|outside|in|of|close to|part of|(?:east|west|north|south)\w* of|on the outskirts of|"
                        r"in the countryside of)\s+(?:the\s+)?(?:(?:city|town|village|district|neighbou?rhood)\s+of\s+)?$")
ALSO = Caseless(r"\b(?:also|another|separately|meanwhile|elsewhere)\b")


def _placed_by_its_place(inc: IncidentDraft, s: Sentence) -> bool:
    """Does the sentence place its attack by the place of the attack just told ("Tokhar near Manbij")?"""
    if inc.place is None or ALSO.search(s.text):
        return False
    return any(m.value.place_id == inc.place.place_id
               and WITHIN_PLACE.search(s.text, max(0, m.start - s.span.start - 40), m.start - s.span.start)
               for m in s.places)


def _compatible(inc: IncidentDraft, s: Sentence, place, side, date, explicit, etype, strong,
                actor=None, actor_strength=0, side_rank=0) -> bool:
    if ANOTHER.search(s.text):
        return False
    if place is not None and ALSO_STRUCK.search(s.text) and not BACK_REFERENCE.match(s.text) \
            and (inc.place is None or (place.place_id != inc.place.place_id and not place.contains(inc.place))):
        return False                   # "the terrorists also fired shells on X": the attackers' next target
    if is_breakdown_part(inc, s):
        return False
    if any(o.idx == s.idx and o.clause != s.clause for o in inc.sentences):
        return False                   # two attacks the sentence itself tells apart
    here, there = _local_of([s]), _local_of(inc.sentences)
    if here and there and here != there and (place is None or place.precision > 2) \
            and (inc.place is None or inc.place.precision > 2):
        return False                   # two villages the gazetteer does not know: two attacks
    own, toll = _own_toll(s), _toll_of(inc)
    if own and toll and own < toll:
        precise = (here and here != there) or (place is not None and place.precision <= 2 and (
            inc.place is None or inc.place.place_id != place.place_id))
        if precise and (inc.place is None or inc.place.precision > 2) and _over_several_places(inc) \
                and not AMONG_THE_DEAD.search(s.text):
            return False               # "20 killed in five villages ... nine in Balyoun": a part of the total
    two_places = place is not None and inc.place is not None and place.place_id != inc.place.place_id
    names_its_place = two_places and _placed_by_its_place(inc, s)
    if two_places and place.kind == inc.place.kind and place.kind in ("governorate", "town", "neighbourhood", "site") \
            and side_rank <= 2 and inc.side_rank <= 2 and not names_its_place:
        return False                   # two places of the same rank: two attacks
    if place is not None and inc.place is not None and place.governorate and inc.place.governorate \
            and place.governorate != inc.place.governorate:
        return False                   # two governorates: two attacks
    if actor and inc.actor and actor != inc.actor and actor_strength >= 3 and inc.actor_strength >= 3 \
            and {actor, inc.actor} != {"government", "russia"} \
            and not (etype == inc.event_type == "clashes" and any(a == inc.actor for a, _, _ in s.actors)):
        return False                   # two attackers; a battle told from each side is one battle
    if actor in GROUND_ONLY and actor_strength >= 3 and inc.actor is None \
            and any(REGIME_WEAPON.search(x.text) for x in inc.sentences):
        return False                   # "rebel shelling killed ..." after a barrel bomb: the regime's weapon
    if explicit and inc.date_explicit and date != inc.date and not (
            date and inc.date and (date.startswith(inc.date) or inc.date.startswith(date))):
        return False                   # a month ("earlier this week") fits any day of it
    if side and inc.side and side != inc.side and "city" not in (side, inc.side):
        return False
    if {side, inc.side} == {"city", "outside"}:
        return False
    if two_places and place.precision <= 2 and inc.place.precision <= 2 and not names_its_place:
        return False
    if strong and inc.strong and etype != inc.event_type and (place is not None or explicit) and (
            {etype, inc.event_type} != {"airstrike", "bombing"}
            or any(GROUND_BOMB.search(x.text) for x in [s, *inc.sentences])):
        return False                   # "bombing" is often the air war's, never a suicide bomber's
    if {etype, inc.event_type} == {"airstrike", "clashes"} and (
            (place is not None and any(f.field == "killed" and f.value for f in s.figures))
            or (etype == "clashes" and explicit and GROUND_FIGHT.search(s.text))):
        return False                   # a ground advance, then "warplanes raided X killing 70": two events
    return True


def build_incidents(sents: list, article: Article) -> list:
    published = article.published
    about_aleppo = "aleppo" in (article.text[:3000] + " " + article.title).lower()
    drafts: list = []
    date_context: Optional[tuple] = None
    # a report that dates nothing at all (a monitor's daily round-up) tells the day it was published
    undated_report = not any(d.value[0] and d.value[1] == "day" for x in sents for d in x.dates)
    dated_by_type: dict = {}            # event type -> the last dated attack of that type (date, precision, sentence)
    told_before: dict = {}              # a mention's text -> the incident it opened
    headline = None
    aggregate_at = None                 # the last sentence of a running period total ("since July 31 ...")
    for s in sents:
        if s.headline:
            headline = s
            continue
        date, precision, explicit = _date_of(s, published)
        last = _latest(drafts)          # the attack told most recently (a caption may have opened another since)
        if "aggregate" in s.cues:
            aggregate_at = s.idx
        elif aggregate_at is not None and s.idx == aggregate_at + 1 and continues_total(s, explicit):
            aggregate_at = s.idx        # "The strikes have killed 122", "Another 327 have been killed": the same count
            continue
        low = s.text.lower()
        came_after = CAME_AFTER.search(s.text) if ("after" in low or "wake" in low or "following" in low) else None
        if came_after and drafts and last.date and last.precision == "day":
            # "The deaths came a day after five children were killed ...": the clause after is the earlier event
            n = came_after.group("n") or came_after.group("n2")
            after_dates = [d for d in s.dates if d.start - s.span.start > came_after.start() and d.value[0]]
            if after_dates:
                date, precision, explicit = after_dates[0].value[0], after_dates[0].value[1], True
            elif n and n.lower() in SMALL_NUMBERS and "day" in came_after.group(0).lower():
                base = dt.date.fromisoformat(last.date)
                date = (base - dt.timedelta(days=SMALL_NUMBERS[n.lower()])).isoformat()
                precision, explicit = "day", True
        if s.clause and s.sentence_span is not None and not explicit and drafts and last.date \
                and last.precision == "day":
            # "children were killed on Thursday, just a day after air strikes on a school in Idlib": the clause
            # after "a day after" is the attack of the day before
            lead_in = s.sentence_span.text[:s.span.start - s.sentence_span.start]
            before = DAYS_AFTER_AT_END.search(lead_in)
            if before and before.group("n").lower() in SMALL_NUMBERS:
                days = SMALL_NUMBERS[before.group("n").lower()] * (7 if before.group("unit").lower().startswith("week")
                                                                     else 1)
                date = (dt.date.fromisoformat(last.date) - dt.timedelta(days=days)).isoformat()
                precision, explicit = "day", True
        claimed = CLAIMED.search(s.text) if ("claim" in low or "responsib" in low or "credit" in low) else None
        if claimed and explicit and all(d.end - s.span.start <= claimed.start() for d in s.dates if d.value[0]):
            date, precision, explicit = None, "unknown", False     # "IS on Monday claimed ...": the claim's day
        if claimed and drafts and s.idx - last.sentences[-1].idx <= 3:
            # "IS claimed responsibility for the suicide attack": the attack just told, and who did it
            inc = last
            inc.sentences.append(s)
            actor, _ = perpetrator(s)
            named = [a for a, x, _ in s.actors if x < claimed.start()]
            if named:
                inc.actor, inc.actor_strength = named[-1], 5
            inc.trace.append(f"sentence {s.idx}: a claim of responsibility for the attack just told")
            continue
        candidate = is_incident_candidate(s) or (s.head is not None and is_incident_candidate(s.head))
        if explicit and (candidate or s.kill_words):
            date_context = (date, precision, s.idx)
            if not came_after:          # the earlier event a "came after" clause tells is not this kind's day
                dated_by_type[event_type_of(s)[0]] = date_context
        if not candidate:
            # a sentence that refers back to the last attack ("the toll rose to ...") joins it as evidence
            follows = drafts and s.idx - last.sentences[-1].idx <= 2
            another = ANOTHER.search(s.text) is not None
            figure_only = any(f.field in FIGURE_FIELDS for f in s.figures) and not s.places \
                and not s.dip and not another \
                and not any(f.value and f.value > IMPLAUSIBLE_TOLL for f in s.figures)   # a war's toll, told in passing
            revised = any(f.revised for f in s.figures)      # "the toll rose to eight on Tuesday": a reporting day
            placed_dead = follows and last.place is None and s.places and VICTIMS_REF.search(s.text)
            if follows and (BACK_REFERENCE.match(s.text) or placed_dead) and not another \
                    and "aggregate" not in s.cues:
                # "The killings took place in Rityan, which the army entered on Tuesday": where and when
                inc = last
                place, side, side_rank = side_of(s, about_aleppo)
                _merge(inc, s, place, side, side_rank, date, precision, explicit, inc.event_type, False, None, 0)
                inc.sentences.append(s)
                inc.trace.append(f"sentence {s.idx} refers back to the attack just told")
                _add_claim(inc, s)
                continue
            inc = _told_about(s, drafts) if follows else None
            if inc is not None and (ANAPHORA.search(s.text) or figure_only) \
                    and (not explicit or revised) and "aggregate" not in s.cues and "threat" not in s.cues:
                inc.sentences.append(s)
                actor, actor_strength = perpetrator(s)
                if actor_strength >= 4 and actor_strength > inc.actor_strength:
                    inc.actor, inc.actor_strength = actor, actor_strength     # "identified the jets as Russian"
                    inc.trace.append(f"sentence {s.idx} names the attacker")
                _add_claim(inc, s)
            continue
        if is_background(date, published) or (not explicit and told_as_history(s.text, published)
                                               and not aggregate_only_describes(s)):
            continue
        place, side, side_rank = side_of(s, about_aleppo)
        if side is None and drafts and SAME_PLACE.search(s.text):
            place, side, side_rank = last.place, last.side, last.side_rank
        etype, strong = event_type_of(s)
        actor, actor_strength = perpetrator(s)
        if s.head is not None:          # a later attack of the same sentence: the weapon or attacker it leaves out
            if etype == "other":
                etype, strong = event_type_of(s.head)
            if actor_strength == 0:
                actor, actor_strength = perpetrator(s.head)
        target = None
        anaphoric = bool(ANAPHORA.search(s.text)) and not came_after
        repeated = told_before.get(" ".join(s.text.lower().split()))
        if repeated is not None and repeated in drafts:
            target = repeated        # the same sentence printed twice (a repeated lead): the same attack
            target.trace.append(f"sentence {s.idx} repeats sentence {repeated.sentences[0].idx}")
        back = BACK_REFERENCE.match(s.text) if target is None else None
        if target is None and back and drafts and not came_after and not ANOTHER.search(s.text) \
                and s.idx - last.sentences[-1].idx <= 2 \
                and (not explicit or not last.date_explicit or _days_apart(date, last.date) <= 1) \
                and (last.event_type == etype or "other" in (etype, last.event_type)
                     or not (strong and last.strong)
                     or (place is not None and last.place is not None and place.governorate
                         and place.governorate == last.place.governorate)):
            # "The blast hit buses in ...": the attack just told, now placed more precisely; "The Tuesday raids
            # killed 27" told after Wednesday's attack: the attack of the day it names
            target = _of_the_day(drafts, date) if explicit and date != last.date else None
            if target is not None:
                target.trace.append(f"sentence {s.idx} opens on '{back.group(0).strip()}' and names its day: "
                                    f"the attack of {date}")
            else:
                target = last
                target.trace.append(f"sentence {s.idx} opens on '{back.group(0).strip()}': the attack just told")
        if target is None and drafts and _revises_last_toll(s, last, place, side):
            target = last
            target.trace.append(f"sentence {s.idx} revises the toll of the attack just told")
        recent = sorted(drafts, key=_last_told, reverse=True)[:2]
        for inc in ([] if target is not None else recent):      # the attacks told most recently first
            near = s.idx - inc.sentences[-1].idx <= (4 if anaphoric else 3)
            # "the attack left 50 dead, charging they took orders from the coalition": a party the sentence
            # names about an attack it refers back to is no rival attacker
            if near and _compatible(inc, s, place, side, date, explicit, etype, strong,
                                    None if anaphoric else actor, actor_strength, side_rank) \
                    and not came_after:
                if side is None and place is None and not explicit and not anaphoric and inc is not recent[0]:
                    continue
                target = inc
                break
        if target is None and anaphoric and not explicit and drafts and not ANOTHER.search(s.text):
            # "blood for the victims of the terrorist bombing", "the other fatalities of the bombing were escorts",
            # told long after it: that attack again (its figures another claim), when nothing places it elsewhere
            told = max((f.value for f in s.figures if f.field == "killed" and f.value), default=0)
            target = next((d for d in reversed(drafts) if (d.event_type == etype or not strong)
                           and (not told or _toll_of(d) is None or told <= _toll_of(d))   # never a larger count
                           and (place is None or d.place is None or d.place.place_id == place.place_id
                                or place.contains(d.place)          # "the deadly strikes on Aleppo"
                                or (not s.figures and (d.place is None or (
                                    _placed_by_its_place(d, s) and d.place.precision <= place.precision))))), None)
            if target is not None:
                target.trace.append(f"sentence {s.idx} names the attack again: no new attack")
        if target is None:
            head_draft = next((d for d in reversed(drafts) if s.head is not None and s.head in d.sentences), None)
            if not explicit and head_draft is not None and head_draft.date:
                date, precision = head_draft.date, head_draft.precision   # the day of the sentence's first attack
            elif not explicit:
                # an undated attack takes the day of the attack reported just before it; the lead of a report,
                # and every attack of a report that dates nothing at all, happened on the day of publication;
                # later ones stay undated
                context = dated_by_type.get(etype) or date_context     # the last dated attack of its kind first
                if context and s.idx - context[2] <= DATE_CONTEXT_SENTENCES \
                        and not is_background(context[0], published):
                    date, precision = context[0], context[1]
                elif published is not None and (not drafts or undated_report):
                    date, precision = published.isoformat(), "day"
            target = IncidentDraft([], etype, strong, date, precision, explicit, place, side, side_rank,
                                   actor, actor_strength)
            drafts.append(target)
            told_before.setdefault(" ".join(s.text.lower().split()), target)
        else:
            _merge(target, s, place, side, side_rank, date, precision, explicit, etype, strong, actor, actor_strength)
        target.sentences.append(s) if s not in target.sentences else None
        _add_claim(target, s, war_toll_check=s is not target.sentences[0])
    if headline is not None and is_incident_candidate(headline):
        _attach_headline(headline, drafts, published, about_aleppo)
    elif headline is not None and drafts and any(tr[1] == "strong" for tr in headline.triggers) \
            and not any(k in headline.cues for k in ("aggregate", "not_an_attack", "threat", "denial")):
        # "Bus Bombing Marks End to Evacuation Deal": no place or toll of its own, but it names the attack
        _attach_headline(headline, drafts, published, about_aleppo, alone=False)
    borrow_context(drafts)
    drafts = fold_totals(fold_same_toll([d for d in drafts if not is_background(d.date, published)],
                                            another=lambda d: ANOTHER_TOLL.search(d.sentences[0].text) is not None))
    return [_finish(d, article) for d in drafts]


# a sentence that opens on the attack just told ("The blast hit ...", "The strikes also killed ...")
BACK_REFERENCE = Caseless(r"\s*(?:the|this|that|these|those|(?:mon|tues|wednes|thurs|fri|satur|sun)day(?:'s|s|\u2019s)?)\s+(?:(?!other\b|second\b|third\b)\w+\s+)?(?:attacks?|strikes?|air ?strikes?|raids?|"
                          r"bombing|bombardment|shelling|blast|explosion|car bomb|bomb|massacre|assault|killings?|"
                          r"executions?)"
                          r"(?:\s+(?:on|in|at|against|near)\s[^,.;]{1,80}?)?\s+"
                          r"(?:also\s+|reportedly\s+)?(?:hit|struck|targeted|killed|wounded|injured|left|destroyed|"
                          r"took place|happened|occurred|was|were|tore|(?:comes|came) (?:on|as|amid|during|at))\b")
# a bomb set off on the ground, not dropped from the air
GROUND_BOMB = Caseless(r"\b(?:suicide|car bombs?|truck bombs?|bomb-laden|booby-trapped|improvised explosive|ieds?|landmines?|"
                       r"land mines?|bomber)\b")
# forces fighting on the ground: "government forces repelled an assault", "rebels advanced on"
GROUND_FIGHT = Caseless(r"\b(?:forces|troops|fighters|rebels|insurgents|militants|army|soldiers)\s+(?:\w+\s+){0,3}?"
                        r"(?:repelled|advanced|seized|captured|recaptured|stormed|retreated|clashed|attacked|pushed)\b")
# the attackers just told struck again: "terrorists also fired rocket shells on ...", "warplanes also raided ..."
ALSO_STRUCK = Caseless(r"\balso\s+(?:\w+\s+)?(?:fired|shelled|struck|hit|targeted|bombed|attacked|raided|pounded|"
                       r"launched|stormed|shot|carried out|conducted|dropped)\b")
# a group claiming the attack just told: its perpetrator, not another attack
CLAIMED = Caseless(r"\b(?:claim(?:ed|s|ing)?|took|takes|accepted|admitted)\s+(?:responsibility|credit)\s+for\b|"
                   r"\bclaim(?:ed|s)?\s+(?:the|that|this)\s+(?:\w+\s+)?(?:attack|bombing|blast|explosion|strike|"
                   r"assault|shooting)\b")
# a past year named in passing ("the 2013 Ghouta attack", "Russia's intervention in 2015"): history, not news
HISTORY_YEAR = re.compile(r"\b(?:in|since|during|of|from|until|the|early|late|mid)[\s-]+(?:[A-Za-z]+[\s-]+)?((?:19|20)\d\d)\b", re.I)
# the text itself says the attacker is unknown: no perpetrator is inferred from the weapon and the side
UNKNOWN_ATTACKER = Caseless(r"\b(?:unidentified|unknown|unmarked|unclear whose)\s+(?:\w+\s+)?(?:aircraft|warplanes?|"
                            r"jets?|planes?|drones?|helicopters?|gunmen|assailants|attackers|militants|group)\b|"
                            r"\bit (?:was|is) (?:not |un)clear (?:whose|who|which)\b")


# the victims of the attack just told, in a sentence that says where they were ("the dead ... at a transit point in X")
VICTIMS_REF = Caseless(r"\b(?:the dead|those killed|the victims|the wounded|the injured|the casualties|the buses|"
                       r"the convoy|the site)\b")
# a toll counted over a period goes on in the next sentence: a present perfect, "another N", "the toll includes"
RUNNING_TOTAL = Caseless(r"\b(?:ha(?:s|ve) (?:also )?(?:been )?(?:killed|died|claimed|left)|another \d[\d,]*|"
                         r"another (?:\w+ )?(?:hundred|thousand)|the (?:death )?toll (?:also )?includes?)\b")


def continues_total(s: Sentence, explicit: bool) -> bool:
    """Does a sentence told right after a period total ("strikes have intensified since July 31") go on counting
    it: no day of its own, no precise place, a toll told as a running count."""
    return not explicit and any(f.field == "killed" and f.value for f in s.figures) \
        and not any(m.value.precision <= 2 for m in s.places) and bool(RUNNING_TOTAL.search(s.text))


# a toll told over several places: "the attacks hit five villages", "across the province", "in several districts"
SEVERAL_PLACES = Caseless(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|various|multiple|a number of)"
                          r"\s+(?:\w+\s+)?(?:villages|towns|neighbou?rhoods|districts|areas|locations|cities|"
                          r"provinces)\b|\bacross (?:the|\w+)\b")


# the sentence counts a subset of the toll just told: "among the dead were seven people killed at a market"
AMONG_THE_DEAD = Caseless(r"\bamong (?:the|those) (?:dead|killed|victims|fatalities)\b|\bof (?:them|whom)\b|"
                          r"\bof the (?:dead|killed|victims)\b")


def _over_several_places(inc: IncidentDraft) -> bool:
    """Does the incident's toll cover several places: a sentence of it names two precise places, or a number
    of villages, districts ...?"""
    return any(len({m.value.place_id for m in x.places if m.value.precision <= 2}) >= 2 or SEVERAL_PLACES.search(x.text)
               for x in inc.sentences)


def _own_toll(s: Sentence) -> Optional[int]:
    """The largest exact death toll a sentence states itself, None if none."""
    return max((f.value for f in s.figures if f.field == "killed" and f.value and f.qualifier != "vague"),
               default=None)


def _toll_of(d: IncidentDraft) -> Optional[int]:
    """The largest death toll any claim of a draft gives, None if none does."""
    return max((c.killed for _, c in d.claims if c.killed is not None), default=None)


def _told_about(s: Sentence, drafts: list) -> Optional[IncidentDraft]:
    """The attack a follow-up sentence ("the toll in al-Marja rose to 32") is about: the latest of the last
    attacks told that sits at the place it names, else the last one unless that one sits elsewhere."""
    here = {m.value.place_id for m in s.places if m.value.precision <= 2}
    recent = [d for d in drafts if s.idx - d.sentences[-1].idx <= 2]
    last = _latest(drafts)
    if here:
        same = [d for d in recent if d.place is not None and d.place.place_id in here]
        if same:
            return same[-1]
        return None if last.place is not None and last.place.precision <= 2 else last
    return last


def _of_the_day(drafts: list, date: Optional[str]) -> Optional[IncidentDraft]:
    """The attack told most recently whose day is ``date`` (a day, told as such), None if none is."""
    if not date or len(date) != 10:
        return None
    return next((d for d in reversed(drafts) if d.date == date and d.precision == "day" and d.date_explicit), None)


def _latest(drafts: list) -> Optional[IncidentDraft]:
    """The draft whose attack was told most recently (the last created, unless an earlier one was told since)."""
    return max(reversed(drafts), key=_last_told, default=None)


def _last_told(d: IncidentDraft) -> int:
    """The last sentence a draft was told in: while the sentences are read, each joins a draft in text order,
    so its last sentence is its latest."""
    return d.sentences[-1].idx


def _revises_last_toll(s: Sentence, last: IncidentDraft, place, side) -> bool:
    """"Meanwhile, a TV channel said the death toll in eastern Aleppo has risen to over 50": a revised toll with
    no weapon of its own, no more precise place and no other side than the attack just told is that attack's."""
    if not any(f.revised and f.field == "killed" for f in s.figures) or any(tr[1] == "strong" for tr in s.triggers):
        return False
    if s.idx - last.sentences[-1].idx > 2 or "aggregate" in s.cues:
        return False
    same_side = side is None or last.side is None or side == last.side or "city" in (side, last.side)
    vague_place = place is None or place.precision > 2 or (last.place is not None and place.place_id == last.place.place_id)
    return same_side and vague_place


def _days_apart(a: Optional[str], b: Optional[str]) -> int:
    """Days between two ISO dates (a month holds any of its days: 0); a large number when either is unknown."""
    if a and b and (len(a) < 10 or len(b) < 10) and (a.startswith(b) or b.startswith(a)):
        return 0
    try:
        return abs((dt.date.fromisoformat(a[:10] if len(a) >= 10 else a + "-01")
                    - dt.date.fromisoformat(b[:10] if len(b) >= 10 else b + "-01")).days)
    except (TypeError, ValueError):
        return 10 ** 6


def told_as_history(text: str, published) -> bool:
    """Does the sentence place what it tells in a year before the article's (and name no day)?"""
    if published is None or ("19" not in text and "20" not in text):
        return False
    return any(int(m.group(1)) < published.year for m in HISTORY_YEAR.finditer(text))


DATE_CONTEXT_SENTENCES = 12  # an undated attack takes the day of the last dated one told at most this far before


def borrow_context(drafts: list) -> None:
    """An incident stated without a weapon ("71 civilians killed in opposition-held areas on Tuesday") takes
    the type and perpetrator of the nearest incident on the same side of the same article; one that refers
    back to the attacks just told ("the sorties also killed 10 in ...") takes their named perpetrator."""
    for i, d in enumerate(drafts):
        first = d.sentences[0]
        if d.actor is None and first.head is not None:
            head = next((o for o in drafts[:i] if first.head in o.sentences), None)
            if head is not None and head.actor is not None and (d.side == head.side or None in (d.side, head.side)):
                d.actor, d.actor_strength = head.actor, 1      # the attacker of the sentence's first attack
        if d.actor is None and i > 0 and ANAPHORA.search(first.text):
            before = drafts[i - 1]
            if before.actor is not None and first.idx - before.sentences[-1].idx <= 2:
                d.actor, d.actor_strength = before.actor, 1
    for d in drafts:
        if d.event_type != "other" or d.side is None:
            continue
        here = d.sentences[0].idx
        sides = {"east", "west", "city"} if d.side == "city" else {d.side}
        same_side = [o for o in drafts if o is not d and o.side in sides and o.event_type != "other"]
        if same_side:
            o = min(same_side, key=lambda o: abs(o.sentences[0].idx - here))
            d.event_type = o.event_type
            if d.actor is None:
                d.actor, d.actor_strength = o.actor, 1


def _attach_headline(h: Sentence, drafts: list, published, about_aleppo: bool, alone: bool = True) -> None:
    """A headline summarises the article's main attack: it joins the first incident of the same kind
    (whatever place it names, often the district of the body's village), or stands alone (``alone``)."""
    etype, strong = event_type_of(h)
    actor, actor_strength = perpetrator(h)
    place, side, side_rank = side_of(h, about_aleppo)
    for d in drafts:
        same_type = etype == d.event_type or not strong or not d.strong
        same_actor = actor is None or d.actor is None or actor == d.actor
        same_side = side is None or d.side is None or side == d.side or "city" in (side, d.side) \
            or (d.place is not None and place is not None and d.place.governorate == place.governorate)
        if same_type and same_actor and same_side:
            named = {m.value.place_id for m in h.places if m.value.kind != "country"}
            if side and (d.side in (None, "city")) and side != "city" and len(named) <= 1:
                d.side, d.place, d.side_rank = side, place or d.place, side_rank
            d.sentences.insert(0, h)
            c = claim_of(h, source_of(h))
            if c:
                d.claims.insert(0, (0, c))
            return
    if not alone:
        return
    date, precision, explicit = _date_of(h, published)
    if not explicit and published is not None:
        date, precision = published.isoformat(), "day"
    d = IncidentDraft([h], etype, strong, date, precision, explicit, place, side, side_rank, actor, actor_strength)
    c = claim_of(h, source_of(h))
    if c:
        d.claims.append((0, c))
    drafts.insert(0, d)


def _add_claim(inc: IncidentDraft, s: Sentence, war_toll_check: bool = False) -> None:
    """The sentence's figures as a claim on the attack ``inc`` (from its own source, else the attack's last);
    with ``war_toll_check``, a toll no single attack reaches is the war's, told in passing, not a claim."""
    c = claim_of(s, source_of(s) or _last_source(inc))
    if c and war_toll_check and c.killed and c.killed > IMPLAUSIBLE_TOLL:
        inc.trace.append(f"sentence {s.idx}: a toll of {c.killed} is no claim on this attack")
        return
    if c:
        inc.claims.append((claim_priority(s, c), c))


def _last_source(inc: IncidentDraft) -> Optional[str]:
    for _, c in reversed(inc.claims):
        if c.source:
            return c.source
    for s in reversed(inc.sentences):
        if s.sources:
            return s.sources[0][0]
    return None


def _merge(inc, s, place, side, side_rank, date, precision, explicit, etype, strong, actor, actor_strength):
    if place is not None and (inc.place is None or side_rank < inc.side_rank):
        inc.place, inc.side_rank = place, side_rank
        inc.side = side or inc.side
    if inc.side is None and side:
        inc.side, inc.side_rank = side, side_rank
    if explicit and not inc.date_explicit and not (precision != "day" and inc.precision == "day" and inc.date
                                                   and date and inc.date.startswith(date)):
        inc.date, inc.precision, inc.date_explicit = date, precision, True     # (a month never hides its day)
    elif explicit and date and inc.date and inc.precision != "day" and precision == "day" \
            and date.startswith(inc.date):
        inc.date, inc.precision = date, precision       # "earlier this week", then "on Tuesday": the day
    if strong and not inc.strong:
        inc.event_type, inc.strong = etype, True
    elif inc.event_type in ("other", "clashes") and etype not in ("other", "clashes"):
        inc.event_type = etype
    if actor_strength > inc.actor_strength:
        inc.actor, inc.actor_strength = actor, actor_strength


UNCLAIMED = Caseless(r"\bno (?:immediate |one |group )?(?:claim(?:ed)? (?:of |for )?responsibility|one (?:has )?claimed|"
                     r"group (?:has )?claimed)|\bnot (?:yet )?been claimed|\bunclaimed\b|\bno one (?:has )?claimed\b")
# a weapon only one party used: the regime's barrel bombs
REGIME_WEAPON = Caseless(r"\bbarrel[- ]bomb\w*|\bexplosive[- ]barrels?\b|\bbarrels? (?:packed|filled|laden) with\b")
# the parties of this war with aircraft: the rebels, IS and the Kurdish forces had none
AIR_POWERS = {"government", "russia", "coalition", "turkey"}
GROUND_ONLY = {"rebels", "isis", "kurdish"}


def infer_actor(event_type: str, side: Optional[str]) -> Optional[str]:
    """The perpetrator implied when the text names none: air power and artillery over the besieged east are
    the government's, shells on the west are the rebels'."""
    if event_type in ("airstrike", "shelling") and side == "east":
        return "government"
    if event_type == "shelling" and side == "west":
        return "rebels"
    return None


def _local_of(sents: list) -> Optional[str]:
    """The first village the gazetteer lacks that the sentences name ("the village of Balyoun"), None if none."""
    return next((x.local[0][0] for x in sents if x.local), None)


# a half of a divided city the sentence does not name: "the eastern districts", "the west of the city"
CITY_HALF = Caseless(r"\b(?:east|west)(?:ern)?\s+(?:districts|neighbou?rhoods|sector|half|side)\b|"
                     r"\b(?:east|west)(?:ern)?\s+parts?\s+of\s+the\s+city\b|\b(?:in|across)\s+the\s+(?:east|west)\s+of\s+the\s+city\b")


def _finish(d: IncidentDraft, article: Article) -> Incident:
    side, actor = d.side, d.actor
    local = _local_of(d.sentences) if d.place is None or d.place.precision > 2 else None
    if local and side is None:
        side = "outside"                # a village is never in Aleppo city
    if side == "city" and (d.place is None or d.place.kind == "city" or not d.place.control):
        side = infer_side(d.event_type, actor, True) or side
    elif side is None:
        side = infer_side(d.event_type, actor, False)
    if side is None and not any(CITY_HALF.search(x.text) for x in d.sentences):
        # the guideline's sides are exhaustive: an attack told with no place in Aleppo city and no attacker that
        # implies one is outside the city ("a helicopter was shot down over Syria"); "the eastern districts" of a
        # city the sentence does not name stay unknown
        side = "outside"
        d.trace.append("side outside: no place or side in Aleppo city named")
    if actor is not None and d.actor_strength < 4 and any(UNCLAIMED.search(x.text) for x in d.sentences):
        actor = None                    # "there was no immediate claim of responsibility": the attacker is unknown
    if d.event_type == "airstrike" and not d.strong and actor in GROUND_ONLY and d.actor_strength >= 3:
        d.event_type = "shelling"       # "rebel bombardment of government-held districts": their guns, not aircraft
    if d.event_type == "airstrike" and actor not in AIR_POWERS:
        actor = None                    # a party without aircraft named near an air strike is not its attacker
    if actor is None and not any(UNKNOWN_ATTACKER.search(x.text) for x in d.sentences):
        actor = infer_actor(d.event_type, side)
        if actor is None and any(REGIME_WEAPON.search(x.text) for x in d.sentences):
            actor = "government"        # barrel bombs: only the government's helicopters dropped them
    inc = Incident(article_id=article.id, event_date=d.date, date_precision=d.precision if d.date else "unknown",
                   event_type=d.event_type, actor=actor, side=side,
                   spans=list(dict.fromkeys(s.evidence_span for s in d.sentences)),
                   claims=[c for _, c in d.claims], mentions=list(dict.fromkeys(s.span for s in d.sentences)),
                   trace=_trace(d))
    if d.place is not None:
        p = d.place
        inc.location, inc.place_id, inc.lat, inc.lon = p.name, p.place_id, p.lat, p.lon
        inc.geo_precision = {"neighbourhood": "neighbourhood", "site": "site", "town": "town", "city": "city",
                             "region": "side", "governorate": "governorate", "venue": "city"}.get(p.kind, p.kind)
    elif local:
        inc.location = local            # named, not placed: no coordinates, no gazetteer id
    _apply_claims(inc, d.claims)
    return inc


def _trace(d: IncidentDraft) -> list:
    """How the incident was made: one line per mention, then the decisions about totals."""
    lines = []
    for n, s in enumerate(d.sentences):
        where = f"sentence {s.idx}" + (f", attack {s.clause + 1} of the sentence" if s.sentence_span else "")
        how = "headline" if s.headline else ("first mention" if n == 0 else "folded in: same attack")
        lines.append(f"{where}: {how}")
    return lines + d.trace


def _apply_claims(inc: Incident, ranked: list) -> None:
    """The incident's figures from its claims: a revised toll wins, then figures tied to a place or day,
    the highest among those; low/high across all claims."""
    killed = [c for c in inc.claims if c.killed is not None]
    if killed:
        top = max(p for p, c in ranked if c.killed is not None)
        chosen = max((c for p, c in ranked if c.killed is not None and p == top), key=lambda c: c.killed)
        inc.killed, inc.killed_qualifier = chosen.killed, chosen.killed_qualifier
        inc.killed_low = min(c.killed_low if c.killed_low is not None else c.killed for c in killed)
        highs = [c.killed_high for c in killed]
        inc.killed_high = None if any(h is None for h in highs) else max(highs)
        inc.source = chosen.source
    elif any(c.killed_qualifier == "vague" for c in inc.claims):
        inc.killed_qualifier = "vague"
    injured = [c for c in inc.claims if c.injured is not None]
    if injured:
        top = max(p for p, c in ranked if c.injured is not None)
        chosen = max((c for p, c in ranked if c.injured is not None and p == top), key=lambda c: c.injured)
        inc.injured = chosen.injured
        inc.injured_low = min(c.injured_low if c.injured_low is not None else c.injured for c in injured)
        highs = [c.injured_high for c in injured]
        inc.injured_high = None if any(h is None for h in highs) else max(highs)
        inc.source = inc.source or chosen.source
    children = [c.children_killed for c in inc.claims if c.children_killed is not None]
    inc.children_killed = max(children) if children else None
    women = [c.women_killed for c in inc.claims if c.women_killed is not None]
    inc.women_killed = max(women) if women else None
    if inc.source is None:
        inc.source = next((c.source for c in inc.claims if c.source), None)
    inc.implausible = bool(inc.killed and inc.killed > IMPLAUSIBLE_TOLL) or bool(
        inc.injured and inc.injured > 10 * IMPLAUSIBLE_TOLL)
