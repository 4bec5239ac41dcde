"""The date patterns tried only at their anchors find what a scan of the whole text finds."""
import random

import pytest

from frontline.extract import dates

TOKENS = ["May", "may", "in", "inMay", "mid-", "mid", "end of", "beginning of", "Sept.", "Dec.", "31st", "3", "3rd",
          "of", "Of", "2016", "2016-10-01", "01/10/2016", "1/2/2015", "-", "/", "Monday", "monday's", "Tuesdays",
          "morning", "overnight into", "today", "this morning", "Tonight", "earlier today", "on the same day",
          "yesterday", "last night", "the previous night", "three", "two days ago", "Days Ago", "days", "ago",
          "earlier", "a week ago", "One week ago", "last week", "this week", "earlier this week", "last month",
          "this month", "a month ago", "October", "Oct", "13", "market", "summary", "decided", ",", ".", "x", "_",
          "13.10.2016", "13-10-2016", "10/13/2016", "2016/10/13", "2016.10.13", "1.5", ".", "3-4", "in", "In",
          "in about", "twenty-one", "twenty one", "a", "day", "weeks", "months ago", "years earlier", "weeks'",
          "time", "of", "tomorrow", "the day after tomorrow", "the day before yesterday", "next", "last", "Last",
          "this", "coming", "next week", "weekend", "Weekend's", "over the", "during the", "at the", "on the", "past", "next month", "Next Friday", "twelve", "seventy-seven", "4",
          "\u017f", "\u0131", "\u0130", "\u212a", "\u00e9", "\u00a0", "\n", "\t", "  "]
SEPARATORS = ["", " ", " ", "  ", "\n", ". ", ", "]


def whole_text_scan(text: str) -> list:
    """Each pattern's ``finditer`` over the whole text (the month gate applied as ``pattern_matches`` does)."""
    return [(rule, m.span()) for rule, rx in dates.PATTERNS
            if rule not in dates._GATES or dates._GATES[rule].search(text) for m in rx.finditer(text)]


@pytest.mark.parametrize("seed", range(4))
def test_anchored_matches_equal_whole_text_scan(seed):
    rnd = random.Random(seed)
    for _ in range(1500):
        text = "".join(rnd.choice(TOKENS) + rnd.choice(SEPARATORS) for _ in range(rnd.randint(1, 20)))
        assert [(rule, m.span()) for rule, m in dates.pattern_matches(text)] == whole_text_scan(text), text


def test_every_pattern_has_anchors():
    assert [rule for rule, _ in dates.PATTERNS] == list(dates.ANCHORS)
