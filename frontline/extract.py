"""The extraction pipeline: article text -> incidents and diplomatic events.

The pipeline is a visible list of small steps:

1. ``split_sentences``         sentence spans (a headline repeated in the body is cut out)
2. ``analyse``                 per sentence: triggers, figures, dates, places, actors, parties, sources, cues
3. ``build_incidents``         candidate sentences grouped into incidents (one attack, one place, one day)
4. ``build_diplomacy``         diplomatic mentions grouped into events (one meeting reported three times = one)

Every event keeps the sentences it was read from (``Span``) and each source's figures (``Claim``).
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from .dates import find_dates, find_dates_in_spans
from .gazetteer import Place, find_places, load_places
from .models import Article, ArticleEvents, Claim, Diplomacy, Incident, Span
from .numbers import find_figures, qualify
from .resources import LexiconScan, lexicon
from .text import Caseless, split_sentences

BACKGROUND_DAYS = 31
IMPLAUSIBLE_TOLL = 3000          # more dead than any single attack of the war: kept, flagged, not summed unchecked
TYPE_ORDER = ["chemical", "airstrike", "bombing", "shelling", "violence_against_civilians", "clashes", "other"]
SPEAKER_AFTER = re.compile(r"^(?:'s|s|\u2019s)?\s+(?:(?:foreign|defen[cs]e|interior)\s+)?(?:ministry|minister|ministry of|"
                           r"reconciliation cent(?:er|re)|centre for reconciliation|"
                           r"officials?|embassy|envoy|ambassador|president|spokes(?:man|woman|person)|diplomats?|"
                           r"delegation|media|news agency|state media|government said|military said|sources?)\b", re.I)
SIDE_MODIFIER = re.compile(r"^[- ](?:held|controlled|run|populated|dominated|besieged|led areas?|majority)\b", re.I)
TARGET_BEFORE = re.compile(r"(?:\b(?:on|against|targeting|targeted|pounded|hit|struck|bombed|shelled|at|fighting|battling|"
                           r"combating|combatting|fight)\s+(?:the\s+)?"
                           r"(?:\w+\s+){0,3})$", re.I)
SUPPORTER_BEFORE = re.compile(r"\b(?:backed|supported|aided|helped|assisted|covered)\s+by\s+(?:the\s+)?(?:\w+\s+)?$|"
                              r"\bwith the (?:support|help|backing) of\s+(?:the\s+)?$", re.I)
ORIGIN_BEFORE = re.compile(r"\b(?:from|positioned(?: in)?|stationed in|based in|fired from|entrenched in|located in)\s+"
                           r"(?:the\s+)?(?:[\w'-]+\s+){0,5}$|\b(?:source|sources|official|officials|governor|spokesman|"
                           r"command|council|directorate|department|correspondent|reporter)\s+(?:at|in|of|for)\s+(?:the\s+)?$", re.I)
NOT_TARGET_AFTER = re.compile(r"^(?:'s|s)?\s+(?:police|province source|tv|television|channel|brigades?|news|agency|"
                              r"governorate council|city council|media|university|"
                              r"health directorate|directorate|local council|provincial council)\b", re.I)
AGENCY_DATELINE = re.compile(r"^\s*,?\s*(?:[A-Z][\w'-]*\s*){0,3},?\s*\(?(?:SANA|Reuters|AFP|AP|Xinhua|TASS|"
                             r"Sputnik|Anadolu|UPI)\)?\s*[-\u2013\u2014:]")
SPEAKER_PLACE = re.compile(r"\b(?:source|sources|official|officials|governor|spokesman|command|council|directorate|"
                           r"department|correspondent|reporter)\s+(?:at|in|of|for)\s+(?:the\s+)?$", re.I)
SAME_PLACE = Caseless(r"\bthe same (?:neighbou?rhood|area|district|town|village|city|street|road)\b")
VICTIM_COUNT_BEFORE = re.compile(r"(?:\b\d[\d,]*|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                                 r"fifteen|twenty|thirty|forty|fifty|dozens of|scores of|hundreds of))\s+(?:[\w-]+\s+)?$",
                                 re.I)
ATTACK_BEFORE_BY = re.compile(r"\b(?:killed|hit|targeted|carried out|dropped|fired|launched|bombed|shelled|struck|"
                              r"committed|perpetrated|caused|attacks?|strikes?|air ?strikes|raids?|shelling|bombardments?|"
                              r"fire|bombing|wounded|injured|executed|massacre|pounded|bombarded)\s+(?:\w+\s+){0,3}$", re.I)
MILITARY_AFTER = re.compile(r"^(?:'s|s)?\s+(?:forces|troops|army|jets|warplanes|aircraft|air ?strikes|strikes|bombing|"
                            r"militias?|fighters|soldiers|helicopters|shelling|planes|bombers|artillery|military)\b", re.I)
ANAPHORA = Caseless(r"\b(?:the|this|that|these|those|same)\s+(?:\w+\s+)?(?:attacks?|strikes?|air ?strikes?|raids?|bombing|"
                     r"bombardment|shelling|assault|massacre|explosion|blast|toll|death toll|incident|deaths)\b|"
                     r"\bthe same (?:neighbou?rhood|area|district|town|village)\b|\bin all\b|\bthe victims\b")
CAME_AFTER = Caseless(r"\b(?:came|comes|come)\s+(?:just\s+|only\s+)?(?:(?P<n>a|one|two|three|\w+)\s+(?:days?|hours?)\s+)?"
                       r"(?:after|in the wake of|following)\b|\bin the wake of\b|\b(?P<n2>a|one|two|three) days? after\b")
ANOTHER = Caseless(r"\b(?:another|a separate|separately|elsewhere|meanwhile|in another)\b|"
                    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten) other (?:persons|people|civilians)\b")
DIP_ANAPHORA = Caseless(r"\b(?:the|this|that|these|its|their)\s+(?:[\w-]+\s+){0,2}?(?:meeting|talks|discussion|summit|conference|deal|"
                         r"agreement|resolution|truce|ceasefire|appeal|proposal|plan|visit|call|veto|cessation)\b|"
                         r"\balso attend\b")
SMALL_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


@dataclass
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
    headline: bool = False                           # the article's title, repeated in its body

    @property
    def text(self) -> str:
        return self.span.text


# ---------------------------------------------------------------- step 1: sentences

def headline_breaks(text: str, title: str) -> tuple:
    """Offsets around a headline that the body repeats (FA-KES glues it to the first sentence)."""
    title = (title or "").strip()
    if len(title) < 12:
        return ()
    head = title.split("|")[0].strip()
    i = text.lower().find(head.lower(), 0, 600)
    return (i, i + len(head)) if i >= 0 else ()


def dateline_end(text: str, published: Optional[dt.date]) -> int:
    """End offset of a dateline at the very start of the text, 0 if none."""
    if published is None:
        return 0
    ends = [m.end for m in find_dates(text[:80], published)
            if m.start <= 40 and m.value[0] == published.isoformat()]
    return max(ends, default=0)


# ---------------------------------------------------------------- step 2: analyse each sentence

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
                          r"martyr|perish|massac|execut|fatalit")


@functools.lru_cache(maxsize=1)
def _lexicon_scan() -> LexiconScan:
    return LexiconScan({name: lexicon(path, hyphen) for name, (path, hyphen) in LEXICONS.items()})


def scan_lexicons(text: str, spans: list) -> list:
    """Every lexicon over the whole text once; hits bucketed per sentence as (start, end, row), relative."""
    starts = [sp.start for sp in spans]
    per_sentence = [{name: [] for name in LEXICONS} for _ in spans]
    for name, m, row in _lexicon_scan().finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.end() <= spans[i].end:
            per_sentence[i][name].append((m.start() - spans[i].start, m.end() - spans[i].start, row))
    return per_sentence


def analyse(span: Span, idx: int, published: Optional[dt.date], skip_until: int, hits: dict, dates: list) -> Sentence:
    t = span.text
    s = Sentence(idx, span)
    for a, b, row in hits["triggers"]:
        s.triggers.append((row["event_type"], row["strength"], a, b))
    s.kill_words = sum(1 for _, _, row in hits["casualty"] if row["field"] == "killed")
    s.figures = find_figures(t) if hits["casualty"] or CASUALTY_HINT.search(t) else []
    s.dates = [d for d in dates
               if d.end > skip_until and not AGENCY_DATELINE.match(t[d.end - span.start:d.end - span.start + 40])]
    s.places = find_places(t, span.start)
    for a, b, row in hits["actors"]:
        if SIDE_MODIFIER.match(t[b:b + 14]) or SPEAKER_AFTER.match(t[b:b + 40]):
            continue
        s.actors.append((row["actor"], a, b))
    for a, b, row in hits["parties"]:
        surface = t[a:b]
        if surface.lower() in ("us", "un", "eu", "uk", "who", "hnc") and not surface.isupper():
            continue
        if SIDE_MODIFIER.match(t[b:b + 14]) or re.match(r"^-(?:backed|led|sponsored|allied|linked)", t[b:b + 12]):
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


# ---------------------------------------------------------------- step 3: incidents

@dataclass
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


def event_type_of(s: Sentence) -> tuple:
    """(event_type, strong) from a sentence's triggers; ("other", False) when none."""
    if not s.triggers:
        return "other", False
    strong = [tr for tr in s.triggers if tr[1] == "strong"]
    pool = strong or s.triggers
    best = min({tr[0] for tr in pool}, key=TYPE_ORDER.index)
    return best, bool(strong)


def perpetrator(s: Sentence) -> tuple:
    """(actor, strength) of the attack a sentence reports; strength 0 when none is named."""
    t = s.text
    best, best_score = None, 0
    trig_starts = [tr[2] for tr in s.triggers]
    for actor, a, b in s.actors:
        before = t[max(0, a - 40):a]
        after = t[b:b + 40]
        score = 1
        by = re.search(r"\bby\s+(?:the\s+)?(?:\w+\s+){0,2}$", before, re.I)
        if SUPPORTER_BEFORE.search(before):
            score = 1                                  # "the army, backed by Russian warplanes": a supporter
        elif by and ATTACK_BEFORE_BY.search(t[max(0, a - 80):a - len(before) + by.start()]):
            score = 4                                  # "hit by regime bombing raids"
        elif TARGET_BEFORE.search(before) or re.match(r"\s+(?:positions|targets|fighters were killed|bases?)\b", after,
                                                      re.I) or VICTIM_COUNT_BEFORE.search(before):
            score = 0                                  # a target or the victims ("40 terrorists killed"), not the attacker
        elif re.match(r"\s+(?:say|says|said|told|claim|claimed|claims|reported|report|accuse[sd]?|den(?:y|ied|ies))\b",
                      after, re.I):
            score = 0                                  # a speaker ("Rebels say Russian jets ...")
        elif any(0 <= ts - b <= 25 for ts in trig_starts):
            score = 3                                  # "rebel shelling", "regime warplanes"
        elif re.match(r"\s+(?:\w+\s+){0,2}?(?:fired|shelled|targeted|bombed|launched|pounded|hit|dropped|executed|"
                      r"carried out|struck|attacked|stormed|killed|shot|opened fire|raided|launch|fire)\b", after, re.I):
            score = 3
        if score > best_score:
            best, best_score = actor, score
    return best, best_score


def side_of(s: Sentence, about_aleppo: bool) -> tuple:
    """(place, side, rank) for one sentence; rank: 0 precise place ... 9 nothing known."""
    t = s.text
    best = None
    for m in s.places:
        p = m.value
        rel = m.start - s.span.start
        rel_end = m.end - s.span.start
        penalty = 3 if ORIGIN_BEFORE.search(t[max(0, rel - 60):rel]) or NOT_TARGET_AFTER.match(t[rel_end:rel_end + 30]) \
            else 0
        rank = p.precision + penalty
        if p.kind == "country" or (penalty and SPEAKER_PLACE.search(t[max(0, rel - 30):rel])):
            continue                    # "a source at Aleppo province said": where the speaker sits
        if best is None or rank < best[2]:
            best = (p, p.side, rank)
    def targeted(spans):
        return [(a, b) for a, b in spans
                if not ORIGIN_BEFORE.search(t[max(0, a - 60):a]) and not NOT_TARGET_AFTER.match(t[b:b + 30])]
    east = targeted(s.cues.get("side_east", []))
    west = targeted(s.cues.get("side_west", []))
    outside_cue = targeted(s.cues.get("side_outside", []))
    kurdish_cue = targeted(s.cues.get("side_kurdish", []))
    if kurdish_cue and not east and not west and about_aleppo and (best is None or best[2] > 2):
        return _control_place("kurdish"), "city", 2.5
    outside_place = best is not None and best[1] == "outside" and best[0].precision <= 3
    if outside_cue and not east and not west and (best is None or best[2] > 2 or best[1] == "city"):
        return best[0] if best and best[1] == "outside" else None, "outside", 3
    if (east or west) and not outside_place and (about_aleppo or (best and best[0].in_aleppo_city)):
        if best is None or best[2] > 2:
            if east and west:
                # the side named after a target word ("fired into the besieged ...") wins
                cue_side = "east" if _target_cue(t, east) >= _target_cue(t, west) else "west"
            else:
                cue_side = "east" if east else "west"
            region = _region_place(cue_side)
            return region, cue_side, 2.5
    if best is not None:
        return best
    return None, None, 9


def _target_cue(t, spans):
    return max((1 if re.search(r"\b(?:on|into|in|at|targeted|hit|pounded)\s+(?:the\s+)?(?:\w+\s+)?$", t[max(0, a - 30):a], re.I)
                else 0) for a, _ in spans)


def _control_place(control: str) -> Optional[Place]:
    """The one neighbourhood of a control zone that has a single one (Kurdish-held Sheikh Maqsoud)."""
    found = [p for p in load_places().values() if p.control == control and p.kind == "neighbourhood"]
    return found[0] if len(found) == 1 else None


def _region_place(side: str) -> Optional[Place]:
    wanted = "eastern aleppo" if side == "east" else "western aleppo"
    for p in load_places().values():
        if p.name.lower() == wanted:
            return p
    return None


def _date_of(s: Sentence, published) -> tuple:
    """(date, precision, explicit) of the first usable date in a sentence."""
    for m in s.dates:
        if m.value[0] is not None:
            return m.value[0], m.value[1], True
    return None, "unknown", False


def is_background(date: Optional[str], published: Optional[dt.date]) -> bool:
    if not date or published is None:
        return False
    try:
        day = dt.date.fromisoformat(date if len(date) == 10 else date + "-28")
    except ValueError:
        return False
    return (published - day).days > BACKGROUND_DAYS


def claim_priority(s: Sentence, c: Claim) -> int:
    """Which figures an incident reports: a revised toll (3), a sentence that names the place or day (2),
    a bare one (1), the headline, which often sums several attacks (0)."""
    if s.headline:
        return 0
    if any(f.revised for f in s.figures):
        return 4
    if any(p.value.precision <= 2 for p in s.places) or "side_east" in s.cues or "side_west" in s.cues:
        return 3
    if s.dates or s.places:
        return 2
    return 1


def _claim(s: Sentence, source: Optional[str]) -> Optional[Claim]:
    figs = [f for f in s.figures]
    if not figs:
        return None
    c = Claim(source=source, span=s.span)
    for f in figs:
        if f.field == "killed":
            if f.value is None:
                c.killed_qualifier = c.killed_qualifier or "vague"
                continue
            if c.killed is None or f.revised or f.value > c.killed:
                c.killed, c.killed_qualifier = f.value, f.qualifier
                c.killed_low, _, c.killed_high = qualify(f.value, f.qualifier)
        elif f.field == "injured" and f.value is not None:
            if c.injured is None or f.value > c.injured:
                c.injured = f.value
                c.injured_low, _, c.injured_high = qualify(f.value, f.qualifier)
        elif f.field == "children_killed" and f.value is not None:
            c.children_killed = max(c.children_killed or 0, f.value)
        elif f.field == "women_killed" and f.value is not None:
            c.women_killed = max(c.women_killed or 0, f.value)
    if c.children_killed and (c.killed is None or c.killed < c.children_killed):
        c.killed = c.children_killed
        c.killed_low = c.killed_high = c.children_killed
        c.killed_qualifier = c.killed_qualifier or "exact"
    if c.killed is None and c.injured is None and c.children_killed is None and c.killed_qualifier != "vague":
        return None
    return c


def _source_of(s: Sentence) -> Optional[str]:
    return s.sources[0][0] if s.sources else None


def is_incident_candidate(s: Sentence) -> bool:
    """Does the sentence report an attack as news (not a threat, denial, aggregate or call to stop)?"""
    if any(k in s.cues for k in ("threat", "aggregate", "denial", "not_an_attack")):
        return False
    has_figure = any(f.field in ("killed", "injured", "children_killed") for f in s.figures)
    strong = any(tr[1] == "strong" for tr in s.triggers)
    weak = bool(s.triggers)
    located = bool(s.places) or "side_east" in s.cues or "side_west" in s.cues
    if strong and (located or has_figure or s.dates or s.actors):
        return True
    if weak and (has_figure or (located and (s.dates or s.kill_words))):
        return True
    if weak and (located or (len(s.triggers) >= 2 and s.dates)) and _attacker_near_trigger(s):
        return True
    if has_figure and s.kill_words and (located or s.dates):
        return True
    if s.kill_words and located and s.dates and re.search(r"\bwas killed|were killed|killed in\b", s.text):
        return True
    return False


def _attacker_near_trigger(s: Sentence) -> bool:
    actor, score = perpetrator(s)
    if score < 3:
        return False
    return any(abs(tr[2] - a) <= 40 for tr in s.triggers for act, a, _ in s.actors if act == actor)


def _compatible(inc: IncidentDraft, s: Sentence, place, side, date, explicit, etype, strong,
                actor=None, actor_strength=0) -> bool:
    if ANOTHER.search(s.text):
        return False
    if actor and inc.actor and actor != inc.actor and actor_strength >= 3 and inc.actor_strength >= 3 \
            and {actor, inc.actor} != {"government", "russia"}:
        return False
    if explicit and inc.date_explicit and date != inc.date and not (
            date and inc.date and (date.startswith(inc.date) or inc.date.startswith(date))):
        return False                   # a month ("earlier this week") fits any day of it
    if side and inc.side and side != inc.side and "city" not in (side, inc.side):
        return False
    if {side, inc.side} == {"city", "outside"}:
        return False
    if place is not None and inc.place is not None and place.precision <= 2 and inc.place.precision <= 2 \
            and place.place_id != inc.place.place_id:
        return False
    if strong and inc.strong and etype != inc.event_type and {etype, inc.event_type} != {"airstrike", "bombing"} \
            and (place is not None or explicit):
        return False
    return True


def build_incidents(sents: list, article: Article) -> list:
    published = article.published
    about_aleppo = "aleppo" in (article.text[:3000] + " " + article.title).lower()
    drafts: list = []
    date_context: Optional[tuple] = None
    headline = None
    for s in sents:
        if s.headline:
            headline = s
            continue
        date, precision, explicit = _date_of(s, published)
        came_after = CAME_AFTER.search(s.text)
        if came_after and drafts and drafts[-1].date and drafts[-1].precision == "day":
            # "The deaths came a day after five children were killed ...": the clause after is the earlier event
            n = came_after.group("n") or came_after.group("n2")
            after_dates = [d for d in s.dates if d.start - s.span.start > came_after.start() and d.value[0]]
            if after_dates:
                date, precision, explicit = after_dates[0].value[0], after_dates[0].value[1], True
            elif n and n.lower() in SMALL_NUMBERS and "day" in came_after.group(0).lower():
                base = dt.date.fromisoformat(drafts[-1].date)
                date = (base - dt.timedelta(days=SMALL_NUMBERS[n.lower()])).isoformat()
                precision, explicit = "day", True
        candidate = is_incident_candidate(s)
        if explicit and (candidate or s.kill_words):
            date_context = (date, precision, s.idx)
        if not candidate:
            # a sentence that refers back to the last attack ("the toll rose to ...") joins it as evidence
            follows = drafts and s.idx - drafts[-1].sentences[-1].idx <= 2
            figure_only = any(f.field in ("killed", "injured") for f in s.figures) and not s.places \
                and not s.dip and not ANOTHER.search(s.text)
            if follows and (ANAPHORA.search(s.text) or figure_only) \
                    and not explicit and "aggregate" not in s.cues and "threat" not in s.cues:
                inc = drafts[-1]
                inc.sentences.append(s)
                c = _claim(s, _source_of(s) or _last_source(inc))
                if c:
                    inc.claims.append((claim_priority(s, c), c))
            continue
        if is_background(date, published):
            continue
        place, side, side_rank = side_of(s, about_aleppo)
        if side is None and drafts and SAME_PLACE.search(s.text):
            place, side, side_rank = drafts[-1].place, drafts[-1].side, drafts[-1].side_rank
        etype, strong = event_type_of(s)
        actor, actor_strength = perpetrator(s)
        target = None
        anaphoric = bool(ANAPHORA.search(s.text)) and not came_after
        for inc in reversed(drafts[-2:]):
            near = s.idx - inc.sentences[-1].idx <= (4 if anaphoric else 3)
            if near and _compatible(inc, s, place, side, date, explicit, etype, strong, actor, actor_strength) \
                    and not came_after:
                if side is None and place is None and not explicit and not anaphoric and inc is not drafts[-1]:
                    continue
                target = inc
                break
        if target is None:
            if not explicit:
                # an undated attack takes the day of the attack reported just before it; the lead of a report
                # with no day at all happened on the day of publication; later ones stay undated
                if date_context and s.idx - date_context[2] <= 3 and not is_background(date_context[0], published):
                    date, precision = date_context[0], date_context[1]
                elif published is not None and not drafts:
                    date, precision = published.isoformat(), "day"
            target = IncidentDraft([], etype, strong, date, precision, explicit, place, side, side_rank,
                                   actor, actor_strength)
            drafts.append(target)
        else:
            _merge(target, s, place, side, side_rank, date, precision, explicit, etype, strong, actor, actor_strength)
        target.sentences.append(s) if s not in target.sentences else None
        c = _claim(s, _source_of(s) or _last_source(target))
        if c:
            target.claims.append((claim_priority(s, c), c))
    if headline is not None and is_incident_candidate(headline):
        _attach_headline(headline, drafts, published, about_aleppo)
    borrow_context(drafts)
    return [_finish(d, article) for d in drafts if not is_background(d.date, published)]


def borrow_context(drafts: list) -> None:
    """An incident stated without a weapon ("71 civilians killed in opposition-held areas on Tuesday") takes
    the type and perpetrator of the nearest incident on the same side of the same article."""
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


def _attach_headline(h: Sentence, drafts: list, published, about_aleppo: bool) -> None:
    """A headline summarises the article's main attack: it joins the first incident of the same kind
    (whatever place it names, often the district of the body's village), or stands alone."""
    etype, strong = event_type_of(h)
    actor, actor_strength = perpetrator(h)
    place, side, side_rank = side_of(h, about_aleppo)
    for d in drafts:
        same_type = etype == d.event_type or not strong or not d.strong
        same_actor = actor is None or d.actor is None or actor == d.actor
        same_side = side is None or d.side is None or side == d.side or "city" in (side, d.side) \
            or (d.place is not None and place is not None and d.place.governorate == place.governorate)
        if same_type and same_actor and same_side:
            if side and (d.side in (None, "city")) and side != "city":
                d.side, d.place, d.side_rank = side, place or d.place, side_rank
            d.sentences.insert(0, h)
            c = _claim(h, _source_of(h))
            if c:
                d.claims.insert(0, (0, c))
            return
    date, precision, explicit = _date_of(h, published)
    if not explicit and published is not None:
        date, precision = published.isoformat(), "day"
    d = IncidentDraft([h], etype, strong, date, precision, explicit, place, side, side_rank, actor, actor_strength)
    c = _claim(h, _source_of(h))
    if c:
        d.claims.append((0, c))
    drafts.insert(0, d)


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
    if explicit and not inc.date_explicit:
        inc.date, inc.precision, inc.date_explicit = date, precision, True
    if strong and not inc.strong:
        inc.event_type, inc.strong = etype, True
    elif inc.event_type in ("other", "clashes") and etype not in ("other", "clashes"):
        inc.event_type = etype
    if actor_strength > inc.actor_strength:
        inc.actor, inc.actor_strength = actor, actor_strength


def infer_actor(event_type: str, side: Optional[str]) -> Optional[str]:
    """The perpetrator implied when the text names none: air power over the east is the government's,
    shells on the west are the rebels'."""
    if event_type == "airstrike" and side == "east":
        return "government"
    if event_type in ("shelling", "bombing") and side == "west":
        return "rebels"
    return None


def infer_side(event_type: str, actor: Optional[str], in_city: bool) -> Optional[str]:
    """The side implied by the perpetrator: when only "Aleppo" is named, or nothing (``in_city`` False)."""
    if actor in ("coalition", "turkey"):
        return "outside"        # neither struck inside Aleppo city in 2016
    if not in_city:
        return None
    if actor in ("government", "russia") and event_type in ("airstrike", "shelling", "violence_against_civilians"):
        return "east"
    if actor == "rebels" and event_type in ("shelling", "bombing", "violence_against_civilians"):
        return "west"
    return None


def _finish(d: IncidentDraft, article: Article) -> Incident:
    side, actor = d.side, d.actor
    if side == "city" and (d.place is None or d.place.kind == "city" or not d.place.control):
        side = infer_side(d.event_type, actor, True) or side
    elif side is None:
        side = infer_side(d.event_type, actor, False)
    if actor is None:
        actor = infer_actor(d.event_type, side)
    inc = Incident(article_id=article.id, event_date=d.date, date_precision=d.precision if d.date else "unknown",
                   event_type=d.event_type, actor=actor, side=side, spans=[s.span for s in d.sentences],
                   claims=[c for _, c in d.claims])
    if d.place is not None:
        p = d.place
        inc.location, inc.place_id, inc.lat, inc.lon = p.name, p.place_id, p.lat, p.lon
        inc.geo_precision = {"neighbourhood": "neighbourhood", "site": "site", "town": "town", "city": "city",
                             "region": "side", "governorate": "governorate", "venue": "city"}.get(p.kind, p.kind)
    _apply_claims(inc, d.claims)
    return inc


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


# ---------------------------------------------------------------- step 4: diplomacy

@dataclass
class DiplomacyDraft:
    sentences: list
    event_type: str
    actors: list
    date: Optional[str]
    precision: str
    location: Optional[str]
    status: str


MIN_PARTIES = {"meeting": 2, "call": 2, "visit": 2, "accusation": 2, "un_action": 1, "agreement": 1, "proposal": 1}


def diplomacy_type(s: Sentence) -> Optional[str]:
    if not s.dip:
        return None
    rank1 = [d for d in s.dip if d[1] == 1]
    if rank1:
        return min(rank1, key=lambda d: d[2])[0]
    return min(s.dip, key=lambda d: d[2])[0]


def _parties(s: Sentence, etype: str) -> list:
    """The parties a diplomatic sentence names; armed forces count only as parties to a truce."""
    out = []
    for party, _, _, military in sorted(s.parties, key=lambda p: p[1]):
        if military and etype != "agreement":
            continue
        if party not in out:
            out.append(party)
    return out


DIP_DATE_WINDOW = 80


def _dip_date(s: Sentence, published, trig: int, etype: str = "") -> tuple:
    """The date nearest the diplomatic trigger ("US officials on Wednesday said Kerry will meet ... on Saturday"),
    if one stands within ``DIP_DATE_WINDOW`` characters of it; a meeting announced for the future takes the
    sentence's future date."""
    trig += s.span.start
    if etype in ("meeting", "visit", "call") and "future" in s.cues and published is not None:
        ahead = [m for m in s.dates if m.value[0] and m.value[1] == "day" and m.value[0] > published.isoformat()]
        if ahead:
            m = min(ahead, key=lambda m: abs(m.start - trig))
            return m.value[0], m.value[1], True
    usable = [m for m in s.dates if m.value[0] is not None and
              min(abs(m.start - trig), abs(m.end - trig)) <= DIP_DATE_WINDOW]
    if not usable:
        return None, "unknown", False
    m = min(usable, key=lambda m: (abs(m.start - trig) + (0 if m.start >= trig else 15), m.start))
    return m.value[0], m.value[1], True


AGREEMENT_FATE = re.compile(r"\b(?:collaps\w*|broke down|crumbled|took effect|entered into force|came into force|"
                            r"announced|agreed|brokered|reached|signed|declared|expired|violated|ended|failure|"
                            r"began|started)\b", re.I)
STRONG_ACCUSATION = re.compile(r"\b(?:accus\w*|blam\w*|condemn\w*)", re.I)
EARLIER = Caseless(r"\b(?:earlier|previously|last (?:week|month|year)|in (?:january|february|march|april|"
                    r"may|june|july|august|september|october|november|december))\b")


def diplomatic_mentions(s: Sentence) -> list:
    """(event_type, actors, trigger offset) of the diplomatic acts one sentence states: its main act, and the
    fate of a truce it names in passing ("... the Russian-American deal, the ceasefire that collapsed last month")."""
    etype = diplomacy_type(s)
    if etype is None:
        return []
    if "denial" in s.cues and etype != "accusation":
        return []
    out = []
    if not ("hypothetical" in s.cues and etype == "agreement"):
        actors = _parties(s, etype)
        if etype == "un_action" and "United Nations" not in actors and re.search(
                r"\b(?:UN|U\.N\.|United Nations|Security Council|General Assembly)\b", s.text):
            actors.append("United Nations")
        out.append((etype, actors, min(d[2] for d in s.dip if d[0] == etype)))
    if etype != "agreement" and "hypothetical" not in s.cues and not s.headline:
        for kind, _, a, b in s.dip:
            if kind == "agreement" and AGREEMENT_FATE.search(s.text[max(0, a - 60):b + 40]):
                near = [p for p, pa, pb, mil in s.parties if abs(pa - a) <= 60]
                out.append(("agreement", list(dict.fromkeys(near)), a))
                break
    return out


def build_diplomacy(sents: list, article: Article) -> list:
    published = article.published
    drafts: list = []
    for s in sents:
        for etype, actors, trig in diplomatic_mentions(s):
            anaphoric = bool(DIP_ANAPHORA.search(s.text))
            date, precision, explicit = _dip_date(s, published, trig, etype)
            # "Earlier Kerry broke off talks ...": another, older meeting than the one reported
            earlier = etype in ("meeting", "call", "visit") and bool(
                EARLIER.search(s.text, max(0, trig - 50), trig + 50))
            target = None
            quoted = s.text.lstrip()[:1] in "\"\u201c" and drafts and drafts[-1].event_type == etype \
                and drafts[-1].sentences[-1].idx >= s.idx - 1
            if quoted:
                target = drafts[-1]     # a quotation that carries on the statement just reported
            for d in ([] if quoted else reversed(drafts)):
                if d.event_type != etype:
                    continue
                overlap = set(d.actors) & set(actors)
                same_time = d.date == date if (explicit and d.date is not None) else not earlier
                if (anaphoric and not earlier) or (overlap and same_time and len(overlap) >= min(2, len(actors))):
                    target = d
                    break
            if target is None:
                if len(actors) < MIN_PARTIES[etype] or is_background(date, published):
                    continue
                future = "future" in s.cues and any(a <= trig + 40 for a, _ in s.cues["future"])
                status = "cancelled" if re.search(r"\bcancel+(?:ed|s|ing)?\b|\bcalled off\b|\bpostpon", s.text, re.I) \
                    else ("scheduled" if future else "happened")
                venue = next((m.value.name for m in s.places if m.value.kind in ("venue", "city")
                              and not m.value.in_aleppo_city), None)
                drafts.append(DiplomacyDraft([s], etype, actors, date, precision if date else "unknown", venue, status))
                continue
            if s not in target.sentences:
                target.sentences.append(s)
            for a in actors:
                if a not in target.actors:
                    target.actors.append(a)
            if target.date is None and explicit:
                target.date, target.precision = date, precision
            if target.location is None:
                target.location = next((m.value.name for m in s.places if m.value.kind == "venue"), None)
    return [Diplomacy(article_id=article.id, event_date=d.date, date_precision=d.precision, event_type=d.event_type,
                      actors=d.actors, location=d.location, status=d.status, spans=[s.span for s in d.sentences])
            for d in drafts]


# ---------------------------------------------------------------- the pipeline

def boilerplate_start(text: str) -> int:
    """Where the page furniture after the article begins ("Related News ..."), or len(text)."""
    for m, _ in lexicon("lexicon/boilerplate.csv").finditer(text, len(text) // 2):
        return m.start()
    return len(text)


def analyse_article(article: Article) -> list:
    text = article.text or ""
    text = text[:boilerplate_start(text)]
    skip = dateline_end(text, article.published)
    head = tuple(headline_breaks(text, article.title))
    breaks = head + ((skip,) if skip else ())
    spans = split_sentences(text, breaks)
    dates = find_dates_in_spans(text, spans, article.published)
    sents = [analyse(span, i, article.published, skip, hits, d)
             for i, (span, hits, d) in enumerate(zip(spans, scan_lexicons(text, spans), dates))]
    _mark_headline(sents, head)
    return sents


def extract_article(article: Article) -> ArticleEvents:
    """Incidents and diplomatic events of one article; pure, never reads the clock."""
    sents = analyse_article(article)
    return ArticleEvents(article, build_incidents(sents, article), build_diplomacy(sents, article))


def _mark_headline(sents: list, breaks: tuple) -> None:
    if breaks:
        for s in sents:
            if s.span.start == breaks[0]:
                s.headline = True
