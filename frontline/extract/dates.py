"""Dates in a sentence, resolved against the publication date and the sentence's tense.

The core never reads the clock: an article without ``published`` gets absolute
dates only; relative ones ("Wednesday", "yesterday") stay unresolved (None).

Conventions (tested in ``tests/test_dates_peers.py``, where they differ from dateparser's):
- numeric dates are day first (13.10.2016, 13-10-2016, 13/10/2016), month first only when day first is
  no date (10/13/2016), as ``articles.find_dateline`` reads them;
- a weekday just before a date ("Tuesday, July 22, 2014") is part of that date;
- a bare weekday is on or before publication (the publication's own weekday is that day), on or after it
  in the future tense; "last"/"next" Friday are strictly before/after;
- a month or day without a year takes the year its clause's tense asks for (``tense_at``): the latest on
  or before publication in the past, the next on or after it in the future, else the nearest;
- "N days/weeks ago", "in N days/weeks" are days; months, years, "last week", "next month" are months;
  "in three days" and "next week" in a clause in the past tense are no date.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from typing import Iterator, Optional

from ..models import Mention
from ..resources import lexicon, literal_automaton, match_at
from ..text import Caseless, fold
from .figures import TENS, UNITS, parse_number

MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}

_MONTH = r"(?P<mon>" + "|".join(list(MONTHS) + ["sept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct",
                                                 "nov", "dec"]) + r")\.?"
_DAYNUM = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'?s)?"
_MONTH_LEADS = ("in", "since", "during", "early", "late", "mid", "mid-", "end of", "beginning of", "last", "this")

# a count of days, weeks, months or years, as news writes it: "3", "a", "twelve", "twenty-one"
_COUNT = (r"(?P<n>\d{1,3}|an?|(?:" + "|".join(sorted(TENS, key=len, reverse=True)) + r")(?:[- ](?:"
          + "|".join(k for k, v in UNITS.items() if 1 <= v <= 9) + r"))?|"
          + "|".join(sorted((k for k, v in UNITS.items() if v >= 1), key=len, reverse=True)) + r")")
_UNIT = r"(?P<unit>days?|weeks?|months?|years?)"

PATTERNS = [
    ("iso", re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)(?!\d)")),
    # 13.10.2016, 13-10-2016, 13/10/2016: day first, the site's convention; month first when day first
    # cannot be a date (10/13/2016)
    ("numeric", re.compile(r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)"
                           r"(?P<year>(?:19|20)\d\d)(?![\d])")),
    ("month_day_year", re.compile(r"\b" + _MONTH + r"\s+" + _DAYNUM + r"(?:,?\s+" + _YEAR + r")?\b", re.I)),
    ("day_month_year", re.compile(r"\b" + _DAYNUM + r"(?:\s+of)?\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r")?\b", re.I)),
    ("month_year", re.compile(r"\b(?:" + "|".join(_MONTH_LEADS) + r")?\s*"
                              r"(?<![\d])" + _MONTH + r"(?:\s+" + _YEAR + r")?\b", re.I)),
    ("overnight_into", re.compile(r"\bovernight (?:into|to) " + _WEEKDAY + r"\b", re.I)),
    ("weekday", re.compile(r"\b(?:(?P<rel>last|next|this|coming)\s+)?" + _WEEKDAY
                           + r"(?:\s+(?:morning|afternoon|evening|night))?\b", re.I)),
    ("today", re.compile(r"\b(?:today|this morning|this afternoon|this evening|tonight|earlier today|"
                         r"on the same day|earlier in the day|later in the day|later that day|earlier that day|that same day)\b", re.I)),
    ("day_before_yesterday", re.compile(r"\bthe day before yesterday\b", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night|the previous night)\b", re.I)),
    ("day_after_tomorrow", re.compile(r"\bthe day after tomorrow\b", re.I)),
    ("tomorrow", re.compile(r"\btomorrow(?:'s)?\b", re.I)),
    # "three weeks ago", "eight months ago", "twelve days earlier"
    ("units_ago", re.compile(r"\b" + _COUNT + r" " + _UNIT + r" (?:ago|earlier)\b", re.I)),
    # "in three days", "in two weeks' time"; never "in three days of shelling" (a length of time)
    ("in_units", re.compile(r"\bin (?:(?:about|around|nearly|just) )?" + _COUNT + r" " + _UNIT
                            + r"(?:'? time\b|(?![\w']))(?! of\b)", re.I)),
    # "over the weekend", "weekend raids": its Saturday (the guideline takes Saturday or Sunday)
    ("weekend", re.compile(r"\b(?:(?:over|at|during|on) the |(?P<rel>last|this|past|next|coming) )?weekend(?:'?s)?\b",
                           re.I)),
    ("last_week", re.compile(r"\b(?:last week|earlier this week|this week|past week)\b", re.I)),
    ("last_month", re.compile(r"\b(?:last month|earlier this month|this month|a month ago)\b", re.I)),
    ("next_period", re.compile(r"\bnext (?P<unit>week|month)\b", re.I)),
]
_CLAUSE_STOP = re.compile(r"(?:\b(?:said|says|told|reported|announced|added|stated)\b|[,;:])", re.I)
_HARD_STOP = re.compile(r"(?:\b(?:said|says|told|reported|announced|added|stated)\b|[;:])", re.I)
_SAID_BEFORE = Caseless(r"\b(?:said|told [\w ]{1,30}?|announced|reported|added|stated|declared|confirmed)"
                        r"\s+(?:on\s+|in\s+)?$")
# a date led by "since" or "last" lies before publication, whatever the clause's tense ("will continue the halt
# in place since October 18")
_PAST_LEAD = Caseless(r"(?:since|last)\s")
_PAST_LEAD_BEFORE = Caseless(r"\bsince\s+(?:the\s+)?$")
_FUTURE_LEAD_BEFORE = Caseless(r"\b(?:until|till)\s+(?:the\s+)?$")
# what may stand before a date that opens its clause ("On Saturday, the ministers will meet")
_CLAUSE_OPENER = re.compile(r"\s*(?:(?:on|in|by|at|since|until|from|during|early|late|mid|the|and|but)\W*)*$", re.I)


def _future_cues() -> Caseless:
    rows = [r["pattern"] for name in ("lexicon/cues.csv", "lexicon/tense.csv") for r in lexicon(name).rows
            if r["cue"] == "future"]
    return Caseless(r"(?<![\w-])(?:" + "|".join(rows) + r")(?![\w-])")


_FUTURE = None


def is_future_at(sentence: str, pos: int) -> bool:
    """True when the clause leading up to ``pos`` speaks of the future ("will meet Saturday")."""
    global _FUTURE
    if _FUTURE is None:
        _FUTURE = _future_cues()
    lo = max(0, pos - 120)
    window = sentence[lo:pos]
    stops = list(_CLAUSE_STOP.finditer(window))
    if stops:
        window = window[stops[-1].end():]
    return bool(_FUTURE.search(window))


@functools.lru_cache(maxsize=1)
def _past_cues() -> Caseless:
    rows = [r["pattern"] for r in lexicon("lexicon/tense.csv").rows if r["cue"] == "past"]
    return Caseless(r"(?<![\w-])(?:" + "|".join(rows) + r")(?![\w-])")


def tense_at(sentence: str, start: int, end: Optional[int] = None) -> Optional[str]:
    """"future", "past" or None: the tense of the clause holding ``sentence[start:end]``.

    The cue nearest the date in the clause before it decides ("will meet Saturday", "were killed on
    Friday"); when that clause has none, the first cue of the clause after it ("On Saturday, the ministers
    will meet", "In March the city fell", "said Tuesday that Putin had canceled a visit next week").
    """
    global _FUTURE
    if _FUTURE is None:
        _FUTURE = _future_cues()
    end = start if end is None else end
    if _SAID_BEFORE.search(sentence, max(0, start - 40), start) or _PAST_LEAD.match(sentence, start) \
            or _PAST_LEAD_BEFORE.search(sentence, max(0, start - 12), start):
        return "past"    # "said on February 10 that forces will ...": the day of the saying; "since October 18"
    if _FUTURE_LEAD_BEFORE.search(sentence, max(0, start - 12), start):
        return "future"  # "closed until the weekend", "until Friday"
    before = sentence[max(0, start - 120):start]
    stops = list(_CLAUSE_STOP.finditer(before))
    if stops:
        before = before[stops[-1].end():]
    tense = _nearest_cue(before, last=True)
    if tense:
        return tense
    after = sentence[end:end + 120]
    hard = _HARD_STOP.search(after)
    if hard:
        after = after[:hard.start()]
    commas = [i for i, c in enumerate(after) if c == ","]
    if commas:    # a date that opens its clause belongs to the clause after its comma
        leads = _CLAUSE_OPENER.match(before) is not None and commas[0] < 3
        cut = (commas[1] if len(commas) > 1 else len(after)) if leads else commas[0]
        after = after[:cut]
    return _nearest_cue(after, last=False)


def _nearest_cue(window: str, last: bool) -> Optional[str]:
    """The tense of the cue nearest the date: the last one in the clause before it, the first one after."""
    best = None
    for rx, tense in ((_FUTURE, "future"), (_past_cues(), "past")):
        found = list(rx.finditer(window))
        if found:
            m = found[-1] if last else found[0]
            key = m.end() if last else -m.start()
            if best is None or key > best[0]:
                best = (key, tense)
    return best[1] if best else None


def _month_num(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.get(name) or MONTH_ABBR[name[:3]]


def _pick_year(month: int, day: Optional[int], published: Optional[dt.date],
               tense: Optional[str] = None) -> Optional[int]:
    """The year of a month (and day) written without one: in the past tense the latest on or before
    ``published``, in the future tense the next on or after it, else the nearest (up to four months ahead)."""
    if published is None:
        return None
    year = published.year
    if tense == "past":
        return year if (month, day or 1) <= (published.month, published.day) else year - 1
    if tense == "future":
        return year if (month, day or 31) >= (published.month, published.day) else year + 1
    probe = dt.date(year, month, min(day or 1, 28))
    if (probe - published).days > 120:   # "December" in a January article is last year's
        year -= 1
    return year


def _shift_month(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(y, m + 1, 1)


def _numeric_date(a: int, b: int, year: int) -> Optional[dt.date]:
    """Day first (13.10.2016), the site's convention; month first when that cannot be a date (10/13/2016)."""
    for day, month in ((a, b), (b, a)):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def _count(surface: str) -> Optional[int]:
    return parse_number(surface.replace("-", " ") if not surface.isdigit() else surface)


def _weekday(published: dt.date, wd: int, rel: str, tense: Optional[str]) -> dt.date:
    """"last Friday" strictly before, "next Friday" strictly after, "this Friday" on or after unless the
    clause is in the past; a bare weekday on or after publication in the future tense, else on or before it
    (the publication's own weekday is the publication day)."""
    if rel in ("next", "coming") or (rel == "this" and tense != "past"):
        forward = True
    elif rel == "last":
        forward = False
    else:
        forward = tense == "future"
    if forward:
        delta = (wd - published.weekday()) % 7 or (7 if rel == "next" else 0)
        return published + dt.timedelta(days=delta)
    delta = (published.weekday() - wd) % 7 or (7 if rel == "last" else 0)
    return published - dt.timedelta(days=delta)


def _offset(published: dt.date, n: int, unit: str, sign: int) -> tuple:
    """``published`` moved by ``n`` units: days and weeks to the day, months and years to the month."""
    unit = unit.lower().rstrip("s")
    if unit in ("day", "week"):
        return (published + dt.timedelta(days=sign * n * (7 if unit == "week" else 1))).isoformat(), "day"
    months = n * (12 if unit == "year" else 1)
    return _shift_month(published, sign * months).strftime("%Y-%m"), "month"


def resolve(rule: str, m: re.Match, sentence: str, published: Optional[dt.date], pos: Optional[int] = None):
    """(value, precision) for one matched date expression; value None when unresolvable.

    ``pos`` is the match's offset in ``sentence`` (default ``m.start()``), used for the tense.
    """
    pos = m.start() if pos is None else pos
    end = pos + (m.end() - m.start())
    g = m.groupdict()
    if rule == "numeric":
        d = _numeric_date(int(g["a"]), int(g["b"]), int(g["year"]))
        return (d.isoformat(), "day") if d else (None, "unknown")
    if rule in ("iso", "month_day_year", "day_month_year"):
        month = int(g["m"]) if g.get("m") else _month_num(g["mon"])
        day = int(g["day"])
        year = int(g["year"]) if g.get("year") else _pick_year(month, day, published, tense_at(sentence, pos, end))
        if year is None or not 1 <= month <= 12:
            return None, "unknown"
        try:
            return dt.date(year, month, day).isoformat(), "day"
        except ValueError:
            return None, "unknown"
    if rule == "month_year":
        month = _month_num(g["mon"])
        year = int(g["year"]) if g.get("year") else _pick_year(month, None, published, tense_at(sentence, pos, end))
        if year is None:
            return None, "unknown"
        return f"{year:04d}-{month:02d}", "month"
    if published is None:
        return None, "unknown"
    if rule in ("weekday", "overnight_into"):
        name = g["wd"].lower()
        wd = WEEKDAYS[name if name in WEEKDAYS else name.rstrip("s").rstrip("'")]
        rel = (g.get("rel") or "").lower()
        return _weekday(published, wd, rel, tense_at(sentence, pos, end)).isoformat(), "day"
    if rule == "weekend":
        rel = (g.get("rel") or "").lower()
        rel = {"past": "last"}.get(rel, rel)             # then as a weekday: "last", "this", "next weekend"
        return _weekday(published, WEEKDAYS["saturday"], rel, tense_at(sentence, pos, end)).isoformat(), "day"
    if rule == "today":
        return published.isoformat(), "day"
    if rule in ("yesterday", "day_before_yesterday", "tomorrow", "day_after_tomorrow"):
        days = {"yesterday": -1, "day_before_yesterday": -2, "tomorrow": 1, "day_after_tomorrow": 2}[rule]
        return (published + dt.timedelta(days=days)).isoformat(), "day"
    if rule in ("units_ago", "in_units"):
        n = _count(g["n"])
        if n is None or rule == "in_units" and tense_at(sentence, pos, end) == "past":
            return None, "unknown"       # "were killed in two weeks": a length of time, not a date
        return _offset(published, n, g["unit"], -1 if rule == "units_ago" else 1)
    if rule == "last_week":
        back = 0 if "this week" in m.group(0).lower() else 7
        return (published - dt.timedelta(days=back)).strftime("%Y-%m"), "month"
    if rule == "last_month":
        back = 0 if "this month" in m.group(0).lower() else -1
        return _shift_month(published, back).strftime("%Y-%m"), "month"
    if rule == "next_period":
        if tense_at(sentence, pos, end) == "past":
            return None, "unknown"       # "had canceled a visit next week": the next week of a plan told in the past
        if g["unit"].lower() == "week":
            return (published + dt.timedelta(days=7)).strftime("%Y-%m"), "month"
        return _shift_month(published, 1).strftime("%Y-%m"), "month"
    return None, "unknown"


# rules whose match is no date at all when it does not resolve: in a clause in the past tense, "in three days"
# is a length of time, and "next week" counts from a time the story tells, not from publication
_DROP_UNRESOLVED = {"in_units", "next_period"}


_MONTH_WORD = Caseless(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
# a pattern is tried only when its gate finds something in the text; every other pattern's matches contain
# its anchors (below), but "month_year" also matches "inMay", which does not count when no month stands alone
_GATES = {"month_year": _MONTH_WORD}
_NOT_A_MONTH = re.compile(r"^(?:may|march|sept?|dec|jan|mar|aug|oct|nov|jun|jul|feb|apr)$", re.I)


# Where each pattern can match: literals (lower case), one of which every match contains -- its anchors --
# and where, relative to an anchor found at ``q``, a match may start. One Aho-Corasick pass over the folded
# text finds every anchor, and a pattern is tried only at those starts instead of at every character.

def _at_anchor(text: str, q: int) -> tuple:
    return (q,)


def _before(*offsets: int):
    """Starts a fixed number of characters before the anchor."""
    def starts(text: str, q: int) -> tuple:
        return tuple(q - n for n in offsets)
    return starts


def _space_start(text: str, q: int) -> int:
    """Where the white space that ends at ``q`` begins (``q`` if there is none)."""
    while q > 0 and text[q - 1].isspace():
        q -= 1
    return q


def _led_by(*lengths: int):
    """Starts at the anchor, at the white space before it, or a lead word of one of ``lengths`` before
    that white space ("beginning of  May")."""
    def starts(text: str, q: int) -> set:
        ws = _space_start(text, q)
        return {q, ws, *(ws - n for n in lengths)}
    return starts


def _day_before(text: str, q: int) -> set:
    """Starts of a day number (1 to 4 characters: "31st") before the anchor, across white space and an "of"."""
    ends = [_space_start(text, q)]
    if text[ends[0] - 2:ends[0]].lower() == "of":
        ends.append(_space_start(text, ends[0] - 2))
    return {e - n for e in ends for n in (1, 2, 3, 4)}


def _window_before(n: int, lead: str = ""):
    """Every offset up to ``n`` characters before the anchor (where ``lead`` starts, if given): a count such
    as "twenty-one" before "days ago", or "in about three" before " days"."""
    def starts(text: str, q: int) -> list:
        lo = max(0, q - n)
        if not lead:
            return list(range(lo, q))
        window, out = text[lo:q + len(lead)].lower(), []
        p = window.find(lead)
        while 0 <= p < q - lo:
            out.append(lo + p)
            p = window.find(lead, p + 1)
        return out
    return starts


_MONTH_STEMS = tuple(sorted({m[:3] for m in MONTHS}))      # every month name and abbreviation starts with one
# a numeric date's first separator and the digit after it (a full stop ending a sentence is no anchor)
_SEP_DIGIT = tuple(sep + d for sep in "-/." for d in "0123456789")
_UNITS = ("day", "days", "week", "weeks", "month", "months", "year", "years")
ANCHORS = {
    "iso": (_SEP_DIGIT, _before(4)),
    "numeric": (_SEP_DIGIT, _before(1, 2)),
    "month_day_year": (_MONTH_STEMS, _at_anchor),
    "day_month_year": (_MONTH_STEMS, _day_before),
    "month_year": (_MONTH_STEMS, _led_by(*{len(w) for w in _MONTH_LEADS})),
    "overnight_into": (("overnight",), _at_anchor),
    "weekday": (tuple(WEEKDAYS), _led_by(4, 6)),
    "today": (("today", "this morning", "this afternoon", "this evening", "tonight", "earlier today",
               "on the same day", "earlier in the day", "later in the day", "later that day", "earlier that day",
               "that same day"), _at_anchor),
    "day_before_yesterday": (("the day before yesterday",), _at_anchor),
    "yesterday": (("yesterday", "last night", "the previous night"), _at_anchor),
    "day_after_tomorrow": (("the day after tomorrow",), _at_anchor),
    "tomorrow": (("tomorrow",), _at_anchor),
    "units_ago": (tuple(f"{u} {w}" for u in _UNITS for w in ("ago", "earlier")), _window_before(16)),
    "in_units": (tuple(" " + u for u in _UNITS[::2]), _window_before(26, "in ")),
    "weekend": (("weekend",), _led_by(4, 6, 8, 10)),      # "last", "at the", "over the", "during the"
    "last_week": (("last week", "earlier this week", "this week", "past week"), _at_anchor),
    "last_month": (("last month", "earlier this month", "this month", "a month ago"), _at_anchor),
    "next_period": (("next week", "next month"), _at_anchor),
}


@functools.lru_cache(maxsize=1)
def _anchor_automaton():
    rules_of: dict = {}
    for rule, (anchors, _) in ANCHORS.items():
        for a in anchors:
            rules_of.setdefault(a, []).append(rule)
    return literal_automaton({a: (len(a), tuple(rules)) for a, rules in rules_of.items()})


def _pattern_starts(text: str, folded: str) -> dict:
    """rule -> the sorted offsets of ``text`` where its pattern may match (``folded`` is ``fold(text)``)."""
    found: dict = {}               # only the rules an anchor was found for (the others cannot match)
    for end, (length, rules) in _anchor_automaton().iter(folded):
        q = end - length + 1
        for rule in rules:
            got = found.get(rule)
            if got is None:
                got = found[rule] = set()
            got.update(ANCHORS[rule][1](text, q))
    return {rule: sorted(p for p in starts if p >= 0) for rule, starts in found.items()}


def pattern_matches(text: str) -> Iterator[tuple]:
    """(rule, match) of every pattern over the whole ``text``: pattern by pattern, each pattern's matches
    as ``finditer`` gives them."""
    folded = fold(text)
    starts = _pattern_starts(text, folded) if folded is not None else None
    for rule, rx in PATTERNS:
        if starts is not None and rule not in starts:
            continue               # no anchor of the rule in the text
        if rule in _GATES and not _GATES[rule].search(text):
            continue
        for m in (rx.finditer(text) if starts is None else match_at(rx, text, starts[rule])):
            yield rule, m


def find_dates(sentence: str, published: Optional[dt.date], offset: int = 0) -> list:
    """Date mentions of one sentence, best first: day precision before month, then by position.

    ``Mention.value`` is ``(date_string_or_None, precision)``; spans are absolute
    (``offset`` is the sentence's start in the article).
    """
    from ..models import Span
    return find_dates_in_spans(sentence, [Span(0, len(sentence), sentence)], published)[0] if offset == 0 else [
        Mention(m.value, m.surface, m.start + offset, m.end + offset, m.rule)
        for m in find_dates_in_spans(sentence, [Span(0, len(sentence), sentence)], published)[0]]


def find_dates_in_spans(text: str, spans: list, published: Optional[dt.date]) -> list:
    """Date mentions of every sentence span of ``text`` (one pass of each pattern over the whole text)."""
    starts = [sp.start for sp in spans]
    found = [[] for _ in spans]
    taken = [[] for _ in spans]
    for rule, m in pattern_matches(text):
        a, b = m.span()
        i = bisect.bisect_right(starts, a) - 1
        if i < 0 or b > spans[i].end:
            continue
        if any(not (b <= s or a >= e) for s, e in taken[i]):
            continue
        if rule == "month_year":
            mon = m.group("mon")
            # "may" / "march" as verbs or bare abbreviations need a year or a preposition to count
            if _NOT_A_MONTH.match(mon) and not m.group("year") and not re.match(
                    r"(?:in|since|during|early|late|mid|last|this|end of|beginning of)[\s-]", m.group(0).strip().lower()):
                continue
            if mon[0].islower() and not m.group("year"):
                continue
        if rule == "weekday" and not m.group("wd")[0].isupper():
            continue
        sp = spans[i]
        value, precision = resolve(rule, m, sp.text, published, a - sp.start)
        if value is None and rule in _DROP_UNRESOLVED:
            continue
        taken[i].append((a, b))
        found[i].append(Mention((value, precision), m.group(0), a, b, rule))
    _same_day_as_before(found)
    rank = {"day": 0, "month": 1, "unknown": 2}
    for k, lst in enumerate(found):
        lst = found[k] = _weekday_with_date(text, lst)
        lst.sort(key=lambda mm: (rank[mm.value[1]], mm.start))
    return found


# the day the story is on, not the day of publication: "On Tuesday Kerry met Lavrov. Later in the day ..."
SAME_DAY = frozenset(("on the same day", "earlier in the day", "later in the day", "later that day",
                      "earlier that day", "that same day"))
SAME_DAY_LOOKBACK = 2       # sentences


def _same_day_as_before(found: list) -> None:
    """A same-day phrase takes the last day-precision date told before it, in its sentence or the two before,
    that is not itself a same-day or today phrase; with none, it stays the publication day."""
    for k, lst in enumerate(found):
        for j, mm in enumerate(lst):
            if mm.rule != "today" or mm.surface.lower() not in SAME_DAY:
                continue
            for back in range(k, max(-1, k - 1 - SAME_DAY_LOOKBACK), -1):
                days = [d for d in found[back] if d.value[1] == "day" and d.value[0] and d.rule != "today"
                        and d.start < mm.start]
                if days:
                    told = max(days, key=lambda d: d.start)
                    lst[j] = Mention(told.value, mm.surface, mm.start, mm.end, "same_day")
                    break


_EXPLICIT = ("iso", "numeric", "month_day_year", "day_month_year")
_WEEKDAY_TO_DATE = re.compile(r"[,.]?\s*(?:the\s+)?")


def _weekday_with_date(text: str, mentions: list) -> list:
    """A weekday written just before a date is part of it: "Tuesday, July 22, 2014" is that date, not this
    week's Tuesday (one mention over both, with the date's value)."""
    if not any(mm.rule == "weekday" for mm in mentions):
        return mentions
    by_start = {mm.start: mm for mm in mentions if mm.rule in _EXPLICIT}
    out, gone = [], set()
    for mm in sorted(mentions, key=lambda x: x.start):
        if mm.rule != "weekday":
            continue
        gap = _WEEKDAY_TO_DATE.match(text, mm.end)
        date = by_start.get(gap.end())
        if date is not None:
            out.append(Mention(date.value, text[mm.start:date.end], mm.start, date.end, date.rule))
            gone.update((id(mm), id(date)))
    return out + [mm for mm in mentions if id(mm) not in gone]
