"""Numbers in war reporting: digits and words, qualifiers, vague quantities, casualty figures."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from ..models import Mention
from ..resources import literal_automaton
from ..text import Caseless, fold

UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
TENS["fourty"] = 40                      # a misspelling common enough in news copy
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
SPECIAL = {"a dozen": 12, "dozen": 12, "a hundred": 100, "a thousand": 1000, "a single": 1, "a child": 1,
           "a woman": 1, "a boy": 1, "a girl": 1, "a civilian": 1, "a person": 1, "a baby": 1, "an infant": 1,
           "a staff member": 1, "a citizen": 1, "a resident": 1, "a man": 1, "an elderly man": 1, "an old man": 1,
           "a soldier": 1, "a fighter": 1, "a journalist": 1, "a doctor": 1, "a nurse": 1, "a student": 1,
           "a teenager": 1, "a policeman": 1, "a worker": 1, "a volunteer": 1, "a": 1, "an": 1}
# "a"/"an" count as one only right before a victim noun (see _A_VICTIM), never on their own
_SINGLE_ARTICLE = ("a", "an")
# longest first: an alternation takes the first that fits ("tens of thousands" before "tens")
VAGUE = tuple(sorted(("dozens", "scores", "hundreds", "thousands", "several", "many", "a number of", "tens",
                      "numerous", "a few", "some", "tens of thousands", "hundreds of thousands",
                      "several hundred", "several thousand", "a few hundred", "a few thousand"),
                     key=len, reverse=True))
QUALIFIERS = {
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least", "a minimum of": "at_least",
    "more than": "more_than", "over": "more_than", "upwards of": "more_than",
    "up to": "up_to", "as many as": "up_to", "at most": "up_to",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly",
    "about": "about", "around": "about", "some": "about", "approximately": "about", "roughly": "about",
}


def _alt(words) -> str:
    """One regex for a set of literals, factored by their common prefixes (``re`` tries an alternation's
    branches one by one; a trie tries each letter once). A literal that is a prefix of another is tried
    after it: the longest one matches first, as in an alternation sorted longest first."""
    tree: dict = {}
    for w in words:
        node = tree
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(c) + emit(sub) for c, sub in sorted(node.items()) if c]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return "(?:" + emit(tree) + ")"


# A cardinal in words is read whole, never cut at its first part: "one hundred and twenty", "two thousand
# and nineteen", "two hundred fifty thousand", "twenty-five", "twentyone". The regex takes the whole run of
# number words (joined by a hyphen or a space, or by " and " after a scale word); ``parse_number`` then
# checks that the run is well formed, so "sixty fifteen" is read as one malformed run, not as 60 or 15.
_UNIT = _alt(k for k, v in UNITS.items() if 1 <= v <= 9)
_SCALE = r"(?:hundred|thousand|million|billion)"
# a number word; a tens word may have its unit written on ("twentyone"): every tens word ends in "ty"
_WORD = (r"(?:" + _alt(list(UNITS) + list(TENS) + list(SCALES) + ["dozen"]) + r"(?:(?<=ty)" + _UNIT + r")?"
         r"|a(?=[- ](?:" + _SCALE[3:-1] + r"|dozen)))")
_AFTER_SCALE = r"(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))"
_FRACTION = r"(?:(?:half|(?:a|one|three) quarters? of) an? (?:million|thousand|hundred|dozen))"
_WORDS = r"(?:" + _FRACTION + r"|" + _WORD + r"(?:(?:[- ]|" + _AFTER_SCALE + r" and )" + _WORD + r")*)"
# Digits: grouped by commas ("1,200"), or by a space as in copy that drops commas ("1 200", "200 000";
# never a day after a month name, "October 16 300 people"), or plain; a scale word may follow ("1.5 million").
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                "nov", "dec")
_NOT_AFTER_MONTH = "".join(r"(?<!" + m + sep + r")" for m in _MONTH_NAMES for sep in (" ", r"\. ")
                           if sep == " " or len(m) <= 4)
_SPACE_GROUPED = r"[1-9]\d{0,2}(?:[ \xa0\u202f]\d{3})+(?!\d)"
_DIGITS = (r"(?=\d)(?:(?:[1-9]\d{0,2}(?:,\d{3})+|(?=" + _SPACE_GROUPED + r")" + _NOT_AFTER_MONTH + _SPACE_GROUPED
           + r"|\d+(?:\.\d+)?)"
           r"(?:[ -]?(?:hundred|thousand|million|billion))?)")
NUMBER = (r"(?:" + _DIGITS + r"|" + _WORDS + r"|"
          + "|".join(re.escape(k) for k in sorted(SPECIAL, key=len, reverse=True) if k not in _SINGLE_ARTICLE)
          + r")")
_NUMBER_RE = re.compile(r"(?<![\w-])(?:" + NUMBER + r")(?![\w-])", re.IGNORECASE)
_QUALIFIERS_LONGEST_FIRST = tuple(sorted(QUALIFIERS, key=len, reverse=True))
QUALIFIER = r"(?:" + "|".join(_QUALIFIERS_LONGEST_FIRST) + r")"
VAGUE_RE = _alt(VAGUE)
_VAGUE_WHOLE = re.compile(VAGUE_RE, re.I)

_DIGIT_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \xa0\u202f]\d{3})+|\d+(?:\.\d+)?)"
                           r"(?:[ -]?(hundred|thousand|million|billion))?")
_KIND = {**{w: "unit" for w, v in UNITS.items() if v <= 9}, **{w: "teen" for w, v in UNITS.items() if v >= 10},
         **{w: "tens" for w in TENS}}


def _tokens(words: str) -> Optional[list]:
    """Number words of ``words`` ("twentyone" split into "twenty", "one"); "and" kept; None on a stray word."""
    out = []
    for tok in re.split(r"[\s-]+", words):
        if tok in _KIND or tok in SCALES or tok in ("and", "a", "dozen"):
            out.append(tok)
            continue
        head = next((t for t in TENS if tok.startswith(t) and tok[len(t):] in UNITS and UNITS[tok[len(t):]] <= 9),
                    None)
        if head is None or tok == head:
            return None
        out += [head, tok[len(head):]]
    return out


def _words_value(tokens: list) -> Optional[int]:
    """The value of a well-formed sequence of number words, None if malformed ("sixty fifteen", "five zero")."""
    total, group, last, big = 0, 0, None, None
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        kind = _KIND.get(tok)
        if tok == "a":
            if i or nxt not in SCALES and nxt != "dozen":
                return None
            group, last = 1, "unit"
        elif tok == "and":
            if last not in ("hundred", "big") or _KIND.get(nxt) is None:
                return None
        elif tok == "zero":
            if len(tokens) > 1:
                return None
            return 0
        elif kind == "unit":
            if last not in (None, "tens", "hundred", "big"):
                return None
            group, last = group + UNITS[tok], "unit"
        elif kind in ("teen", "tens"):
            if last not in (None, "hundred", "big"):
                return None
            group, last = group + (UNITS.get(tok) if kind == "teen" else TENS[tok]), kind
        elif tok == "hundred":
            if last not in ("unit", "teen", "tens") or group >= 100:
                return None
            group, last = group * 100, "hundred"
        elif tok == "dozen":
            if last not in ("unit", "teen", "tens") or nxt is not None:
                return None
            group, last = group * 12, "dozen"
        elif tok in SCALES:
            scale = SCALES[tok]
            if last not in ("unit", "teen", "tens", "hundred") or (big is not None and scale >= big):
                return None
            total, group, last, big = total + group * scale, 0, "big", scale
        else:
            return None
    return total + group if last is not None else None


_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[,\s]")
_FRACTION = re.compile(r"(half|(?:a|one|three) quarters? of) an? (dozen|hundred|thousand|million|billion)")


def parse_number(surface: str) -> Optional[int]:
    """'eight' -> 8, 'twenty-five' -> 25, 'one hundred and twenty' -> 120, 'two hundred fifty thousand' ->
    250000, '1,200' and '1 200' -> 1200, '1.5 million' -> 1500000, 'a dozen' -> 12; None if not a cardinal
    (an ordinal, a vague word, a malformed sequence)."""
    s = _SPACES.sub(" ", surface.strip().lower().replace("\u2010", "-"))
    if s in SPECIAL:
        return SPECIAL[s]
    m = _DIGIT_NUMBER.fullmatch(s)
    if m:
        digits = _SEPARATORS.sub("", m.group(1))
        mult = SCALES[m.group(2)] if m.group(2) else 1
        return int(Decimal(digits) * mult)
    part = _FRACTION.fullmatch(s)
    if part:
        whole = 12 if part.group(2) == "dozen" else SCALES[part.group(2)]
        share = {"half": 2, "a quarter of": 4, "one quarter of": 4}.get(part.group(1))
        return whole // share if share else whole * 3 // 4 if part.group(1) == "three quarters of" else None
    tokens = _tokens(s)
    return _words_value(tokens) if tokens else None


def qualify(value: int, qualifier: Optional[str]) -> tuple:
    """(low, best, high) for a figure and its qualifier: 'at least 13' -> (13, 13, None)."""
    if qualifier in ("at_least", "more_than"):
        return value, value, None
    if qualifier == "up_to":
        return None, value, value
    if qualifier in ("nearly", "about"):
        return int(value * 0.9), value, int(round(value * 1.1))
    return value, value, value


@dataclass
class Figure:
    """A casualty figure in a sentence: which field it counts, its value and span."""
    field: str                  # killed | injured | children_killed | women_killed
    value: Optional[int]        # None when vague ("dozens")
    qualifier: Optional[str]    # exact | at_least | more_than | up_to | nearly | about | vague
    start: int
    end: int
    surface: str
    rule: str
    revised: bool = False       # "rose to", "climbed to"

    def mention(self) -> Mention:
        return Mention(self.value, self.surface, self.start, self.end, self.rule)


_Q = r"(?:(?P<q>" + QUALIFIER + r")\s+)?"
# a number read whole is never next to a number word: "sixty fifteen" and "five zero" are malformed runs, not a
# count of sixty, fifteen, five or zero; and "17:27 Nine civilians killed" counts nine, not 27
_NUMBER_WORD = _alt(list(UNITS) + list(TENS) + list(SCALES))
_N = r"(?P<n>(?:" + VAGUE_RE + r"|" + NUMBER + r")(?![\w-])(?![- ]" + _NUMBER_WORD + r"(?![\w-])))"
_VICTIM = (r"(?:\([^()]{1,30}\)\s+|[-\u2013\u2014]\s*(?:including|among them|among whom|of whom|mostly|most of them|[\w-]+\s+of\s+(?:them|whom))\s"
           r"[^-\u2013\u2014.;()]{1,60}?\s[-\u2013\u2014]\s+|(?:including|among them)\s+(?:" + NUMBER + r")\s+\w+\s+|(?:" + NUMBER
           + r")\s+of\s+(?:them|whom)\s+(?:were\s+)?\w+,?\s+|(?:" + NUMBER
           + r")\s+(?:women|men|children|woman|man|child)\s+|(?:other|more|others|civilian|civilians|people|persons|person|citizens|citizen|residents|"
           r"patients|fighters|soldiers|troops|militants|rebels|members|women|woman|men|man|children|child|kids|"
           r"babies|infants|boys|girls|students|pupils|workers|volunteers|rescuers|staff|doctors|nurses|family|"
           r"families|individuals|bodies|innocent|syrian|syrians|of|them|whom|including|were|was|have|has|been|"
           r"had|are|is|reportedly|also|all|the|in|total|wounded|injured|and|among|later|subsequently|a|an|"
           r"others?|rescue|aid|medical|emergency|civil|defence|defense|humanitarian|journalists?|health|relief|security|"
           r"police|policemen|army|government|opposition|pro-government|volunteering|finest|unarmed|more|terrorists|"
           r"gunmen|insurgents|jihadists|servicemen|officers|personnel|guards|combatants|terrorist|militant|regime|forces|"
           r"pro-regime|loyalists?|mainly|mostly|most|many|[A-Z][\w-]+),?\s+){0,7}?")
_KILL = r"(?P<kv>killed|dead|died|dying|deaths|slain|martyred|lost their lives|perished|fatalities|massacred|bodies)"
_HURT = r"(?P<hv>injured|wounded|hurt|injuries|suffered suffocation|suffocation cases|suffered from suffocation)"
_CHILD = r"(?:children|child|kids|minors|infants|infant|babies|baby|boys|boy|girls|girl|toddlers?|newborns?|schoolchild(?:ren)?|schoolboys?|schoolgirls?)"
_WOMEN = r"(?:women|woman)"
# (compiled once: what ``find_figures`` reads between a number and its verb)
_HURT_WORD = re.compile(r"\b(?:injured|wounded)\b", re.I)
_CHILD_AT_END = re.compile(r"\b(?:child|baby|infant|boy|girl)$", re.I)
_CHILD_NEXT = re.compile(r"\s*+" + _CHILD + r"\b", re.I)
_WOMEN_NEXT = re.compile(r"\s*" + _WOMEN + r"\b", re.I)
_AMONG = re.compile(r"\bamong\b", re.I)
_WHOSE = re.compile(r"\s*(?:\w+\s+)?whose\b", re.I)

# a family named by its members: an adult and (N, else one) relatives, or a couple and (N, else one) children
_ADULT = r"(?:mother|father|woman|man|husband|wife|parent|grandfather|grandmother|brother|sister)"
_KID = r"(?:children|child|daughters?|sons?|kids|infants?|bab(?:y|ies)|grandchildren|grandsons?|granddaughters?)"
_KIN = r"(?:wife|husband|brothers?|sisters?|mother|father|parents)"
_YOUNG = r"(?:\s+(?:young|little|infant|baby|teenage|newborn|\w+-year-old))?"
_FAMILY = (r"(?:(?:\ba|\bone|\bthe)\s+(?:young\s+|elderly\s+)?" + _ADULT + r"\s+and\s+(?:her|his|their)"
           r"(?:\s+(?P<n>" + NUMBER + r"))?" + _YOUNG + r"\s+(?:(?P<kid>" + _KID + r")|" + _KIN + r")"
           r"|(?P<na>" + NUMBER + r")\s+(?:women|men|mothers|fathers)\s+and\s+their\s+(?P<n3>" + NUMBER + r")\s+"
           r"(?P<kid3>children|daughters|sons|kids|infants|babies)"
           r"|\ba\s+(?:married\s+|young\s+|elderly\s+)?couple(?!\s+of\b)(?:\s+and\s+their(?:\s+(?P<n2>" + NUMBER
           + r"))?" + _YOUNG + r"\s+(?P<kid2>" + _KID + r"))?)\b")


# a list of people named one by one: "a father, a mother and a son were killed" (3, one a child)
_ONE_KID = r"(?:son|daughter|child|baby|infant|boy|girl|toddler|grandson|granddaughter)"
_ONE_PERSON = (r"(?:a|an|one|1|his|her|their|another)\s+(?:young\s+|little\s+|old\s+|elderly\s+|teenage\s+|infant\s+)?(?:"
               + _ONE_KID + r"|mother|father|wife|husband|brother|sister|grandfather|grandmother|uncle|aunt|cousin|"
               r"nephew|niece|woman|man)\b")
# ... or counted, within such a list: "a boy, a girl and two women were killed" (4, two of them children)
_SOME_KIDS = r"(?:children|sons|daughters|boys|girls|toddlers|grandchildren|infants|babies)"
_SOME_PEOPLE = (r"(?:" + NUMBER + r")\s+(?:young\s+|little\s+|elderly\s+|teenage\s+)?(?:" + _SOME_KIDS
                + r"|women|men|brothers|sisters)\b")
_LIST_MEMBER = r"(?:" + _ONE_PERSON + r"|" + _SOME_PEOPLE + r")"
_LIST_MEMBER_RE = Caseless(r"\b" + _LIST_MEMBER)
_SOME_PEOPLE_RE = Caseless(r"(?P<n>" + NUMBER + r")\s+(?:\w+\s+)?(?P<who>" + _SOME_KIDS + r"|women|men|brothers|sisters)\b")
_KID_RE = Caseless(r"\b(?:" + _ONE_KID + r"|" + _SOME_KIDS + r")\b")
_PERSON_LIST = r"\b(?P<people>" + _LIST_MEMBER + r"(?:(?:\s*,\s*|\s+)(?:and\s+)?" + _LIST_MEMBER + r")+)"


_PATTERNS = [
    # people named one by one: "a grandfather, a mother and her son were killed" (3)
    ("people", Caseless(_PERSON_LIST + r"(?:\s+(?:were|have been|had been)\s+(?:\w+\s+)?(?:killed|slain)|"
                        r"\s+(?:died|perished|lost their lives))\b")),
    ("people", Caseless(r"\b(?:kill(?:s|ed|ing)?|claim(?:s|ed|ing)? the lives of|deaths? of)\s+" + _PERSON_LIST)),
    # "another son and a grandfather sustained severe injuries" (2 injured)
    ("people_hurt", Caseless(_PERSON_LIST + r"\s+(?:(?:were|was|have been|had been)\s+(?:\w+\s+)?"
                             r"(?:injured|wounded|hurt)|(?:sustained|suffered)\s+(?:\w+\s+)?(?:injuries|wounds))\b")),
    # one relative of a victim just named: "a child was killed and his mother wounded" (1 injured)
    ("kin_one", Caseless(r"\b(?:and|while)\s+(?P<people>(?:his|her|their)\s+(?:young\s+|little\s+|elderly\s+)?"
                         r"(?P<kin>mother|father|wife|husband|son|daughter|brother|sister|child|baby|grandfather|"
                         r"grandmother))\s+(?:was\s+|had\s+been\s+)?(?:also\s+)?(?:seriously\s+|badly\s+|critically\s+|"
                         r"lightly\s+)?(?P<st>killed|wounded|injured|hurt)\b")),
    # a family named by its members is a count: "a mother and her two daughters were killed" (3), "killing a
    # man and his wife" (2), "claiming the lives of a couple and their three children" (5)
    ("family", Caseless(_FAMILY + r"(?:\s+(?:were|have been|had been|was)\s+(?:\w+\s+)?(?:killed|slain)|"
                        r"\s+(?:died|perished|lost their lives))\b")),
    ("family", Caseless(r"\b(?:kill(?:s|ed|ing)?|claim(?:s|ed|ing)? the lives of)\s+" + _FAMILY)),
    ("family", Caseless(r"\b(?:left|leaving|leaves)\s+" + _FAMILY + r"\s+dead\b")),
    # a family counted whole: "killing a family of six", "wiped out an entire family of five"
    ("family_of", Caseless(r"\b(?:kill(?:s|ed|ing)?|claim(?:s|ed|ing)? the lives of|wip(?:ed|ing) out)\s+"
                           r"(?:an?\s+|one\s+)?(?:entire\s+|whole\s+)?family\s+of\s+(?P<n>" + NUMBER + r")\b")),
    # "three children were among the dead": children only, the whole toll is told elsewhere
    ("children_among_dead", Caseless(
        r"(?P<c>" + NUMBER + r")\s+" + _CHILD + r"(?:\s+and\s+(?P<w>an?|" + NUMBER + r")\s+" + _WOMEN + r")?"
        r"\s+(?:were|are)\s+(?:reportedly\s+)?among\s+(?:the\s+)?"
        r"(?:dead|victims|fatalities|killed|people killed|those killed)\b(?!\s+\d)")),
    # "the dead included two doctors and three children": the children among the dead told apart
    ("dead_included", Caseless(
        r"\b(?:the dead|the victims|those killed|the fatalities)\s+(?:also\s+)?includ(?:ed|es|e)\s+"
        r"(?:[\w-]+\s+){0,6}?(?P<c>" + NUMBER + r")\s+" + _CHILD + r"\b")),
    # "Four children were among eight people killed"
    ("children_among", Caseless(
        _Q + r"(?P<c>an?|" + NUMBER + r")\s+" + _CHILD + r"\s+(?:were|are|was)\s+(?:also\s+)?(?:reportedly\s+)?"
        r"among\s+(?:the\s+)?"
        r"(?:(?P<q2>" + QUALIFIER + r")\s+)?(?P<n>" + NUMBER + r")\s+(?:\w+\s+){0,3}?(?:killed|dead)")),
    # "including 11 children", "among them a child and two women", "among whom 5 children"
    ("including", Caseless(
        r"(?:including|among them|among whom|of whom|among the dead(?: were)?|among the victims(?: were)?|"
        r"among those killed(?: were)?|(?:dead|victims|civilians|casualties)\s+(?:also\s+)?includ(?:ed|e))\s+" + _Q + r"(?P<n>" + NUMBER + r"|an?)\s+(?:\w+\s+)?(?P<who>" + _CHILD + "|" + _WOMEN
        + r")")),
    # "nine people, four of them children, were killed"
    ("of_them", Caseless(r"(?P<n>" + NUMBER + r")\s+of\s+(?:them|whom)\s+(?:were\s+|are\s+|was\s+|is\s+)?(?:an?\s+)?(?P<who>" + _CHILD + "|"
                         + _WOMEN + r")\b")),
    # "the death toll ... rose to 85", "toll jumped to 45", "the death toll from the strikes was 45"
    ("toll", Caseless(
        r"(?:death toll|toll|number of (?:dead|deaths|victims|martyrs))\b(?P<rest>[^.;]{0,140}?)\b(?P<verb>rose|risen|rises|climbed|"
        r"jumped|reached|increased|went up|mounted|stands|stood|was|is|has risen|had risen|to|at|of)\s+(?:to\s+|at\s+)?"
        + _Q + r"(?P<n>" + NUMBER + r")(?!\s*(?:percent|%|years|km|kilometers|miles))")),
    # the toll told verb first, as the Observatory writes it: "Rose to 13 the number of civilians who were killed"
    ("toll_first", Caseless(
        r"\b(?:rose|risen|rises|climbed|jumped|increased|went up)\s+to\s+" + _Q + r"(?P<n>" + NUMBER
        + r")\s+the\s+(?:death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|victims|martyrs|fatalities|"
        r"(?:civilians|people|persons|children)\s+(?:who\s+were\s+)?(?:killed|dead)))\b(?!\s+(?:\w+\s+){0,3}?(?:injur|wound))")),
    # "19 at least were documented", "13 at least were killed": the qualifier after the number
    ("n_postposed", Caseless(r"(?<![\w-])(?P<n>" + NUMBER + r")\s+(?P<q>at least|at most)\s+(?:of them\s+)?"
                             r"(?:were|have been|had been)\s+(?:documented|killed|confirmed dead)\b")),
    # "N people were killed", "13 killed", "eight others injured", "18 bodies"
    # ... never a number right before another ("124 At least four people were killed": the nearer one counts)
    ("n_then_verb", Caseless(_Q + _N + r"(?!\s+(?:" + QUALIFIER + r"\s+)?(?:" + NUMBER + r")(?![\w-]))(?!\s+(?:an?|the)\s)\s+"
                             + _VICTIM
                             + r"(?:" + _KILL + r"|" + _HURT + r")")),
    # "killed 13 people", "killing at least 20", "claiming the lives of three civilians", "injuring dozens"
    ("verb_then_n", Caseless(
        r"(?:(?P<kv>kill|kills|killed|killing|shot dead|shooting dead|gunned down|"
        r"claim(?:ed|ing|s)? the li(?:ves|fe) of|"
        r"death of|deaths of|lives of|executed|executing|massacred|bodies of)|(?P<hv>injur(?:e|es|ed|ing)|wound(?:s|ed|ing)?))"
        r"\s+(?:(?P<q>" + QUALIFIER + r")\s+)?(?:all\s+)?" + _N)),
    # "Mohammad Alaa Mesouti was killed": a named victim is one death
    ("named_victim", re.compile(
        r"(?<![\w-])(?P<n>(?:[A-Z][\w'-]+\s+){1,3}[A-Z][\w'-]+)\s+(?:was|has been|had been)\s+(?:\w+\s+)?"
        r"(?:killed|shot dead|executed|murdered|assassinated)\b")),
    # "left two patients dead and eight others injured"
    ("left_n_state", Caseless(
        r"(?:left|leaving|leaves)\s+(?:(?P<q>" + QUALIFIER + r")\s+)?" + _N
        + r"\s+(?:\w+\s+){0,3}?(?P<state>dead|martyrs|injured|wounded)")),
]


# "killed 12 soldiers and five civilians": a second group of the same dead, joined by "and"
_PERSONS = (r"(?:civilians?|soldiers?|troops|fighters|militants|rebels|insurgents|jihadists|terrorists|people|persons|"
            r"children|women|men|loyalists|policemen|police officers|members|gunmen|guards|workers|pilots|officers|"
            r"servicemen|personnel|volunteers|others)")
_COORDINATED = Caseless(r"\s+(?:[\w()-]+\s+){0,3}?and\s+(?:(?P<q>" + QUALIFIER + r")\s+)?(?P<m>" + NUMBER
                        + r")\s+(?:[\w-]+\s+){0,2}?(?P<who>" + _PERSONS + r")\b(?!\s+(?:(?:were|was|have been|had been)"
                        r"\s+)?(?:\w+\s+)?(?:wounded|injured|hurt))")


# the first group of the same dead, told before the count: "19 fighters from the group and four civilians were killed"
_COORDINATED_BEFORE = Caseless(r"(?<![\w.,-])(?P<m>" + NUMBER + r")\s+(?:[\w-]+\s+)?(?P<who>" + _PERSONS
                               + r")\b(?:\s+[\w-]+){0,4}?\s+and\s+$")
_INCLUSION_BEFORE = Caseless(r"\b(?:among them|among whom|of whom|including|among the dead|among the victims|"
                             r"the dead included|the victims included)\W*$")
_AND_CHILDREN = Caseless(r"\s+and\s+(?P<n>an?|" + NUMBER + r")\s+(?:\w+\s+)?" + _CHILD + r"\b")
_INCLUSIVE_GROUP = Caseless(r"\s+(?:civilians?|people|persons|residents|citizens|victims)\b")


def _coordinated(sentence: str, end: int, count: "Figure", before: Optional[int] = None) -> list:
    """A second group of dead after the count's ("killed 129 loyalists and 116 rebels"; "eight soldiers and
    three civilians were killed", the group then ending ``before`` the verb): the count becomes their sum (in
    place), and children named as the second group are counted as children too."""
    m = _COORDINATED.match(sentence, end)
    if m is not None and re.fullmatch(_CHILD + "|" + _WOMEN, m.group("who"), re.I) \
            and _INCLUSIVE_GROUP.match(sentence, end):
        return []         # "16 civilians and three children": the children are most likely among the civilians
    if m is None or (before is not None and m.end() > before) or re.search(r"\b(?:including|among|of whom|injur\w*|wound\w*)\b", m.group(0), re.I):
        return []
    more = parse_number(m.group("m"))
    if not more or _is_year_or_date(sentence, m.start("m"), m.end("m")):
        return []
    count.value += more
    if re.fullmatch(_CHILD, m.group("who"), re.I):
        return [Figure("children_killed", more, "exact", m.start("m"), m.end("m"), m.group("m"), count.rule + "_and")]
    return []


def count_people(listed: str) -> tuple:
    """(people, children) of a list of people named one by one or counted: "a boy, a girl and two women" is
    (4, 2); (None, 0) when a count cannot be read."""
    people = kids = 0
    for member in _LIST_MEMBER_RE.finditer(listed):
        some = _SOME_PEOPLE_RE.match(member.group(0))
        n = parse_number(some.group("n")) if some else 1
        if n is None:
            return None, 0
        people += n
        kids += n if _KID_RE.search(member.group(0)) else 0
    return people, kids


def _family_figures(m) -> list:
    """The dead of a family named by its members: the adult (or the couple) and the relatives named."""
    if m.group("na"):         # "two women and their seven children"
        adults, kids = parse_number(m.group("na")), parse_number(m.group("n3"))
        if adults is None or kids is None:
            return []
        return [Figure("killed", adults + kids, "exact", m.start(), m.end(), m.group(0), "family"),
                Figure("children_killed", kids, "exact", m.start(), m.end(), m.group(0), "family")]
    couple = m.group("n") is None and m.group("kid") is None and "couple" in m.group(0).lower()
    n_group, kid_group = ("n2", "kid2") if couple else ("n", "kid")
    relatives = 1
    if m.group(n_group):
        relatives = parse_number(m.group(n_group))
        if relatives is None:
            return []
    adults = 2 if couple else 1
    if couple and not m.group(kid_group):
        relatives = 0
    figs = [Figure("killed", adults + relatives, "exact", m.start(), m.end(), m.group(0), "family")]
    if m.group(kid_group):
        figs.append(Figure("children_killed", relatives, "exact", m.start(), m.end(), m.group(0), "family"))
    return figs


def _qualifier_of(m) -> str:
    q = (m.groupdict().get("q") or "").lower()
    if not q:
        pre = m.string[max(0, m.start() - 20):m.start()].lower().rstrip()
        for k in _QUALIFIERS_LONGEST_FIRST:
            if pre.endswith(k) and k not in ("some", "over", "about", "around"):
                q = k
                break
    return QUALIFIERS.get(q, "exact")


_NUMBER_WORD_BEFORE = Caseless(r"(?<![\w-])" + _NUMBER_WORD + r"[- ]$")
_NUMBER_WORD_AFTER = Caseless(r"[- ]" + _NUMBER_WORD + r"(?![\w-])")


def _figure(field, m, group, rule, qualifier=None, revised=False):
    surface = m.group(group)
    s = surface.lower()
    if _VAGUE_WHOLE.fullmatch(s):
        return Figure(field, None, "vague", m.start(group), m.end(group), surface, rule, revised)
    value = parse_number(surface)
    if value is None or _NUMBER_WORD_BEFORE.search(m.string, max(0, m.start(group) - 12), m.start(group)) \
            or _NUMBER_WORD_AFTER.match(m.string, m.end(group)):
        return None
    return Figure(field, value, qualifier or _qualifier_of(m), m.start(group), m.end(group), surface, rule, revised)


# a month's name or abbreviation, whole: "March", "Mar.", never the start of "martyrs" or "decades"
_MONTH_WORD = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
               r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b")


_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH_AFTER = re.compile(r"\s*" + _MONTH_WORD)
_MONTH_BEFORE = re.compile(_MONTH_WORD + r"\.?\s*$")
_UNIT_AFTER = re.compile(r"\s*(?:percent|%|km|kilomet|miles|metres|meters|years|year-old|days|hours|minutes|"
                         r"am|pm|a\.m|p\.m|o'clock|tons|tonnes|times|barrel|shells|rockets|missiles|air ?strikes|"
                         r"raids|strikes|mortar|bombs)")


def _is_year_or_date(sentence, start, end):
    s = sentence[start:end]
    if _YEAR.fullmatch(s):
        return True
    after = sentence[end:end + 12].lower()
    before = sentence[max(0, start - 12):start].lower()
    return bool(_MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before) or _UNIT_AFTER.match(after))


_GOVERNING_VERB = Caseless(r"(?:\bkill(?:s|ed|ing)?|claim(?:ed|ing|s)? the li(?:ves|fe) of|\bdeaths? of|\bleft|\bleaving|"
                           r"\binjur(?:e|es|ed|ing)|"
                            r"\bwound(?:s|ed|ing)?)\s+$")
# a verb that already has its own number before it ("8 persons killed 58 others injured") governs nothing after it
_VERB_WITH_OWN_NUMBER = Caseless(r"(?<![\w-])(?:" + NUMBER + r")\s+(?:\w+\s+){0,3}?(?:killed|injured|wounded|dead)\s+$")


# "8 persons killed 58 others injured": after the number, its victims and another verb (matched right after
# the number, never inside white space: the lookbehind only keeps a search through long white space linear)
_VICTIMS_THEN_HURT = Caseless(r"(?<!\s)\s+" + _VICTIM + r"(?:injured|wounded|hurt)\b")
# the dead counted with a relative: "two children were killed with their father"
_WITH_KIN = Caseless(r"\s+(?:(?:along\s+|together\s+)?with\s+(?:their|his|her)\s+(?P<kin>father|mother|parents|brother|"
                     r"sister|grandfather|grandmother)|(?:along|together)\s+with\s+(?P<more>" + NUMBER + r")\s+"
                     r"(?:other\s+)?(?:adults|teachers|women|men|people|civilians|others|staff|members|relatives|"
                     r"workers|volunteers|rescuers|soldiers|fighters)\b)")
# the figure an "including" qualifies is the wounded one: "six were injured including a girl"
_HURT_JUST_BEFORE = Caseless(r"\b(?:injured|wounded|hurt)\s*,?\s*$")
_NUMBER_OR_VAGUE = Caseless(r"(?<![\w-])(?:" + VAGUE_RE + r"|" + NUMBER + r")(?![\w-])")
_QUALIFIER_BEFORE = Caseless(QUALIFIER + r"\s+$")
# cheap tests that tell whether a pattern can match at all in a sentence (lower-cased)
_NEEDS = {"children_among": ("among",), "dead_included": ("includ",),
          "children_among_dead": ("among",), "family": (" and her ", " and his ", " and their ", "couple"), "family_of": ("family of",), "people": (" and ",), "people_hurt": (" and ",), "kin_one": ("his ", "her ", "their "), "of_them": (" of them ", " of whom "), "n_postposed": (" at least ", " at most "), "including": ("includ", "among", "of whom"),
          "named_victim": (" was ", " has been ", " had been "),
          "toll": ("toll", "number of"), "toll_first": ("toll", "number of"), "left_n_state": ("left", "leaving", "leaves"),
          "verb_then_n": ("kill", "death", "lives of", "life of", "execut", "massacred", "injur", "wound", "bodies of",
                          "shot dead", "shooting dead", "gunned down")}
# the patterns tried only where a number begins, and words one of which each of their matches holds after its
# start: no start after the last of them is tried
_NUMBER_LED = {"children_among": ("among",),
               "n_then_verb": ("killed", "dead", "died", "dying", "deaths", "slain", "martyred", "lost their lives",
                               "perished", "fatalities", "massacred", "bodies", "injured", "wounded", "hurt",
                               "injuries", "suffocation")}
# the qualifiers by their last letter, longest first: only those can end where that letter stands
_QUALIFIERS_ENDING_IN = {c: tuple(k for k in _QUALIFIERS_LONGEST_FIRST if k.endswith(c))
                         for c in {k[-1] for k in QUALIFIERS if k}}


def _number_starts(sentence: str, folded: Optional[str]) -> list:
    """Offsets where a figure (or the qualifier before it) begins: the only places number-led patterns can match."""
    out = []
    for a in _NUMBER_OR_VAGUE.starts(sentence):
        q = _qualifier_start(sentence, folded, max(0, a - 24), a)
        if q is not None:
            out.append(q)
        out.append(a)
    return sorted(set(out))


def _qualifier_start(sentence: str, folded: Optional[str], lo: int, hi: int) -> Optional[int]:
    """Where ``_QUALIFIER_BEFORE.search(sentence, lo, hi)`` matches: a qualifier that ends where the white space
    before ``hi`` begins, the longest one (the leftmost start) that fits after ``lo``."""
    if folded is None:
        q = _QUALIFIER_BEFORE.search(sentence, lo, hi)
        return q.start() if q else None
    j = lo + len(folded[lo:hi].rstrip())
    if j == hi or j <= lo:
        return None
    ending = _QUALIFIERS_ENDING_IN.get(folded[j - 1])
    if ending is None:
        return None           # (no qualifier ends on that letter)
    return next((j - len(k) for k in ending if folded.endswith(k, lo, j)), None)


def _matches(rule, rx, sentence, starts, folded):
    if rule not in _NUMBER_LED:
        yield from rx.finditer(sentence)
        return
    last = len(sentence) if folded is None else _last_of(folded, _NUMBER_LED[rule])
    last_end = 0
    for pos in starts:
        if pos >= last:
            break
        if pos < last_end:
            continue
        m = rx.match(sentence, pos)
        if m:
            last_end = m.end()
            yield m


def _last_of(text: str, words: tuple) -> int:
    """Where the last of ``words`` in ``text`` starts (-1 if none is there)."""
    last = -1
    for w in words:
        i = text.rfind(w)
        if i > last:
            last = i
    return last


def _needs_present(lower: str) -> set:
    """The literals of ``_NEEDS`` that a (lower-cased) sentence holds, found in one pass."""
    global _NEEDS_FINDER
    if _NEEDS_FINDER is None:
        _NEEDS_FINDER = literal_automaton({w: w for words in _NEEDS.values() for w in words})
    return {w for _, w in _NEEDS_FINDER.iter(lower)}


_NEEDS_FINDER = None


def _has_after(folded: Optional[str], words: tuple, pos: int) -> bool:
    """Does one of ``words`` occur at or after ``pos`` (always when the sentence has no folded form)?"""
    return folded is None or any(folded.find(w, pos) >= 0 for w in words)


def _governed(sentence: str, start: int) -> bool:
    """Is the number at ``start`` the object of a verb right before it ("killed two patients injured eight")?
    The verb ends where the white space before the number begins and is at most 21 letters long, so only the
    last 40 characters before that are searched."""
    verb_end = len(sentence[:start].rstrip())
    return bool(_GOVERNING_VERB.search(sentence, max(0, verb_end - 40), start))


_OR_HURT_AFTER = re.compile(r"\s*(?:or|and|and/or)\s+(?:wounded|injured|hurt)\b", re.I)
# ... with no object of its own after it ("and wounded a resident" is another count): a preposition, a stop, the
# end, or the next clause's capitalised subject (commas stripped: "dead and wounded the Observatory said")
_NO_OBJECT_AFTER = re.compile(r"\s*(?:(?:in|during|when|as|after|by|on|at|near|while)\b|[,.;]|$|(?:the\s+)?[A-Z])")


def find_figures(sentence: str) -> list:
    """Casualty figures stated in one sentence, spans relative to the sentence."""
    found, taken = [], []
    lower = sentence.lower()
    folded = fold(sentence)
    starts = _number_starts(sentence, folded)

    def free(a, b):
        return all(b <= s or a >= e for s, e in taken)

    present = _needs_present(lower)
    for rule, rx in _PATTERNS:
        needs = _NEEDS.get(rule)
        if needs is not None and present.isdisjoint(needs):
            continue
        for m in _matches(rule, rx, sentence, starts, folded):
            figs = []
            if rule == "family":
                figs = _family_figures(m)
            elif rule in ("people", "people_hurt"):
                if _INCLUSION_BEFORE.search(sentence, max(0, m.start("people") - 25), m.start("people")):
                    continue      # "11 civilians, among them four women and four children, were killed": a part
                people, kids = count_people(m.group("people"))
                if people is None:
                    continue
                where = (m.start("people"), m.end("people"), m.group("people"), rule)
                figs = [Figure("injured" if rule == "people_hurt" else "killed", people, "exact", *where)]
                if kids and rule == "people":
                    figs.append(Figure("children_killed", kids, "exact", *where))
            elif rule == "kin_one":
                where = (m.start("people"), m.end("people"), m.group("people"), rule)
                hurt = m.group("st").lower() != "killed"
                figs = [Figure("injured" if hurt else "killed", 1, "exact", *where)]
                if not hurt and m.group("kin").lower() in ("son", "daughter", "child", "baby"):
                    figs.append(Figure("children_killed", 1, "exact", *where))
            elif rule == "family_of":
                figs = [_figure("killed", m, "n", rule)]
            elif rule == "children_among_dead":
                figs = [_figure("children_killed", m, "c", rule)] + ([_figure("women_killed", m, "w", rule)]
                                                                     if m.group("w") else [])
            elif rule == "dead_included":
                figs = [_figure("children_killed", m, "c", rule)]
            elif rule == "children_among":
                figs = [_figure("children_killed", m, "c", rule), _figure("killed", m, "n", rule,
                        QUALIFIERS.get((m.group("q2") or "").lower(), "exact"))]
            elif rule in ("including", "of_them"):
                if _HURT_JUST_BEFORE.search(sentence, max(0, m.start() - 40), m.start()):
                    continue      # "six were injured including a girl": the children hurt, not killed
                field = "children_killed" if re.fullmatch(_CHILD, m.group("who"), re.I) else "women_killed"
                figs = [_figure(field, m, "n", rule)]
                kids = _AND_CHILDREN.match(sentence, m.end()) if field == "women_killed" else None
                if kids:          # "including two women and three children": the children too
                    figs.append(_figure("children_killed", kids, "n", rule))
            elif rule == "toll_first":
                figs = [_figure("killed", m, "n", rule, revised=True)]
            elif rule == "toll":
                revised = m.group("verb").lower() in ("rose", "risen", "rises", "climbed", "jumped", "reached",
                                                     "increased", "went up", "mounted", "has risen", "had risen")
                if re.search(r"\b(?:injur|wound)", m.group("rest") or "", re.I):
                    continue
                figs = [_figure("killed", m, "n", rule, revised=revised)]
            elif rule == "n_then_verb":
                field = "killed" if m.group("kv") else "injured"
                if _governed(sentence, m.start()) and \
                        not _VERB_WITH_OWN_NUMBER.search(sentence, max(0, m.start() - 60), m.start()):
                    continue      # "killed two patients injured eight": the verb before governs
                between = sentence[m.end("n"):m.start("kv" if m.group("kv") else "hv")]
                if _WHOSE.match(between):
                    continue      # "a man whose son was killed": the son, not the man
                if _HURT_WORD.search(between) and field == "killed":
                    continue
                hurt_too = _OR_HURT_AFTER.match(sentence, m.end("kv")) if field == "killed" else None
                if hurt_too and _NO_OBJECT_AFTER.match(sentence, hurt_too.end()):
                    continue      # "15 fighters were killed or wounded": dead and hurt in one count, neither known
                child_surface = _CHILD_AT_END.search(m.group("n"))
                if (child_surface or _CHILD_NEXT.match(between)) and field == "killed" and \
                        _AMONG.search(between) is None:
                    figs.append(_figure("children_killed", m, "n", rule + "_child"))
                if _WOMEN_NEXT.match(between) and field == "killed":
                    figs.append(_figure("women_killed", m, "n", rule + "_women"))
                count = _figure(field, m, "n", rule)
                if field == "killed" and count is not None and count.value:
                    figs += _coordinated(sentence, m.end("n"), count, before=m.start("kv"))
                    first = _COORDINATED_BEFORE.search(sentence, max(0, m.start() - 90), m.start())
                    more = parse_number(first.group("m")) if first else None
                    if more and free(first.start("m"), first.end("m")) \
                            and not _is_year_or_date(sentence, first.start("m"), first.end("m")):
                        count.value += more      # "19 fighters ... and four civilians were killed": 23
                kin = _WITH_KIN.match(sentence, m.end()) if field == "killed" and count and count.value else None
                if kin:           # "two children were killed with their father": the father is among the dead
                    more = parse_number(kin.group("more")) if kin.group("more") else None
                    count.value += more if more else 2 if (kin.group("kin") or "").lower() == "parents" else 1
                figs.append(count)
            elif rule == "n_postposed":
                figs = [_figure("killed", m, "n", rule)]
            elif rule == "named_victim":
                if re.match(r"(?:The|A|An|This|That|His|Her|Their|Its)\b", m.group("n")):
                    continue
                figs = [Figure("killed", 1, "exact", m.start("n"), m.end("n"), m.group("n"), rule)]
            elif rule == "left_n_state":
                dead = m.group("state").lower() in ("dead", "martyrs")
                figs = [_figure("killed" if dead else "injured", m, "n", rule)]
                if dead and re.search(r"\b" + _CHILD + r"$|^\s*" + _CHILD + r"\b",
                                      (m.group("n") + " " + sentence[m.end("n"):m.start("state")]).strip(), re.I):
                    figs.append(_figure("children_killed", m, "n", rule + "_child"))
            elif rule == "verb_then_n":
                field = "killed" if m.group("kv") else "injured"
                if _has_after(folded, ("injured", "wounded", "hurt"), m.end("n")) \
                        and _VICTIMS_THEN_HURT.match(sentence, m.end("n")) and \
                        _VERB_WITH_OWN_NUMBER.search(sentence, max(0, m.start() - 60), m.start("n")):
                    continue      # "8 persons killed 58 others injured": the number is the next verb's
                nxt = sentence[m.end("n"):m.end("n") + 25].lower()
                if field == "killed" and (re.match(r"\s+" + _CHILD + r"\b", nxt)
                                          or re.search(r"\b(?:child|baby|infant|boy|girl)$", m.group("n"), re.I)):
                    figs.append(_figure("children_killed", m, "n", rule + "_child"))
                count = _figure(field, m, "n", rule)
                if count is not None and count.value:
                    figs += _coordinated(sentence, m.end("n"), count)
                figs.append(count)
            for f in figs:
                if f is None or not free(f.start, f.end) and not rule.startswith("children_among"):
                    continue
                if f.value is not None and _is_year_or_date(sentence, f.start, f.end):
                    continue
                found.append(f)
            for f in figs:
                if f is not None:
                    taken.append((f.start, f.end))
    # the same number span may be read by two patterns; keep the first reading per (field, span)
    seen, out = set(), []
    for f in sorted(found, key=lambda f: f.start):
        key = (f.field, f.start)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
