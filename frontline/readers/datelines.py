"""Publication dates: the text's own dateline when it has one (corpus metadata is sometimes wrong),
else the metadata; dates before 1990 or in the future dropped with a warning."""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from .common import Warn, _warn

EARLIEST_PUBLISHED = dt.date(1990, 1, 1)

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WEEKDAY = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
_YEAR = r"(?:19|20)\d\d"
_DATE = (
    rf"(?:(?P<iy>{_YEAR})-(?P<im>\d\d)-(?P<id>\d\d)"                                  # 2016-10-13
    rf"|(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?[ ]+(?P<m1>{_MONTH})\.?,?[ ]+(?P<y1>{_YEAR})"   # 13 October 2016
    rf"|(?P<m2>{_MONTH})\.?[ ]+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?[ ]*(?P<y2>{_YEAR})"   # Oct 13, 2016 / Jun 062016
    rf"|(?P<nd>\d{{1,2}})(?P<sep>[./-])(?P<nm>\d{{1,2}})(?P=sep)(?P<ny>{_YEAR})"          # 13.10.2016 13/10/2016
    rf")(?![\d])"
)
_PREFIX = (r"(?:(?:date\s+of\s+publication|posted(?:\s+on)?|published(?:\s+on)?|last\s+updated(?:\s+(?:at|on))?"
           r"|updated(?:\s+(?:at|on))?|first\s+published(?:\s+on)?)\s*:?\s*)")
# a wire dateline such as "ALEPPO, Syria (AP) — " or "BEIRUT (Reuters) - "
_WIRE_PLACE = r"(?:[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][A-Za-z ]{2,30})?\s*(?:\((?:AP|AFP|Reuters|SANA)\))?\s*[—–-]+\s*)"
_LEADING = re.compile(
    rf"\s*(?:{_WIRE_PLACE})?(?:(?:AFP|Reuters|AP|SANA|NNA)\s+)?{_PREFIX}?(?:{_WEEKDAY}\.?,?\s+)?{_DATE}",
    re.IGNORECASE)
_ANY_DATE = re.compile(_DATE, re.IGNORECASE)
_WEEKDAY_BEFORE = re.compile(rf"(?:^|\W){_WEEKDAY}\.?,?\s+$", re.IGNORECASE)
_WIRE_BEFORE = re.compile(r"(?:^|\W)(?:AFP|Reuters|AP|SANA|NNA|UTC[+-]\d+)\W{0,3}$", re.IGNORECASE)
# (no "\s*" after an optional token that follows "\s*": unambiguous, linear on any run of spaces)
_MARK_AFTER = re.compile(r"\s*(?:\(updated|\)\s*Get short URL|Get short URL|(?:[A-Z][a-z]+\s+){0,3}SANA\b"
                         r"|\d{3,4}\s*[AP]M\b|\d{1,2}:\d\d\b|at\s+\d{3,4}\b)")
_PREPOSITION_BEFORE = re.compile(
    r"(?:^|\W)(?:on|since|in|of|from|until|till|to|between|and|before|after|by|at|until)\s+"
    rf"(?:{_WEEKDAY}\.?,?\s+)?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z\"“]")
HEAD_CHARS = 300


def _date_of(m: re.Match) -> Optional[dt.date]:
    g = m.groupdict()
    try:
        if g["iy"]:
            return dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g["y1"]:
            return dt.date(int(g["y1"]), _MONTHS[g["m1"].lower()], int(g["d1"]))
        if g["y2"]:
            return dt.date(int(g["y2"]), _MONTHS[g["m2"].lower()], int(g["d2"]))
        a, b, y = int(g["nd"]), int(g["nm"]), int(g["ny"])
    except (ValueError, KeyError):
        return None
    # numeric forms are day-first (13.10.2016, 13/10/2016) unless that cannot be a date
    for day, month in ((a, b), (b, a)):
        try:
            return dt.date(y, month, day)
        except ValueError:
            continue
    return None


def find_dateline(text: str) -> Optional[tuple]:
    """The publication date a text states about itself, as ``(date, start, end)``.

    ``text[start:end]`` is the dateline (prefix such as "Date of publication"
    and weekday included). Looks at the very start of the text first
    ("22 Sep 2016 ...", "Posted on July 20 2016 by", "Last updated at Jun 062016",
    "Wed 05 Apr 2017", "19.07.2016(updated ...", "2016-10-13"), then, within
    the headline before the first sentence ends, at a date marked as a dateline:
    after a weekday ("... Monitor AFP Thursday 14 Jul 2016"), after a wire
    name, or before "SANA", "(updated" or "Get short URL". A date after a
    preposition ("On August 21 2013 the regime ...") is an event, not a dateline.
    Returns ``None`` when there is none.
    """
    if not text:
        return None
    head = text[:HEAD_CHARS]
    m = _LEADING.match(head)
    if m:
        d = _date_of(m)
        if d:
            start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            return d, start, m.end()
    end_m = _SENTENCE_END.search(head)
    limit = end_m.start() + 1 if end_m else len(head)
    for m in _ANY_DATE.finditer(head, 0, limit):
        before = head[max(0, m.start() - 40):m.start()]
        after = head[m.end():m.end() + 40]
        weekday = _WEEKDAY_BEFORE.search(before)
        if _PREPOSITION_BEFORE.search(before):
            continue
        if not (weekday or _WIRE_BEFORE.search(before) or _MARK_AFTER.match(after)):
            continue
        d = _date_of(m)
        if d:
            start = m.start()
            if weekday:
                g = weekday.group(0)
                start -= len(g) - (0 if g[0].isalpha() else 1)
            return d, start, m.end()
    return None


def parse_iso_date(value) -> Optional[dt.date]:
    """``YYYY-MM-DD`` (or a date/datetime) to a date; anything else gives ``None``."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", s):
        return None
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


def parse_us_date(value) -> Optional[dt.date]:
    """FA-KES ``date`` column, month first (``10/13/2016``); ISO accepted too."""
    s = str(value or "").strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
    if not m:
        return parse_iso_date(s)
    try:
        return dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None


def plausible_published(day: Optional[dt.date], today: dt.date) -> bool:
    return day is not None and EARLIEST_PUBLISHED <= day <= today + dt.timedelta(days=1)


def resolve_published(text: str, metadata_date: Optional[dt.date], *, today: dt.date,
                      where: str = "", warn: Warn = None) -> tuple:
    """``(published, published_from)``: the text's dateline, else the metadata date.

    Dates before 1990 or after ``today`` are not believed: the other source is
    used, or the date is left unknown, with a warning.
    """
    found = find_dateline(text)
    candidates = []
    if found:
        candidates.append((found[0], "dateline"))
    if metadata_date:
        candidates.append((metadata_date, "metadata"))
    for day, origin in candidates:
        if plausible_published(day, today):
            return day, origin
        _warn(warn, f"{where}: publication date {day.isoformat()} ({origin}) is "
                    f"{'in the future' if day > today else 'before 1990'}; ignored")
    return None, ""


