"""The date of a diplomatic act: the date attached to its trigger (not an attack's, not another act's, not
a reporting date), resolved by the tense of the act's clause ("will meet on Thursday": the coming Thursday),
relative clauses ("a day after ..."), and, for an undated act, the date its parties were just given."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from ...text import Caseless
from ..scan import Sentence
from .acts import PLAN_VERB, TO_ACT_BEFORE
from .parties import CLAUSE_BREAK, party_mentions

DIP_DATE_WINDOW = 80

SINCE = re.compile(r"\b(?:since|until|till|before)\s+(?:(?:early|late|mid-?)\s*)?$", re.I)
# "the first since October 3, when ...": the clause "when" opens is that day's
WHEN_AFTER = re.compile(r",?\s+when\b")
AS_OF = re.compile(r"\b(?:as of|as at|updated(?: on)?|figures? (?:for|from))\s*$", re.I)
RELATIVE_SPAN = Caseless(r"\b(?P<n>a|one|two|three|four|five|six|seven|\d+|a few|several|hours|days)\s*"
                         r"(?P<unit>days?|weeks?|hours?)?\s+(?P<rel>after|before)\b")
PART_OF_LAST_WEEK = Caseless(r"\b(?P<part>early|late|earlier|later|end of)\s+last\s+week\b")
FUTURE_CUE = Caseless(r"\b(?:will|shall|would(?!\s+have)|is to|are to|to be held|scheduled|is due|are due|due to|next week|"
                      r"opens|convenes|takes place|gets under way|"
                      r"expected to|plans? to|planned (?:for|to)|set to|upcoming)\b")
RELATIVE_PRONOUN = re.compile(r"\b(?:that|which|who)\b", re.I)
REPORTED_FUTURE = re.compile(r"\bwould\b", re.I)
PLAIN_FUTURE = re.compile(r"\b(?:will|shall|next)\b", re.I)
SCHEDULED_RELATIVE = re.compile(r"[\w-]*(?:\s+[\w.'-]+){0,6}?\s+(?:that|which)\s+(?:opens|begins|starts|convenes|"
                                r"takes place|gets under way|is due|will)\b", re.I)
# a relative clause after an act told as done is about its consequences: "a deal has been reached that will see"
TOLD_DONE = re.compile(r"\b(?:has|have|had)\s+\w+|\b(?:was|were)\s+\w+(?:ed|en)\b", re.I)
MOTION = Caseless(r"\b(?:went|go|goes|travel\w*|flew|arrived|came|headed|returned|used|agreed|decided|"
                  r"refused|failed|tried|sought|wanted|began|started)\b")
REPORTING = Caseless(r"\b(?:said|says|told|announced|stated|added|confirmed|reported)\b")
POSSESSIVE_DATE = re.compile(r"(?:day|night)(?:'s|s|\u2019s)\b", re.I)
CLAUSE_STOP = Caseless(r"(?:\b(?:said|says|told|reported|announced|added|stated|after|before|since|as)\b|[;:.])")
_NUM = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


@dataclass(frozen=True)
class DateCandidate:
    start: int          # relative to the sentence
    end: int
    value: Optional[str]
    precision: str
    rule: str


def future_clause(text: str, trig: int) -> Optional[int]:
    """Where the act's own clause starts when it speaks of the future ("Kerry will continue on to Paris to
    take part in a separate meeting"): a future cue between the last clause boundary before the trigger
    and the trigger. None when the clause is not in the future tense."""
    lo = max(0, trig - 120)
    window = text[lo:trig + 12]
    stops = [m.end() for m in CLAUSE_STOP.finditer(window) if m.end() <= trig - lo]
    start = stops[-1] if stops else 0
    if FUTURE_CUE.search(window, start):
        return lo + start
    # a meeting agreed or planned: "agreed on Monday to meet in Geneva on Friday"
    if TO_ACT_BEFORE.search(text, max(0, trig - 12), trig) and PLAN_VERB.search(text, 0, trig):
        return trig
    # the headline's future: "Kerry and Lavrov to meet", "Putin to visit Turkey"
    clause = window[start:trig - lo]
    if re.search(r"[A-Z][\w'.-]*\s+to\s+$", clause) and not MOTION.search(clause):
        return lo + start
    # the act as subject of a future verb: "A meeting ... is expected to be held in Moscow", "a gathering that
    # opens Thursday"
    after = text[trig:trig + 90]
    scheduled = SCHEDULED_RELATIVE.match(after)
    if scheduled and not TOLD_DONE.search(window[start:trig - lo] + scheduled.group()):
        return trig         # "a gathering of the OSCE that opens Thursday": the act is ahead
    stop = CLAUSE_STOP.search(after)
    relative = RELATIVE_PRONOUN.search(after)       # "a deal has been reached that will see ...": its own clause
    if relative and (stop is None or relative.start() < stop.start()):
        stop = relative
    subject = window[start:trig - lo].rsplit(",", 1)[-1]     # "By agreement of X, a meeting ... will be held"
    if re.fullmatch(r"\W*(?:(?:a|an|the|this|that|their|its)\s+)?(?:[\w-]+\s+){0,2}", subject, re.I) \
            and FUTURE_CUE.search(after[:stop.start()] if stop else after):
        return trig
    return None


def date_candidates(s: Sentence, published: Optional[dt.date], future: Optional[int] = None) -> list:
    """The dates a sentence states, relative offsets: the date finder's (weekends included), and "early/late
    last week"; a date given "as of" is when a figure was reported, not when something happened, and a date
    led by "since/until" bounds a period. ``future``: where a clause in the future tense starts; its weekdays
    and weekends are the coming ones, and before it, or without it, a date ahead ("next week") dates no past
    act."""
    out = []
    extra = []
    if published is not None:
        for m in PART_OF_LAST_WEEK.finditer(s.text):
            monday = published - dt.timedelta(days=published.weekday() + 7)
            day = monday + dt.timedelta(days=0 if m.group("part").lower().startswith("early") else 4)
            extra.append(DateCandidate(m.start(), m.end(), day.strftime("%Y-%m"), "month", "part_of_last_week"))
    for d in s.dates:
        a, b = d.start - s.span.start, d.end - s.span.start
        value, precision = d.value
        if SINCE.search(s.text[max(0, a - 12):a]) and WHEN_AFTER.match(s.text, b) and value is not None:
            # "the first since October 3, when the U.S. suspended talks": the day of the "when" clause only
            out.append(DateCandidate(a, b, value, precision, "since_when"))
            continue
        in_future = future is not None and a >= future
        # "as of Thursday": a figure's reporting date, but in the future tense the day the act starts ("would
        # implement a truce as of Thursday")
        if (AS_OF.search(s.text[max(0, a - 20):a]) and not in_future) or SINCE.search(s.text[max(0, a - 12):a]) \
                or re.match(r"(?:since|until|till|before)\b", d.surface, re.I) \
                or any(a < e.end and e.start < b for e in extra):
            continue
        if in_future and d.rule in ("weekday", "weekend") and value is not None \
                and published is not None and value < published.isoformat():
            ahead = dt.date.fromisoformat(value) + dt.timedelta(days=7)
            # a future reported in the past ("declared it would halt from Tuesday") is the nearer of the two days
            if not (REPORTED_FUTURE.search(s.text, future, a) and not PLAIN_FUTURE.search(s.text, future, a)
                    and published - dt.date.fromisoformat(value) < ahead - published):
                value = ahead.isoformat()
        if not in_future and published is not None and (d.rule == "next_period" or (
                value and precision == "day" and value > published.isoformat())):
            continue                               # "cancelled his visit planned for next week"
        out.append(DateCandidate(a, b, value, precision, d.rule))
    return sorted(out + extra, key=lambda c: c.start)


def stopped_by_truce(s: Sentence, a: int, b: int) -> bool:
    """An attack word a truce names as what it stops is not an attack the sentence reports ("agreed to stop
    air strikes", "a pause in the shelling")."""
    return any((da <= a and b <= db) or (kind == "agreement" and db <= a and re.fullmatch(
        r"\s+(?:in|to|of|on)\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+)?", s.text[db:a]))
        for kind, _, da, db in s.dip)


def _next_to_reporting(text: str, c: DateCandidate) -> bool:
    """"said on Wednesday", "on Wednesday said", "said Wednesday"."""
    return bool(re.search(r"\b(?:said|says|told(?:\s+(?:reporters|journalists|\w+ news agencies))?|announced|stated|"
                          r"added|confirmed|reported)\s+(?:(?:late|early)\s+)?(?:on\s+)?$",
                          text[max(0, c.start - 25):c.start], re.I)
                or re.match(r"\s+(?:said|says|told|announced|stated|added|confirmed|reported)\b",
                            text[c.end:c.end + 15], re.I))


def distance(c: DateCandidate, pos: int) -> int:
    return min(abs(c.start - pos), abs(c.end - pos))


# what befalls a truce (its own verb, after the truce's name): where the act's date attaches
TRUCE_VERB = Caseless(r"\b(?:collaps\w*|broke down|crumbled|fell apart|expired|ended|failed|took effect|"
                      r"entered into force|came into force|went into effect|began|started|was agreed|was reached|"
                      r"was signed|was announced|was brokered)\b")


ACT_VERB = {"agreement": TRUCE_VERB,
            "meeting": Caseless(r"\b(?:ended|broke up|concluded|wrapped up|began|opened|resumed|were held|was held|"
                                r"took place|convened)\b"),
            "un_action": Caseless(r"\b(?:was|were|had been|has been)\s+(?:\w+\s+)?(?:defeated|rejected|adopted|blocked|"
                                  r"passed|vetoed|approved|voted down)\b")}


# what follows an act's date and names what the act is about: "... on Monday over the bombing of"
COMPLEMENT_AFTER_DATE = re.compile(r"\s*(?:,\s*)?(?:for|over|about|after|following|to)\s+(?:the\s+|its\s+|their\s+|a\s+|an\s+)?"
                                   r"(?:[\w'-]+\s+){0,3}?", re.I)


def _attached_to_act(text: str, c: DateCandidate, trig: int, other: int) -> bool:
    """Is a date the act's rather than the other trigger's? The one in its clause, else the nearer one."""
    def broken(x: int, y: int) -> bool:
        lo, hi = sorted((x, y))
        return bool(CLAUSE_BREAK.search(text, lo, hi))
    with_act, with_other = not broken(c.start, trig), not broken(c.start, other)
    if with_act != with_other:
        return with_act
    if trig < c.start and c.end <= other and COMPLEMENT_AFTER_DATE.fullmatch(text, c.end, other):
        return True         # "condemned Syria on Monday for the assault on Aleppo": the condemnation's day
    return distance(c, trig) <= distance(c, other)


def act_date(s: Sentence, published: Optional[dt.date], trig: int, etype: str = "",
             anchor: Optional[str] = None) -> tuple:
    """The act's date (see ``_act_date_at``); when its trigger has none, the date attached to the act's own verb
    told after it ("a cease-fire deal between rebels and the government ... collapsed on Wednesday", "two
    draft resolutions ... were defeated in the Security Council on Saturday")."""
    found = _act_date_at(s, published, trig, etype, anchor)
    if found[2] or etype not in ACT_VERB:
        return found
    verb = ACT_VERB[etype].search(s.text, trig, trig + 140)
    if verb is None:
        return found
    # an aside between dashes or brackets ("two draft resolutions \u2014 one from France, the other from
    # Russia \u2014 were defeated") and a list of parties ("the US, Russia and ...") do not part act and verb
    between = re.sub(r"[\u2014\u2013(][^\u2014\u2013()]*[\u2014\u2013)]", " ", s.text[trig:verb.start()])
    between = re.sub(r",\s+(?=[A-Z]|and\b)", " ", between)
    if any(ch in between for ch in ",;:") or re.search(r"\b(?:that|which|and)\s+(?:\w+\s+)?$|\bon\s+\w+day\b",
                                                      between):
        return found
    return _act_date_at(s, published, verb.end(), etype, anchor)


def _act_date_at(s: Sentence, published: Optional[dt.date], trig: int, etype: str = "",
                 anchor: Optional[str] = None) -> tuple:
    """(date, precision, explicit) of the act whose trigger stands at ``trig`` (relative).

    The date is the one attached to the trigger: within ``DIP_DATE_WINDOW`` characters and nearer to it
    than to any attack the sentence reports ("accused Russia of an attack on Monday": Monday is the
    attack's). An act announced in the future takes its future date ("will meet on Thursday": the next
    Thursday). An act in a clause led by "a day after" is a day before ``anchor``, the date the sentence's
    main clause (or, when it gives none, the article's lead) is about."""
    future = future_clause(s.text, trig)
    cands = [c for c in date_candidates(s, published, future) if c.value is not None]
    rel = [m for m in RELATIVE_SPAN.finditer(s.text) if m.group("unit") or m.group("n").lower() in ("hours", "days")]
    lead = [m for m in rel if m.end() <= trig]
    if lead:
        m = lead[-1]
        brk = CLAUSE_BREAK.search(s.text, trig)
        clause_end = brk.start() if brk else len(s.text)
        # the clause "a day after ..." dates its act itself when it names a date ("days after the truce came
        # into effect on September 12")
        own = [c for c in cands if m.end() <= c.start < trig or (
            trig <= c.start < clause_end and distance(c, trig) <= DIP_DATE_WINDOW
            and not _next_to_reporting(s.text, c))]
        if not own and "," not in s.text[m.end():trig]:
            return _shift(m, [c for c in cands if c.end <= m.start()], anchor, published)
    cut = next((m.start() for m in rel if m.start() > trig), len(s.text))
    cands = [c for c in cands if c.start < cut]       # dates after "a day after" belong to the other event
    # "the first since October 3, when the U.S. suspended talks ..., accusing Russia ...": the clause "when"
    # opens after a date is that day's, up to the sentence's end or the next date
    when = [c for c in cands if c.end <= trig and WHEN_AFTER.match(s.text, c.end)
            and not any(c.end < o.start < trig for o in cands)]
    if when:
        c = when[-1]
        return c.value, c.precision, True
    cands = [c for c in cands if c.rule != "since_when"]
    # a date nearer to an attack or another act the sentence reports is theirs ("Tuesday's attack" excepted:
    # the reaction to the day's news); in the future tense, a date next to "said" is the announcement's
    # what a resolution calls for after it ("a resolution on Monday calling for a ceasefire") is its content
    others = [a for _, _, a, b in s.triggers if not stopped_by_truce(s, a, b)] \
        + [a for k, _, a, _ in s.dip if k != etype and not (etype == "un_action" and k in ("proposal", "agreement")
                                                             and trig < a <= trig + 2 * DIP_DATE_WINDOW)]
    cands = [c for c in cands if POSSESSIVE_DATE.search(s.text[c.start:c.end + 3]) or _next_to_reporting(s.text, c)
             or all(_attached_to_act(s.text, c, trig, a) for a in others)]
    if future is not None:      # "officials on Wednesday said Kerry will meet ...": the announcement's date
        cands = [c for c in cands if not _next_to_reporting(s.text, c)]
    if future is not None and etype in ("meeting", "visit", "call", "un_action") and published is not None:
        ahead = [c for c in cands if c.precision == "day" and c.value >= published.isoformat()
                 and distance(c, trig) <= 2 * DIP_DATE_WINDOW and c.start >= future]
        if ahead:
            c = min(ahead, key=lambda c: distance(c, trig))
            return c.value, c.precision, True
    usable = [c for c in cands if distance(c, trig) <= DIP_DATE_WINDOW]
    if not usable and future is None:
        # a date further away in the act's own clause: a sentence-initial "On September 9, ...", the statement's
        # date ("A deal has been reached, rebel officials said late on Wednesday"), a clause's last words
        usable = [c for c in cands if not CLAUSE_BREAK.search(s.text, min(c.start, trig), max(c.start, trig))]
    if not usable:
        return None, "unknown", False
    c = min(usable, key=lambda c: (abs(c.start - trig) + (0 if c.start >= trig else 15), c.start))
    return c.value, c.precision, True


def _shift(m: re.Match, before: list, anchor: Optional[str], published: Optional[dt.date]) -> tuple:
    """The date of the event a "N days after/before" clause refers to: N days before/after the main clause's."""
    n = m.group("n").lower()
    unit = (m.group("unit") or m.group("n")).lower()
    if unit.startswith("hour"):
        n = 0
    elif n.isdigit():
        n = int(n)
    else:
        n = _NUM.get(n)
    if n is None:
        return None, "unknown", False
    days = n * (7 if unit.startswith("week") else 1)
    base = next((c.value for c in reversed(before) if c.precision == "day"), None) or anchor \
        or (published.isoformat() if published else None)
    if base is None:
        return None, "unknown", False
    sign = -1 if m.group("rel").lower() == "after" else 1
    return (dt.date.fromisoformat(base) + dt.timedelta(days=sign * days)).isoformat(), "day", True


YEAR = re.compile(r"(?<![\w/.-])((?:19|20)\d\d)(?![\w/-])")


def old_year(s: Sentence, trig: int, published: Optional[dt.date]) -> bool:
    """The sentence dates what it tells by a year before the article's ("the 2013 agreement", "a deal reached
    in 2012"), and by nothing closer."""
    if published is None:
        return False
    for m in YEAR.finditer(s.text):
        if re.search(r"(?:resolution|unscr|no\.)\s*$", s.text[max(0, m.start() - 12):m.start()], re.I):
            continue
        if int(m.group(1)) < published.year:
            return True
    return False


LEAD_SENTENCES = 3         # the body sentences that make an article's lead
# what puts an act on another day than the report's: before it ("days after a truce collapsed", "had agreed",
# "last week"), or after another act told ("Kerry then held talks", "later")
OTHER_TIME = Caseless(r"\b(?:last|earlier|previously|ago|had|after(?!\s+(?:more than\s+|nearly\s+|about\s+|some\s+)?"
                      r"[\w-]+\s+(?:hours|minutes)\b)|before|since|later|then|afterwards|subsequently|"
                      r"next|tomorrow|upcoming)\b")


def lead_sentences(sents: list) -> list:
    """The article's lead: its first body sentences (the headline apart)."""
    return [s for s in sents if not s.headline][:LEAD_SENTENCES]


def lead_date(sents: list) -> Optional[str]:
    """The day the article's lead is about: the first day-precision date of its first body sentences."""
    for s in lead_sentences(sents):
        for d in sorted(s.dates, key=lambda d: d.start):
            if d.value[0] and d.value[1] == "day":
                return d.value[0]
    return None



def dated_trigger(s: Sentence, published: Optional[dt.date], trig: int, etype: str,
                  anchor: Optional[str]) -> tuple:
    """The act's date when the sentence names the act more than once ("Kerry and Lavrov to meet ...: Kerry
    will meet Lavrov on Saturday"): the first of its triggers that has a date attached."""
    first = act_date(s, published, trig, etype, anchor)
    if first[2]:
        return first
    for kind, _, a, _ in sorted(s.dip, key=lambda d: d[2]):
        if kind == etype and a > trig and not RELATIVE_SPAN.search(s.text, trig, a) \
                and not CLAUSE_BREAK.search(s.text, trig, a):
            found = act_date(s, published, a, etype, anchor)
            if found[2]:
                return found
    return first


def learn_context(s: Sentence, published: Optional[dt.date], names: dict, context: dict) -> None:
    """A sentence that states no act but dates what named parties did ("The United States and Britain on
    Sunday acknowledged ...", "Assad said in an interview broadcast on Thursday ...") dates their next act."""
    if not s.dates or not s.parties:
        return
    found = [(p, a) for p, a, _, mil in party_mentions(s, "", names) if not mil]
    if not found:
        return
    attacks = [a for _, _, a, _ in s.triggers]
    days = {c.value for c in date_candidates(s, published)
            if c.value and c.precision == "day" and c.rule != "since_when"
            and min(distance(c, a) for _, a in found) < min([distance(c, a) for a in attacks] or [10 ** 6])}
    if len(days) != 1:
        return
    day = days.pop()
    for party, _ in found:
        context[party] = (day, s.idx)


def context_date(context: dict, idx: int, etype: str, actors: list, who: Optional[str]) -> tuple:
    """The date an undated act takes from the sentence before it (a meeting of the parties it dated), or from
    its speaker's dated statement a few sentences before (an accusation, an appeal)."""
    if etype in ("accusation", "proposal"):
        hit = context.get(who) if who else None
        if hit and idx - hit[1] <= 4:
            return hit[0], "day"
        return None, "unknown"
    hits = {context[p][0] for p in actors if p in context and context[p][1] == idx - 1}
    if len(hits) == 1:
        return hits.pop(), "day"
    return None, "unknown"


def lead_act_date(s: Sentence, lead: set, anchor: Optional[str], published: Optional[dt.date]) -> Optional[str]:
    """The day of an act that the headline or lead tells with no date of its own ("Russia accuses Belgium of
    killing civilians"): the news of the report, so the lead's day, else the publication day. None for an act
    told further down, told on another day ("days after a truce collapsed", "then held talks"), or whose sentence
    dates something else ("condemned the bombing of a hospital on Monday": the bombing's day, not the act's)."""
    if s.idx not in lead or s.dates or OTHER_TIME.search(s.text):
        return None
    return anchor or (published.isoformat() if published else None)
