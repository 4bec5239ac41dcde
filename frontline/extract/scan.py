"""Stage 2, lexicon scan: one pass of every lexicon over the text, bucketed per sentence, and the
per-sentence analysis (triggers, figures, dates, places, actors, parties, sources, cues) later stages read."""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from ..gazetteer import find_places_in_spans
from ..models import Span
from ..resources import LexiconScan, lexicon
from ..text import Caseless
from .figures import find_figures


SPEAKER_AFTER = re.compile(r"^(?:'s|s|\u2019s)?\s+(?:(?:foreign|defen[cs]e|interior)\s+)?(?:ministry|minister|ministry of|"
                           r"reconciliation cent(?:er|re)|centre for reconciliation|"
                           r"officials?|embassy|envoy|ambassador|president|spokes(?:man|woman|person)|diplomats?|"
                           r"delegation|media|news agency|state media|government said|military said|sources?)\b", re.I)


SIDE_MODIFIER = re.compile(r"^[- ](?:held|controlled|run|populated|dominated|besieged|led areas?|majority)\b", re.I)


# "Turkey held talks" is a party holding talks, not a side's area ("Turkey-held")
PARTY_HELD_TALKS = re.compile(r"^ held (?:talks|a |an |meetings?|consultations|discussions|negotiations)", re.I)


AGENCIES = ("SANA", "Reuters", "AFP", "AP", "Xinhua", "TASS", "Sputnik", "Anadolu", "UPI", "dpa", "DPA")
_AGENCY_NAME = re.compile("|".join(map(re.escape, AGENCIES)))       # one of them anywhere in a text
_BACKED_AFTER = re.compile(r"^-(?:backed|led|sponsored|allied|linked)")
# the dash may be lost ("DAMASCUS (Sputnik) The strike ..."): an agency in brackets after a place is a dateline
AGENCY_DATELINE = re.compile(r"^\s*,?\s*(?:[A-Z][\w'-]*\s*){0,3},?\s*(?:\((?:" + "|".join(AGENCIES)
                             + r")\)\s*[-\u2013\u2014:]?|(?:" + "|".join(AGENCIES) + r")\s*[-\u2013\u2014:])")


# "... Monitor AFP Saturday 21 Feb 2015 Ten children were ...": an agency's dateline glued after the headline
AGENCY_BEFORE_DATE = re.compile(r"\b(?:AFP|Reuters|AP|Xinhua|TASS|Anadolu|UPI|dpa|DPA)\s*,?\s*(?:[A-Z][a-z]+day\s*,?\s*)?$")


MILITARY_AFTER = re.compile(r"^(?:'s|s)?\s+(?:forces|troops|army|jets|warplanes|aircraft|air ?strikes|strikes|bombing|"
                            r"militias?|fighters|soldiers|helicopters|shelling|planes|bombers|artillery|military)\b", re.I)


@dataclass(eq=False)      # a sentence is itself: membership tests compare identity, not every field
class Sentence:
    idx: int
    span: Span
    triggers: list = field(default_factory=list)     # (event_type, strength, start, end) relative
    figures: list = field(default_factory=list)      # numbers.Figure, relative
    dates: list = field(default_factory=list)        # Mention, absolute
    places: list = field(default_factory=list)       # Mention(Place), absolute
    actors: list = field(default_factory=list)       # (actor, start, end) relative
    parties: list = field(default_factory=list)      # (party, start, end) relative
    dip: list = field(default_factory=list)          # (event_type, rank, start, end) relative
    sources: list = field(default_factory=list)      # (source, start, end) relative
    cues: dict = field(default_factory=dict)         # cue -> [(start, end)] relative
    kill_words: int = 0
    local: list = field(default_factory=list)        # (name, start, end) relative: a named village the gazetteer lacks
    headline: bool = False                           # the article's title, repeated in its body
    sentence_span: Optional[Span] = None             # the whole sentence when this is one clause of it (a mention)
    head: Optional["Sentence"] = None                # the sentence's first mention, when this is a later one
    clause: int = 0                                  # 0 for a whole sentence or its first mention

    @property
    def evidence_span(self) -> Span:
        """The sentence an analyst reads: the whole sentence, also for one mention of several in it."""
        return self.sentence_span or self.span

    @property
    def text(self) -> str:
        return self.span.text


# a village or town the gazetteer does not hold, named as such: "the village of Balyoun", "in Kafr Jales town"
_LOCAL_NAME = r"(?:(?:al|el|Al|El)-)?[A-Z][a-z\u2019'-]+(?:[ -](?:(?:al|el)-)?[A-Z][a-z\u2019'-]+)?"
LOCAL_PLACE = re.compile(r"\b(?:village|town|hamlet)s?\s+of\s+(?P<n>" + _LOCAL_NAME + r")|"
                         r"\b(?:in|on|at|near|hit|struck|targeted|shelled|bombed)\s+(?:the\s+)?(?P<m>" + _LOCAL_NAME
                         + r")\s+(?:village|town)\b")
LOCAL_NOT_A_NAME = frozenset("The This That These Those Their Its His Her A An Monday Tuesday Wednesday Thursday "
                             "Friday Saturday Sunday".split())


def local_places(t: str, known: list) -> list:
    """(name, start, end) of each village or town named as such that no gazetteer mention covers; a gazetteer
    name inside a longer one ("Sabil" in "the village of Ain Sabil") is that other place's."""
    out = []
    for m in LOCAL_PLACE.finditer(t):
        g = "n" if m.group("n") else "m"
        a, b = m.start(g), m.end(g)
        name = m.group(g)
        if name.split()[0] in LOCAL_NOT_A_NAME or any(x <= a < y for x, y in known):
            continue                    # the gazetteer's place, perhaps followed by a word ("Manbij Killing 80")
        out.append((name, a, b))
    return out


# a weapon named as what was destroyed or seized is not the weapon of the attack
SEIZED_BEFORE = Caseless(r"\b(?:destroy\w*|seiz\w*|captur\w*|dismantl\w*|defus\w*|confiscat\w*|"
                         r"smuggl\w*|stockpil\w*|depots? of|supplies of)\b[^.;]{0,60}$")

SEIZED_WORDS = ("destroy", "seiz", "captur", "dismantl", "defus", "confiscat", "smuggl", "stockpil", "depot",
                "supplies of")
_SEIZED_WORD = re.compile("|".join(map(re.escape, SEIZED_WORDS)))      # any of them, in one scan

# another state named before "regime": "the Turkish regime", "Turkish and Saudi regimes", "the Erdogan regime"
FOREIGN_BEFORE = Caseless(r"\b(?:turkish|saudi|qatari|zionist|israeli|erdogan|erdogan's|american|us|u\.s\.|french|british|"
                          r"jordanian|emirati|iranian|ottoman)(?:\s+(?:and|or)\s+\w+)?\s+$")
# a dateline in capitals at the head of a sentence: "BEIRUT —", "ALEPPO, Syria —", "MOSCOW (Sputnik) -"
CITY_DATELINE = re.compile(r"\s*[A-Z][A-Z'.-]{2,}(?:\s[A-Z][A-Z'.-]{2,}){0,2}(?:,\s*[A-Z][A-Za-z]+)?\s*"
                           r"(?:\([^()]{1,30}\)\s*)?[-\u2013\u2014:]\s")
AIRCRAFT_DOWNED = Caseless(r"(?:\s+[\w-]+){0,2}?\s+(?:was|were|had been|has been|have been)\s+(?:\w+\s+)?"
                           r"(?:shot down|downed|brought down|crashed|hit)\b")

LEXICONS = {   # name -> (file, hyphen counts as a word boundary)
    "triggers": ("lexicon/incident_triggers.csv", False),
    "casualty": ("lexicon/casualty_words.csv", False),
    "actors": ("lexicon/actors.csv", False),
    "parties": ("lexicon/parties.csv", True),
    "dip": ("lexicon/diplomacy_triggers.csv", False),
    "sources": ("lexicon/sources.csv", False),
    "cues": ("lexicon/cues.csv", False),
}


CASUALTY_HINT = Caseless(r"kill|dead|die|death|dying|injur|wound|li[fv]e|bod(?:y|ies)|toll|casualt|hurt|suffocat|slain|"
                          r"victim|"
                          r"martyr|perish|massac|execut|fatalit")


@functools.lru_cache(maxsize=1)
def _lexicon_scan() -> LexiconScan:
    return LexiconScan({name: lexicon(path, hyphen) for name, (path, hyphen) in LEXICONS.items()})


def scan_lexicons(text: str, spans: list) -> list:
    """Every lexicon over the whole text once; hits bucketed per sentence as (start, end, row), relative;
    and the gazetteer's places (``"places"``: Mentions, absolute), also from one pass over the text."""
    starts = [sp.start for sp in spans]
    per_sentence = [{name: [] for name in LEXICONS} for _ in spans]
    for bucket, places in zip(per_sentence, find_places_in_spans(text, spans)):
        bucket["places"] = places
    for name, m, row in _lexicon_scan().finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.end() <= spans[i].end:
            per_sentence[i][name].append((m.start() - spans[i].start, m.end() - spans[i].start, row))
    return per_sentence


def analyse(span: Span, idx: int, published: Optional[dt.date], skip_until: int, hits: dict, dates: list) -> Sentence:
    t = span.text
    s = Sentence(idx, span)
    # a word of the seized list in a trigger's window is in the whole sentence: one scan tells most sentences apart
    seized = bool(hits["triggers"]) and _SEIZED_WORD.search(t.lower()) is not None
    for a, b, row in hits["triggers"]:
        if seized and _SEIZED_WORD.search(t[max(0, a - 70):a].lower()) and SEIZED_BEFORE.search(t, max(0, a - 70), a):
            continue            # "destroyed ... two car bombs", "seized artillery": the weapon taken, not the attack's
        if row["event_type"] == "airstrike" and row["strength"] == "weak" and AIRCRAFT_DOWNED.match(t, b):
            continue            # "a Russian helicopter was shot down": the aircraft is what was hit
        s.triggers.append((row["event_type"], row["strength"], a, b))
    s.kill_words = sum(1 for _, _, row in hits["casualty"] if row["field"] == "killed")
    s.figures = find_figures(t) if hits["casualty"] or CASUALTY_HINT.search(t) else []
    agency = _AGENCY_NAME.search(t) is not None       # no agency named: nothing is followed by a dateline's
    s.dates = [d for d in dates if d.end > skip_until
               and not (agency and AGENCY_DATELINE.match(t[d.end - span.start:d.end - span.start + 40]))
               and not (agency and AGENCY_BEFORE_DATE.search(t, max(0, d.start - span.start - 24),
                                                             d.start - span.start))]
    # the dateline city ("BEIRUT (Reuters) -", "DAMASCUS, Syria (AP) -", "BEIRUT —") is where the reporter sits
    lead = CITY_DATELINE.match(t) if t[:1].isupper() else None
    lead_end = lead.end() if lead else 0
    s.places = [m for m in hits["places"]
                if m.start - span.start >= lead_end
                and not (agency and AGENCY_DATELINE.match(t[m.end - span.start:m.end - span.start + 40]))]
    if ("illage" in t or "town" in t or "amlet" in t) and s.triggers:
        s.local = local_places(t, [(m.start - span.start, m.end - span.start) for m in hits["places"]])
        if s.local:                     # a gazetteer name inside a longer village name is not that place
            s.places = [m for m in s.places if not any(a <= m.start - span.start and m.end - span.start <= b
                                                       for _, a, b in s.local)]
    for a, b, row in hits["actors"]:
        if SIDE_MODIFIER.match(t[b:b + 14]) or SPEAKER_AFTER.match(t[b:b + 40]):
            continue
        if t[a:a + 3].lower() == "us " and t[a:a + 2] != "US":
            continue            # "told us strikes went on": the pronoun, not the United States
        if row["actor"] == "government" and t[a:a + 6].lower() == "regime" and FOREIGN_BEFORE.search(t, max(0, a - 40), a):
            continue            # "groups affiliated to the Turkish and Saudi regimes": another state's, not Syria's
        s.actors.append((row["actor"], a, b))
    for a, b, row in hits["parties"]:
        if a < lead_end:
            continue            # "BEIRUT — A cease-fire ...": the reporter's seat, not Lebanon
        surface = t[a:b]
        if surface.lower() in ("us", "un", "eu", "uk", "who", "hnc") and not surface.isupper():
            continue
        if (SIDE_MODIFIER.match(t[b:b + 14]) and not PARTY_HELD_TALKS.match(t[b:b + 30])) \
                or _BACKED_AFTER.match(t[b:b + 12]):
            continue
        military = bool(MILITARY_AFTER.match(t[b:b + 20]))
        s.parties.append((row["party"], a, b, military))
    for a, b, row in hits["dip"]:
        s.dip.append((row["event_type"], int(row["rank"]), a, b))
    for a, b, row in hits["sources"]:
        s.sources.append((row["source"], a, b))
    for a, b, row in hits["cues"]:
        s.cues.setdefault(row["cue"], []).append((a, b))
    return s


def clause_of(parent: Sentence, hits: dict, a: int, b: int) -> Sentence:
    """The slice ``[a, b)`` of an analysed sentence (offsets relative to it) as a sentence of its own: the
    parent's readings inside the slice, rebased onto it (nothing is read twice)."""
    text = parent.text
    while a < b and text[a] in " ,;:\u2014-":
        a += 1
    while b > a and text[b - 1] in " ,;:":
        b -= 1
    span = Span(parent.span.start + a, parent.span.start + b, text[a:b])
    lo, hi = span.start, span.end

    def inside(x: int, y: int) -> bool:
        return a <= x and y <= b

    c = Sentence(parent.idx, span, sentence_span=parent.span)
    c.triggers = [(e, st, x - a, y - a) for e, st, x, y in parent.triggers if inside(x, y)]
    c.figures = [dataclasses.replace(f, start=f.start - a, end=f.end - a) for f in parent.figures
                 if inside(f.start, f.end)]
    c.dates = [d for d in parent.dates if lo <= d.start and d.end <= hi]
    c.places = [m for m in parent.places if lo <= m.start and m.end <= hi]
    c.actors = [(act, x - a, y - a) for act, x, y in parent.actors if inside(x, y)]
    c.parties = [(p, x - a, y - a, mil) for p, x, y, mil in parent.parties if inside(x, y)]
    c.dip = [(e, r, x - a, y - a) for e, r, x, y in parent.dip if inside(x, y)]
    c.sources = [(src, x - a, y - a) for src, x, y in parent.sources if inside(x, y)]
    for cue, spans in parent.cues.items():
        kept = [(x - a, y - a) for x, y in spans if inside(x, y)]
        if kept:
            c.cues[cue] = kept
    c.kill_words = sum(1 for x, y, row in hits["casualty"] if row["field"] == "killed" and inside(x, y))
    c.local = [(name, x - a, y - a) for name, x, y in parent.local if inside(x, y)]
    return c
