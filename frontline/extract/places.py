"""Stage 5, places: where an attack fell (not where a speaker sits) and which side of the front line."""
from __future__ import annotations

import re
from typing import Optional

from ..gazetteer import Place, load_places
from ..text import Caseless
from .scan import Sentence


ORIGIN_BEFORE = Caseless(r"\b(?:from|positioned(?: in)?|stationed in|based in|fired from|entrenched in|located in)\s+"
                         r"(?:the\s+)?(?:[\w'-]+\s+){0,5}$|\b(?:source|sources|official|officials|governor|spokesman|"
                         r"command|council|directorate|department|correspondent|reporter)\s+(?:at|in|of|for)\s+(?:the\s+)?$")
# the attackers' own position: never where the attack fell
LAUNCHED_FROM_BEFORE = Caseless(r"\b(?:positioned|stationed|entrenched|deployed|based|holed up)\s+(?:on|in|at|near|around)\s+"
                                r"(?:the\s+)?(?:[\w'-]+\s+){0,4}$|\bfired\s+from\s+(?:the\s+)?(?:[\w'-]+\s+){0,4}$")


# the aim of a fight is not where it is fought: "battled outside Aleppo in a bid to break the siege of its east"
PURPOSE_BEFORE = Caseless(r"\b(?:in a bid to|in an? (?:attempt|effort|push|drive) to|aim(?:ed|ing|s)? (?:at|to)|"
                          r"seeking to|trying to|try to|to (?:break|ease|lift|end|relieve|reach|link up with))\b[^.;:]{0,60}$")


# where an aircraft or convoy was going is not where it was hit: "after delivering aid to Aleppo"
DESTINATION_BEFORE = Caseless(r"\b(?:deliver(?:ing|ed)?|bring(?:ing)?|carry(?:ing)?|fl(?:ying|ew)|head(?:ing|ed)|"
                              r"en route|on (?:its|their) way|return(?:ing|ed)?)\s+(?:[\w'-]+\s+){0,2}to\s+"
                              r"(?:the\s+)?$")


NOT_TARGET_AFTER = re.compile(r"^(?:'s|s)?\s+(?:police|province source|tv|television|channel|brigades?|news|agency|"
                              r"governorate council|city council|media|university|"
                              r"health directorate|directorate|local council|provincial council)\b", re.I)


SPEAKER_PLACE = Caseless(r"\b(?:source|sources|official|officials|governor|spokesman|command|council|directorate|"
                         r"department|correspondent|reporter)\s+(?:at|in|of|for)\s+(?:the\s+)?$")


# an attack told right before a place abroad: "a car bomb exploded in Ankara", "the attack at the airport in Istanbul"
ATTACK_AT = Caseless(r"\b(?:attack\w*|bomb\w*|blasts?|explo\w+|strikes?|struck|shooting|gunm[ae]n|killed|shot|"
                     r"stabb\w*|rammed|assassinat\w*|suicide\w*|hit|hits|landed|fell|shell\w*|rockets?|"
                     r"mortars?|targeted)\s+(?:[\w'-]+\s+){0,5}?(?:in|at|on|near|of)?\s*"
                     r"(?:the\s+)?(?:[\w'-]+\s+){0,2}$")


# a capital standing for its government: "Damascus ally Hezbollah", "Moscow-backed forces", "Ankara's officials"
METONYM_AFTER = re.compile(r"^(?:'s|s)?(?:\s+|-)(?:ally|allies|backed|government|regime|authorities|officials?)\b", re.I)


PEOPLE_FROM_AFTER = re.compile(r"^(?:'s|s)?\s+(?:evacuees|residents|refugees|natives|displaced|families|people)\b", re.I)


def is_abroad(p: Place) -> bool:
    """A place outside Syria (a capital, a venue of talks): the war's news names it mostly as a speaker."""
    return p.kind == "venue" or bool(p.country and p.country != "Syria")


def is_target_place(s: Sentence, m) -> bool:
    """Is the place mention ``m`` where something happened, not where a speaker or a gun sits
    ("a source at Aleppo Police Command", "shells fired from X")?"""
    t = s.text
    rel, rel_end = m.start - s.span.start, m.end - s.span.start
    return not (ORIGIN_BEFORE.search(t[max(0, rel - 60):rel]) or NOT_TARGET_AFTER.match(t[rel_end:rel_end + 30]))


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
        if LAUNCHED_FROM_BEFORE.search(t[max(0, rel - 60):rel]):
            continue                    # "terrorists positioned on the outskirts of X": where the fire came from
        if p.kind == "country" or (penalty and SPEAKER_PLACE.search(t[max(0, rel - 30):rel])):
            continue                    # "a source at Aleppo province said": where the speaker sits
        if DESTINATION_BEFORE.search(t[max(0, rel - 50):rel]):
            continue                    # "shot down after delivering aid to Aleppo": where it was going
        if is_abroad(p) and not ATTACK_AT.search(t[max(0, rel - 60):rel]):
            continue                    # "Moscow denied ...", "talks in Geneva": a capital as speaker or venue
        if p.kind in ("city", "venue") and (METONYM_AFTER.match(t[rel_end:rel_end + 20])
                                            or re.search(r"\b(?:pro|anti)-$", t[max(0, rel - 5):rel], re.I)):
            continue                    # "Damascus ally Hezbollah", "pro-Damascus media": the government, not a place
        if PEOPLE_FROM_AFTER.match(t[rel_end:rel_end + 20]):
            continue                    # "Madaya evacuees said ...": people from a place, not an attack there
        if _placed_elsewhere(s, m):
            continue                    # "al-Kallaseh in Damascus": a namesake of Aleppo's, not it
        if best is None or rank < best[2]:
            best = (p, p.side, rank)
    def targeted(spans):
        return [(a, b) for a, b in spans
                if not ORIGIN_BEFORE.search(t[max(0, a - 60):a]) and not NOT_TARGET_AFTER.match(t[b:b + 30])
                and not PURPOSE_BEFORE.search(t[max(0, a - 70):a])]
    east = targeted(s.cues.get("side_east", []))
    west = targeted(s.cues.get("side_west", []))
    outside_cue = targeted(s.cues.get("side_outside", []))
    kurdish_cue = targeted(s.cues.get("side_kurdish", []))
    # a named place outside the city: a town, or a governorate other than Aleppo's ("Idlib province's last
    # two regime-held villages" are not western Aleppo)
    outside_place = best is not None and best[1] == "outside" and (
        best[0].precision <= 3 or (best[0].governorate not in ("", "aleppo") and best[0].kind != "country"))
    if kurdish_cue and not east and not west and about_aleppo and (best is None or best[2] > 2) \
            and not outside_place:     # "the Kurdish-majority city of Qamishli" is not Sheikh Maqsoud
        return _control_place("kurdish"), "city", 2.5
    aleppo_named = any(m.value.governorate == "aleppo" for m in s.places)
    if outside_cue and (not east and not west or not aleppo_named) and (best is None or best[2] > 2 or best[1] == "city"):
        # "an opposition-held area in the country's centre": held by the rebels, but not Aleppo's east
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


IN_OR_OF = re.compile(r"(?:\s+(?:neighbou?rhood|district|area|quarter))?,?\s+(?:in|of)\s+(?:the\s+)?(?:city\s+of\s+)?$", re.I)


def _placed_elsewhere(s: Sentence, m) -> bool:
    """Is the place mention ``m`` said to lie in a city or province of another governorate than its own
    ("the al-Kallaseh neighbourhood in Damascus")? The gazetteer's place of that name is then not this one."""
    p = m.value
    if p.kind not in ("neighbourhood", "site") or not p.governorate:
        return False
    for q in s.places:
        if q.start > m.end and q.start - m.end <= 40 and q.value.kind in ("city", "governorate", "town") \
                and q.value.governorate and q.value.governorate != p.governorate \
                and IN_OR_OF.fullmatch(s.text[m.end - s.span.start:q.start - s.span.start]):
            return True
    return False


def _target_cue(t, spans):
    """How surely a side cue names the target: after a target word ("fired into the besieged", "shelling of
    government-held areas"), and not in a clause about an earlier event ("after an offensive against besieged
    districts")."""
    return max((1 if TARGET_WORD_BEFORE.search(t[max(0, a - 30):a]) else 0)
               - (1 if EARLIER_CLAUSE_BEFORE.search(t[max(0, a - 90):a]) else 0) for a, _ in spans)


TARGET_WORD_BEFORE = re.compile(r"\b(?:on|into|in|at|against|targeted|hit|pounded|(?:shelling|bombardment|bombing|"
                                r"attacks?|assault|strikes?|raids?) of)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
EARLIER_CLAUSE_BEFORE = re.compile(r"\b(?:after|since|following)\b[^,;.]{0,80}$", re.I)


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
