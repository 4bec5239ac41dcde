"""Dates in a sentence, resolved against the publication date and the sentence's tense.

The core never reads the clock: an article without ``published`` gets absolute
dates only; relative ones ("Wednesday", "yesterday") stay unresolved (None).
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from typing import Iterator, Optional

from ..models import Mention
from ..resources import lexicon, literal_automaton, match_at
from ..text import fold

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

PATTERNS = [
    ("iso", re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)(?!\d)")),
    ("dmy_slash", re.compile(r"(?<!\d)(?P<day>[0-3]?\d)/(?P<m>[01]?\d)/(?P<year>(?:19|20)\d\d)(?!\d)")),
    ("month_day_year", re.compile(r"\b" + _MONTH + r"\s+" + _DAYNUM + r"(?:,?\s+" + _YEAR + r")?\b", re.I)),
    ("day_month_year", re.compile(r"\b" + _DAYNUM + r"(?:\s+of)?\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r")?\b", re.I)),
    ("month_year", re.compile(r"\b(?:" + "|".join(_MONTH_LEADS) + r")?\s*"
                              r"(?<![\d])" + _MONTH + r"(?:\s+" + _YEAR + r")?\b", re.I)),
    ("overnight_into", re.compile(r"\bovernight (?:into|to) " + _WEEKDAY + r"\b", re.I)),
    ("weekday", re.compile(r"\b" + _WEEKDAY + r"(?:\s+(?:morning|afternoon|evening|night))?\b", re.I)),
    ("today", re.compile(r"\b(?:today|this morning|this afternoon|this evening|tonight|earlier today|"
                         r"on the same day)\b", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night|the previous night)\b", re.I)),
    ("days_ago", re.compile(r"\b(?P<n>\w+|\d+) days? (?:ago|earlier)\b", re.I)),
    ("week_ago", re.compile(r"\b(?:a|one) week ago\b", re.I)),
    ("last_week", re.compile(r"\b(?:last week|earlier this week|this week|past week)\b", re.I)),
    ("last_month", re.compile(r"\b(?:last month|earlier this month|this month|a month ago)\b", re.I)),
]
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1}
_CLAUSE_STOP = re.compile(r"(?:\b(?:said|says|told|reported|announced|added|stated)\b|[,;:])", re.I)


def _future_cues() -> re.Pattern:
    rows = [r["pattern"] for r in lexicon("lexicon/cues.csv").rows if r["cue"] == "future"]
    return re.compile(r"(?<![\w-])(?:" + "|".join(rows) + r")(?![\w-])", re.I)


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


def _month_num(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.get(name) or MONTH_ABBR[name[:3]]


def _pick_year(month: int, day: Optional[int], published: Optional[dt.date]) -> Optional[int]:
    if published is None:
        return None
    year = published.year
    probe = dt.date(year, month, min(day or 1, 28))
    if (probe - published).days > 120:   # "December" in a January article is last year's
        year -= 1
    return year


def _shift_month(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(y, m + 1, 1)


def resolve(rule: str, m: re.Match, sentence: str, published: Optional[dt.date], pos: Optional[int] = None):
    """(value, precision) for one matched date expression; value None when unresolvable.

    ``pos`` is the match's offset in ``sentence`` (default ``m.start()``), used for the tense.
    """
    pos = m.start() if pos is None else pos
    g = m.groupdict()
    if rule in ("iso", "dmy_slash", "month_day_year", "day_month_year"):
        month = int(g["m"]) if g.get("m") else _month_num(g["mon"])
        day = int(g["day"])
        year = int(g["year"]) if g.get("year") else _pick_year(month, day, published)
        if year is None or not 1 <= month <= 12:
            return None, "unknown"
        try:
            return dt.date(year, month, day).isoformat(), "day"
        except ValueError:
            return None, "unknown"
    if rule == "month_year":
        month = _month_num(g["mon"])
        year = int(g["year"]) if g.get("year") else _pick_year(month, None, published)
        if year is None:
            return None, "unknown"
        return f"{year:04d}-{month:02d}", "month"
    if published is None:
        return None, "unknown"
    if rule in ("weekday", "overnight_into"):
        wd = WEEKDAYS[g["wd"].lower().rstrip("s").rstrip("'") if g["wd"].lower() not in WEEKDAYS else g["wd"].lower()]
        if is_future_at(sentence, pos):
            delta = (wd - published.weekday()) % 7
            return (published + dt.timedelta(days=delta)).isoformat(), "day"
        delta = (published.weekday() - wd) % 7
        return (published - dt.timedelta(days=delta)).isoformat(), "day"
    if rule == "today":
        return published.isoformat(), "day"
    if rule == "yesterday":
        return (published - dt.timedelta(days=1)).isoformat(), "day"
    if rule == "days_ago":
        n = g["n"].lower()
        n = int(n) if n.isdigit() else _SMALL.get(n)
        if n is None:
            return None, "unknown"
        return (published - dt.timedelta(days=n)).isoformat(), "day"
    if rule == "week_ago":
        return (published - dt.timedelta(days=7)).isoformat(), "day"
    if rule == "last_week":
        back = 0 if "this week" in m.group(0).lower() else 7
        return (published - dt.timedelta(days=back)).strftime("%Y-%m"), "month"
    if rule == "last_month":
        back = 0 if "this month" in m.group(0).lower() else -1
        return _shift_month(published, back).strftime("%Y-%m"), "month"
    return None, "unknown"


_MONTH_WORD = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
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


def _word_before(text: str, q: int) -> tuple:
    """The start of the word before the space before the anchor ("(\\w+) days ago")."""
    p = q - 1
    while p > 0 and (text[p - 1].isalnum() or text[p - 1] == "_"):
        p -= 1
    return (p,)


_MONTH_STEMS = tuple(sorted({m[:3] for m in MONTHS}))      # every month name and abbreviation starts with one
ANCHORS = {
    "iso": (("-",), _before(4)),
    "dmy_slash": (("/",), _before(1, 2)),
    "month_day_year": (_MONTH_STEMS, _at_anchor),
    "day_month_year": (_MONTH_STEMS, _day_before),
    "month_year": (_MONTH_STEMS, _led_by(*{len(w) for w in _MONTH_LEADS})),
    "overnight_into": (("overnight",), _at_anchor),
    "weekday": (tuple(WEEKDAYS), _at_anchor),
    "today": (("today", "this morning", "this afternoon", "this evening", "tonight", "earlier today",
               "on the same day"), _at_anchor),
    "yesterday": (("yesterday", "last night", "the previous night"), _at_anchor),
    "days_ago": (("day ago", "days ago", "day earlier", "days earlier"), _word_before),
    "week_ago": (("week ago",), _before(2, 4)),
    "last_week": (("last week", "earlier this week", "this week", "past week"), _at_anchor),
    "last_month": (("last month", "earlier this month", "this month", "a month ago"), _at_anchor),
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
    found: dict = {rule: set() for rule in ANCHORS}
    for end, (length, rules) in _anchor_automaton().iter(folded):
        q = end - length + 1
        for rule in rules:
            found[rule].update(ANCHORS[rule][1](text, q))
    return {rule: sorted(p for p in starts if p >= 0) for rule, starts in found.items()}


def pattern_matches(text: str) -> Iterator[tuple]:
    """(rule, match) of every pattern over the whole ``text``: pattern by pattern, each pattern's matches
    as ``finditer`` gives them."""
    folded = fold(text)
    starts = _pattern_starts(text, folded) if folded is not None else None
    for rule, rx in PATTERNS:
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
                    r"(?:in|since|during|early|late|mid|last|this|end of|beginning of)\s", m.group(0).strip().lower()):
                continue
            if mon[0].islower() and not m.group("year"):
                continue
        if rule == "weekday" and not m.group("wd")[0].isupper():
            continue
        sp = spans[i]
        value, precision = resolve(rule, m, sp.text, published, a - sp.start)
        taken[i].append((a, b))
        found[i].append(Mention((value, precision), m.group(0), a, b, rule))
    rank = {"day": 0, "month": 1, "unknown": 2}
    for lst in found:
        lst.sort(key=lambda mm: (rank[mm.value[1]], mm.start))
    return found
