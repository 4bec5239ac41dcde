"""Stage 6, incident mentions: does a sentence report an attack, of what type, by whom, with which figures."""
from __future__ import annotations

import re
from typing import Optional

from ..models import Claim
from ..text import Caseless
from .figures import NUMBER, Figure, _is_year_or_date, parse_number, qualify
from .places import is_abroad, is_target_place
from .scan import Sentence


TYPE_ORDER = ["chemical", "airstrike", "bombing", "shelling", "violence_against_civilians", "clashes", "other"]


# "on" a day or a clause ("on Sunday when the army ...") is not a target
_NOT_IN_TARGET = (r"(?!(?:when|as|after|while|where|because|and|but|before|monday|tuesday|wednesday|thursday|friday|"
                  r"saturday|sunday|morning|evening|night|afternoon|yesterday)\b)")
TARGET_BEFORE = Caseless(r"(?:\b(?:on|against|targeting|targeted|pounded|hit|struck|bombed|shelled|at|fighting|battling|"
                         r"destroyed|destroying|"
                         r"combating|combatting|fight)\s+(?:the\s+)?"
                         r"(?:" + _NOT_IN_TARGET + r"\w+\s+){0,3})$")
# the party whose positions were hit: "targeted positions of the Islamic State", "gatherings of terrorists"
POSITIONS_OF_BEFORE = re.compile(r"\b(?:positions|targets|bases?|headquarters|posts?|checkpoints?|gatherings|dens|"
                                 r"hideouts|concentrations|strongholds|convoys?|fortifications)\s+of\s+(?:the\s+)?"
                                 r"[\"\u201c']?$", re.I)
# "said the perpetrators are Turkey-backed militant groups", "the attack was carried out by"
NAMED_PERPETRATOR = Caseless(r"\b(?:perpetrators?|attackers?|culprits?)\s+(?:are|were|is|was)\s+(?:the\s+)?"
                             r"(?:[\w-]+\s+){0,2}$|\b(?:was|were)\s+(?:carried out|perpetrated|committed)\s+by\s+"
                             r"(?:the\s+)?(?:[\w-]+\s+){0,2}$")
# the group that claims the attack is its perpetrator
CLAIMS_IT = re.compile(r"(?:\s+\([^)]{0,40}\))?(?:\s+[\w-]+){0,4}?\s+(?:claim(?:ed|s)?|took|takes|accepted|admitted)\s+"
                       r"(?:the\s+)?(?:responsibility|credit)\b", re.I)
# "Daesh said that it killed 50 fighters", "the Nusra Front claimed to have downed a jet": the group's own claim
SAYS_IT_DID = Caseless(r"\s+(?:(?:also|later)\s+)?(?:said|says|claimed|claims|announced|boasted)\s+(?:that\s+)?(?:"
                       r"(?:it|they)\s+(?:had\s+|has\s+|have\s+)?|(?:its|their)\s+[\w-]+\s+(?:had\s+|have\s+)?|"
                       r"to\s+have\s+)(?:killed|shot|downed|destroyed|captured|seized|stormed|attacked|targeted|shelled|"
                       r"bombed|executed|ambushed|repelled|taken|took|recaptured|retook|regained|liberated)\b")
# "blaming the Syrian army for the attack", "accused rebels of": the side a speaker names as the attacker
BLAMED_BEFORE = Caseless(r"\b(?:blam(?:e|es|ed|ing)|accus(?:e|es|ed|ing)|held|holding|hold)\s+(?:the\s+)?$")
# "killed in clashes with the army": the side the victims fought is the one that killed them
CLASHED_WITH = Caseless(r"\b(?:killed|died|dead|slain|wounded|injured|lost their lives)\s+(?:\w+\s+){0,3}?(?:in|during)\s+"
                        r"(?:\w+\s+)?(?:clash(?:es)?|fighting|battles?|confrontations?|firefights?)\s+with\s+"
                        r"(?:the\s+)?(?:\w+\s+)?$")


SUPPORTER_BEFORE = Caseless(r"\b(?:backed|supported|aided|helped|assisted|covered)\s+by\s+(?:the\s+)?(?:\w+\s+)?$|"
                            r"\bwith the (?:support|help|backing) of\s+(?:the\s+)?$")


VICTIM_COUNT_BEFORE = Caseless(r"(?:\b\d[\d,]*|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                               r"fifteen|twenty|thirty|forty|fifty|dozens of|scores of|hundreds of))\s+(?:[\w-]+\s+)?$")


ATTACK_BEFORE_BY = Caseless(r"\b(?:killed|hit|targeted|carried out|dropped|fired|launched|bombed|shelled|struck|"
                            r"committed|perpetrated|caused|attacks?|strikes?|air ?strikes|raids?|shelling|bombardments?|"
                            r"fire|bombing|wounded|injured|executed|massacre|pounded|bombarded)\s+(?:\w+\s+){0,3}$")


def event_type_of(s: Sentence) -> tuple:
    """(event_type, strong) from a sentence's triggers; ("other", False) when none."""
    if not s.triggers:
        return "other", False
    strong = [tr for tr in s.triggers if tr[1] == "strong"]
    pool = strong or s.triggers
    best = min({tr[0] for tr in pool}, key=TYPE_ORDER.index)
    return best, bool(strong)


# who holds a place is not who attacked it: "areas held by rebels", "districts under the control of the regime"
CONTROL_BEFORE = Caseless(r"\b(?:held|controlled|run|besieged|encircled|surrounded|dominated|occupied|taken over)\s+by\s+"
                          r"(?:the\s+)?[\"\u201c\u2018']?"
                          r"(?:\w+\s+)?$|\bunder\s+(?:the\s+)?(?:control|siege)\s+of\s+(?:the\s+)?$")
# who declared, brokered or observed something is not an attacker: "a pause declared by Russia", "a deal brokered by"
ACT_BY_BEFORE = Caseless(r"\b(?:declared|announced|brokered|proposed|agreed|observed|imposed|mediated|sponsored|signed|"
                         r"negotiated|requested|ordered|approved|condemned|denied|reported|documented)\s+by\s+"
                         r"(?:the\s+)?(?:\w+\s+){0,4}$")
# a source naming the attacker of the attack just told
IDENTIFIED_AS = Caseless(r"\b(?:identified|described|named|recogni[sz]ed)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?as\s+"
                         r"(?:being\s+)?$")
# an armed party named as the one attacked: "the army came under fire", "rebels were targeted by ..."
VICTIM_AFTER = re.compile(r"^(?:'s|s)?\s+(?:[\w-]+\s+){0,4}?(?:(?:came|come|comes|coming)\s+under\b|"
                          r"(?:was|were|had been|have been|has been|being)\s+(?:\w+\s+)?(?:attacked|targeted|hit|"
                          r"shelled|bombed|ambushed|killed|wounded|struck|besieged|pounded|shot down|downed|destroyed|"
                          r"captured|kidnapped|abducted|overrun))", re.I)


# the party a loss is for: "the deadliest incident for Moscow", "a blow to the regime"
LOSS_FOR_BEFORE = re.compile(r"\b(?:deadliest|worst|heaviest|costliest|losses|loss|blow|setback|defeat)\s+"
                             r"(?:\w+\s+){0,2}(?:for|to)\s+(?:the\s+)?$", re.I)
# the source a report is told by is not its attacker: "according to a Kurdish militia", "according to the army"
ACCORDING_TO_BEFORE = Caseless(r"\baccording\s+to\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}$")
BANNED_IN_BEFORE = Caseless(r"\b(?:banned|outlawed|prohibited|proscribed)\s+in\s+(?:the\s+)?$")
# the party a trigger follows through a preposition is its victims: "terrorists in military operations",
# "militants during the shelling"
_VICTIMS_IN = re.compile(r"\s+(?:killed\s+|wounded\s+)?(?:in|during|amid|under|by)\s", re.I)
# (compiled once: what ``perpetrator`` reads around each actor it weighs)
_BY_BEFORE = Caseless(r"\bby\s+(?:the\s+)?(?:\w+\s+){0,2}$")
_TARGET_AFTER = re.compile(r"\s+(?:positions|targets|fighters were killed|bases?)\b", re.I)
_SPEAKER_AFTER = re.compile(r"\s++(?:(?:also\s++)?(?:say|says|said|told|claim|claimed|claims|reported|report|accuse[sd]?|"
                            r"den(?:y|ied|ies)|stated?|states|announced|added|noted|blamed|warned|insisted))\b", re.I)
_ACTS_AFTER = re.compile(r"\s++(?:\w+\s++){0,2}?(?:fired|shelled|targeted|bombed|launched|pounded|hit|dropped|executed|"
                         r"took control|captured|recaptured|seized|advanced|overran|took over|besieged|kidnapped|abducted|"
                         r"carried out|struck|attacked|stormed|killed|shot|opened fire|raided|launch|fire)\b", re.I)


def perpetrator(s: Sentence) -> tuple:
    """(actor, strength) of the attack a sentence reports; strength 0 when none is named."""
    t = s.text
    best, best_score = None, 0
    trig_starts = [tr[2] for tr in s.triggers]
    for actor, a, b in s.actors:
        before = t[max(0, a - 40):a]
        after = t[b:b + 40]
        score = 1
        if " as " in before and IDENTIFIED_AS.search(before) or NAMED_PERPETRATOR.search(before):
            score = 4                                  # "identified the jets as Russian", "the perpetrators are ..."
        elif "according" in before and ACCORDING_TO_BEFORE.search(before) or BANNED_IN_BEFORE.search(before):
            score = 0                                  # "..., according to a Kurdish militia": who tells it;
            #                                            "(a group banned in Russia)": who outlawed it
        elif (" by " in before or "under" in before) and (CONTROL_BEFORE.search(before) or ACT_BY_BEFORE.search(before)) \
                or VICTIM_AFTER.match(after) \
                or LOSS_FOR_BEFORE.search(before) or (" of" in before and POSITIONS_OF_BEFORE.search(before)):
            score = 0                                  # "areas held by rebels", "the army came under fire": not the attacker
        elif SUPPORTER_BEFORE.search(before):
            score = 1                                  # "the army, backed by Russian warplanes": a supporter
        elif CLASHED_WITH.search(t, max(0, a - 90), a) or BLAMED_BEFORE.search(before):
            score = 3                                  # "killed in clashes with the army", "blaming the army for"
        elif (by := _BY_BEFORE.search(before)) \
                and ATTACK_BEFORE_BY.search(t[max(0, a - 80):a - len(before) + by.start()]):
            score = 4                                  # "hit by regime bombing raids"
        elif any(a <= ts <= b + 2 for ts in trig_starts) and not TARGET_BEFORE.search(before):
            score = 3                                  # "three regime airstrikes": the weapon's owner, counted
        elif TARGET_BEFORE.search(before) or _TARGET_AFTER.match(after) or VICTIM_COUNT_BEFORE.search(before):
            score = 0                                  # a target or the victims ("40 terrorists killed"), not the attacker
        elif CLAIMS_IT.match(t, b) or SAYS_IT_DID.match(t, b):
            score = 5                                  # "IS on Monday claimed responsibility for the bombing"
        elif _SPEAKER_AFTER.match(after):
            score = 0                                  # a speaker ("Rebels say Russian jets ...")
        elif any(0 <= ts - b <= 25 and not _VICTIMS_IN.match(t, b, ts) for ts in trig_starts):
            score = 3                                  # "rebel shelling", "regime warplanes"
        elif _ACTS_AFTER.match(after):
            score = 3
        if score > best_score:
            best, best_score = actor, score
    return best, best_score


# a toll counted over more than the attack's day: "a second day of bombing that has killed 32", "over two days"
SEVERAL_DAYS = Caseless(r"\b(?:(?:second|third|fourth|fifth|two|three|four|five)\s+(?:straight\s+|consecutive\s+)?days?\b|"
                        r"(?:over|in|within)\s+(?:the\s+)?(?:past\s+|last\s+)?(?:two|three|four|five|several|\d+)\s+days\b|"
                        r"(?:past|last)\s+(?:24|48|72)\s+hours\b|since\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)")


def claim_priority(s: Sentence, c: Claim) -> int:
    """Which figures an incident reports: a revised toll (4), a sentence that names the place or day (3, 2),
    a bare one or one counted over several days (1), the headline, which often sums several attacks (0)."""
    if s.headline:
        return 0
    if SEVERAL_DAYS.search(s.text):
        return 1
    if any(f.revised for f in s.figures):
        return 4
    if any(p.value.precision <= 2 for p in s.places) or "side_east" in s.cues or "side_west" in s.cues:
        return 3
    if s.dates or s.places:
        return 2
    return 1


def claim_of(s: Sentence, source: Optional[str]) -> Optional[Claim]:
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


def source_of(s: Sentence) -> Optional[str]:
    return s.sources[0][0] if s.sources else None


def is_incident_candidate(s: Sentence) -> bool:
    """Does the sentence report an attack as news (not a threat, denial, aggregate or call to stop)?"""
    if "not_an_attack" in s.cues or ("aggregate" in s.cues and not aggregate_only_describes(s)
                                     and not aggregate_only_compares(s)):
        return False
    if "condemned" in s.cues and not s.dates and not any(f.value for f in s.figures):
        return False            # a condemnation of strikes in general; "condemned weekend raids on ..." is news
    if "ongoing" in s.cues and not s.dates and not any(f.value for f in s.figures):
        return False            # "the coalition is also battling IS with air strikes": the war described, no event
    for cue in ("threat", "denial"):
        # a warning or denial told after a toll of its own ("killed 10 ... after the UN warned of ...") leaves it
        # news, and so does the attack it answers ("threatened to end the talks after jets bombed a convoy")
        if cue in s.cues and not any(f.value and f.field in ("killed", "injured") and f.end <= s.cues[cue][0][0]
                                     for f in s.figures) and not _answers_an_attack(s, s.cues[cue][-1][1]):
            return False
    has_figure = any(f.field in ("killed", "injured", "children_killed") for f in s.figures)
    strong = any(tr[1] == "strong" for tr in s.triggers)
    weak = bool(s.triggers)
    located = any(m.value.kind != "country" and not is_abroad(m.value) for m in s.places) \
        or "side_east" in s.cues or "side_west" in s.cues or bool(s.local)      # "the village of X" too
    if strong and (located or has_figure or s.dates or s.actors):
        return True
    if weak and (has_figure or (located and (s.dates or s.kill_words))):
        return True
    in_country = any(m.value.kind == "country" for m in s.places)
    if weak and (located or in_country or (len(s.triggers) >= 2 and s.dates)) and _attacker_near_trigger(s):
        return True
    if has_figure and s.kill_words and (located or s.dates):
        return True
    if s.kill_words and located and s.dates and re.search(r"\bwas killed|were killed|killed in\b", s.text):
        return True
    return False


# the clause a warning answers: "... after warplanes bombed a convoy", "... following the shelling of"
ANSWERED_BY = Caseless(r"\b(?:after|following|in (?:response|retaliation) (?:to|for))\s+")


def _answers_an_attack(s: Sentence, cue_end: int) -> bool:
    """Does an attack trigger follow the warning or denial in a clause it answers ("after", "following")?"""
    m = ANSWERED_BY.search(s.text, cue_end)
    return m is not None and any(tr[2] >= m.end() for tr in s.triggers)


def aggregate_only_describes(s: Sentence) -> bool:
    """Is every period cue of the sentence a state that lasts ("the city, divided since July 2012"), not a count?"""
    states = [b for _, b in s.cues.get("since_state", ())]
    return bool(states) and all(any(0 <= a - b <= 2 and s.text[a:a + 5].lower() == "since" for b in states)
                                for a, _ in s.cues.get("aggregate", ()))


# a superlative the period only measures: "the highest toll in the city since the truce collapsed"
SUPERLATIVE_BEFORE = Caseless(r"\b(?:highest|deadliest|worst|heaviest|bloodiest|largest|biggest|fiercest|"
                              r"most (?:intense|violent|deadly|serious))\b(?:\s+[\w'-]+){0,6}\s+$")


def aggregate_only_compares(s: Sentence) -> bool:
    """Is every period cue of the sentence a "since" that a superlative before it measures against ("12 killed,
    the highest total since the ceasefire collapsed"): a comparison, the toll still the attack's own?"""
    cues = s.cues.get("aggregate", ())
    return bool(cues) and all(s.text[a:a + 5].lower() == "since" and SUPERLATIVE_BEFORE.search(s.text, max(0, a - 80), a)
                              for a, _ in cues)


def _attacker_near_trigger(s: Sentence) -> bool:
    actor, score = perpetrator(s)
    if score < 3:
        return False
    return any(abs(tr[2] - a) <= 40 for tr in s.triggers for act, a, _ in s.actors if act == actor)


# ---------------------------------------------------------------- one sentence, several attacks

# where a sentence may pass from one attack to the next: a semicolon, "while", "whereas", "meanwhile",
# "in addition to", "as well as", ", and", "and" before a new action or a new toll ("and seven others
# were killed in ..."), or a participle that opens a new action ("... destroying depots in ...")
_NUMBER_WORD = (r"(?:\d[\d,]*|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                r"ninety|hundreds|dozens|scores|several)")
MENTION_BOUNDARY = Caseless(
    r";\s*|,?\s+(?:while|whereas|meanwhile|in addition to|as well as|besides|elsewhere)[\s,]+|,\s+and\s+|,\s+also\s+|"
    # an attack dated by another: ", just a day after air strikes on ...", "two days after"
    r",\s+(?:just\s+|only\s+|barely\s+)?(?:a|one|two|three|four|five|six|several|\d+)\s+(?:days?|weeks?)\s+after\s+|"
    r"\s+and\s+(?=(?:also\s+)?(?:[\w-]+\s+){0,3}?(?:killed|killing|destroy\w*|hit|struck|targeted|shelled|bombed|"
    r"pounded|raided)\b)|"
    r"\s+and\s+(?=another\s+" + _NUMBER_WORD + r"\s+(?:people|civilians|persons|children)\s+(?:in|when|as)\b)|"
    r"\s+and\s+(?=" + _NUMBER_WORD + r"\s+(?:[\w-]+\s+)?(?:others?|more|people|civilians|persons|children|of them|"
    r"died|were|was)\b)|"
    r",?\s+(?=destroying\s)|"
    # a new subject after a comma, then its own attack: ", they also dropped ...", ", the helicopters dropped ..."
    r",\s+(?=(?:they|it|the\s+(?:[\w-]+\s+)?[\w-]+)\s+(?:also\s+)?(?:dropped|targeted|shelled|bombed|struck|hit|"
    r"carried out|launched|fired|pounded|raided|stormed|attacked)\b)|"
    # a monitor's next count: ", the Observatory also documented the death of 11 people ...", ", also the monitor
    # recorded ..."
    r",\s+(?=(?:also\s+)?(?:the\s+)?(?:[\w-]+\s+){1,4}?(?:also\s+)?(?:documented|recorded|counted|confirmed)\s+"
    r"(?:the\s+)?(?:death|deaths|killing|\d))")
_STARTS_WITH_PLACE_GAP = 3      # a clause that opens on a place continues a list of places ("X and Y were hit")


# the attack just told, then what went on at the time: "The strikes came as rebels battled the army in ..."
CAME_AS = Caseless(r"\s*(?:the|this|that|these|those)\s+(?:\w+\s+)?(?:attacks?|strikes?|air ?strikes?|raids?|"
                   r"bombing|bombardment|shelling|blast|explosion|assault|killings?|downing|incident)\s+"
                   r"(?:comes?|came|happened|took place)\s+(?:as|amid|while|during)\s+")


def _has_action(s: Sentence) -> bool:
    return bool(s.triggers) or any(f.field in ("killed", "injured", "children_killed") for f in s.figures) \
        or bool(re.search(r"\bdestroy", s.text, re.I))


def _has_own_attack(s: Sentence) -> bool:
    """An action of its own after a boundary: a weapon, a death toll, a destruction ("and 28 others were
    injured" is the same attack's wounded, not another attack)."""
    if any(f.field in ("killed", "children_killed") for f in s.figures) or re.search(r"\bdestroy", s.text, re.I):
        return True
    return bool(s.triggers) and not any(f.field == "injured" for f in s.figures)


def _has_place(s: Sentence) -> bool:
    """Does the clause name where something happened (not only where a speaker sits)?"""
    return bool(s.local) or any(m.value.kind not in ("country", "venue") and is_target_place(s, m) for m in s.places) or any(
        k in s.cues for k in ("side_east", "side_west", "side_outside", "side_kurdish"))


def _starts_with_place(s: Sentence) -> bool:
    lead = len(s.text) - len(s.text.lstrip())
    return any(m.start - s.span.start <= lead + _STARTS_WITH_PLACE_GAP for m in s.places) \
        or any(a <= lead + _STARTS_WITH_PLACE_GAP for _, a, _ in s.local)


# one item of a toll broken down by place: "11 were in al-Marja", "12 in Anadan", "30 of them in the city"
BREAKDOWN_ITEM = Caseless(r"(?<![\w-])(?P<n>" + NUMBER + r")\s+(?:(?:of them|people|civilians|persons|others|"
                          r"were killed|killed|died|dead|were|was)\s+){0,2}in\s+(?:the\s+)?(?:\w+\s+)?")
GOVERNED = re.compile(r"\b(?:kill(?:s|ed|ing)?|wound(?:s|ed|ing)?|injur(?:e|es|ed|ing)|left|leaving|claim(?:ed|ing)? "
                      r"the lives of)\s+(?:(?:at least|more than|nearly|about|some|over)\s+)?$", re.I)
GENERIC_PLACE = Caseless(r"(?:the\s+)?(?:city|town|village|countryside|province|suburbs|outskirts)\b")
MIN_BREAKDOWN_ITEMS = 2


def breakdown_items(s: Sentence) -> list:
    """(start, end, value) of each item of a toll broken down by place, relative to the sentence; empty unless
    the sentence holds ``MIN_BREAKDOWN_ITEMS`` or more ("50 killed: 30 in the city, 12 in Anadan, 8 in Hreitan")."""
    if not s.places or not any(f.field == "killed" for f in s.figures):
        return []             # a breakdown follows a toll and names where its parts fell
    t = s.text
    place_starts = {m.start - s.span.start for m in s.places}
    items = []
    for m in BREAKDOWN_ITEM.finditer(t):
        tail = t[m.start():m.end()]
        at = m.start() + tail.lower().rfind(" in ") + 4
        while at < len(t) and t[at] == " ":
            at += 1
        lead = t[at:at + 4].lower()
        starts = {at, at + 4} if lead == "the " else {at}
        if not (starts & place_starts or any(at <= p <= m.end() for p in place_starts) or GENERIC_PLACE.match(t, at)):
            continue
        if GOVERNED.search(t[max(0, m.start() - 30):m.start()]):
            continue          # "jets killed 12 in al-Shaar": a toll of its own attack, not a part of a total
        value = parse_number(m.group("n"))
        if value is not None and not _is_year_or_date(t, m.start("n"), m.end("n")):
            items.append((m.start(), m.end(), value))
    return items if len(items) >= MIN_BREAKDOWN_ITEMS else []


def _may_hold_two_attacks(s: Sentence) -> bool:
    """Two places (or sides) and two actions at least: the cheap test before looking for boundaries."""
    if len(s.places) + len(s.local) + len(s.cues) < 2:
        return False                  # (fewer than two places and sides, counted without reading them)
    places = {m.value.place_id for m in s.places if m.value.kind not in ("country", "venue")} \
        | {name for name, _, _ in s.local}
    sides = sum(k in s.cues for k in ("side_east", "side_west", "side_outside", "side_kurdish"))
    actions = len(s.triggers) + sum(f.field in ("killed", "injured", "children_killed") for f in s.figures)
    return len(places) + sides >= 2 and (actions >= 2 or "destroy" in s.text.lower())


def mention_cuts(s: Sentence, clause_of) -> list:
    """(start, end) of each boundary (relative to the sentence) where it passes from one attack to another.

    A cut is kept only when the clause before it (from the last cut) and the clause after it (to the
    next candidate boundary) each name their own place (or side) and their own action (a trigger, a
    toll, a destruction), and the clause after does not open on a place: "strikes on X and Y killed 30" is one attack on two neighbourhoods, "strikes on
    X killed 30, while jets hit Y, killing nine" is two. ``clause_of(start, end)`` analyses a slice."""
    if s.headline:
        return []
    came_as = CAME_AS.match(s.text)
    if came_as and came_as.end() < len(s.text):
        right = clause_of(came_as.end(), len(s.text))
        if _has_own_attack(right) and _has_place(right):
            return [(came_as.end(), came_as.end())]      # "The attack came as rebels battled ...": another event
    items = breakdown_items(s)
    if items:             # a toll broken down by place: one mention per part, cut before each part's number
        return [(a, a) for a, _, _ in items]
    if not _may_hold_two_attacks(s):
        return []
    t = s.text
    candidates = [(m.start(), m.end()) for m in MENTION_BOUNDARY.finditer(t) if 0 < m.start() and m.end() < len(t)]
    if not candidates:
        return []
    cuts, start = [], 0
    for i, (a, b) in enumerate(candidates):
        nxt = next((c[0] for c in candidates[i + 1:]), len(t))
        left = clause_of(start, a)
        if not (_has_action(left) and _has_place(left)):
            continue
        right = clause_of(b, nxt)
        if not _starts_with_place(right) and _has_own_attack(right) and _has_place(right):
            cuts.append((a, b))
            start = b
    return cuts


ANOTHER_LEAD = Caseless(r"\s*another\s+")


def split_mentions(s: Sentence, clause_of) -> list:
    """The sentence as one mention, or one mention per attack it reports (see ``mention_cuts``); later
    mentions keep the first as ``head``, from which they take a weapon or perpetrator they do not name."""
    cuts = mention_cuts(s, clause_of)
    if not cuts:
        return [s]
    bounds = [0] + [b for _, b in cuts]
    ends = [a for a, _ in cuts] + [len(s.text)]
    out = []
    for n, (a, b) in enumerate(zip(bounds, ends)):
        m = clause_of(a, b)
        m.clause = n
        m.head = out[0] if out else None
        lead = ANOTHER_LEAD.match(m.text) if n else None     # "and another four people in a strike on ..."
        item = BREAKDOWN_ITEM.match(m.text, lead.end() if lead else 0) if n else None
        if item and not any(f.field == "killed" for f in m.figures):
            value = parse_number(item.group("n"))
            if value is not None:     # a part of a broken-down toll counts deaths by construction
                m.figures.append(Figure("killed", value, "exact", item.start("n"), item.end("n"), item.group("n"),
                                        "breakdown"))
                m.kill_words = max(m.kill_words, 1)
        out.append(m)
    return out
