"""Dates resolved against the publication date with the sentence's tense."""
import datetime as dt

import pytest

from frontline.extract import dates
from frontline.extract.dates import find_dates

THU = dt.date(2016, 10, 13)   # the seed's publication day, a Thursday

CASES = [
    ("Eight people were killed Wednesday in rebel shelling", THU, ("2016-10-12", "day")),
    ("Kerry will meet Saturday with foreign ministers", THU, ("2016-10-15", "day")),
    ("On Saturday, Russia vetoed a UN Security Council resolution", THU, ("2016-10-08", "day")),
    ("The Kremlin said Tuesday that Putin had canceled a planned visit", THU, ("2016-10-11", "day")),
    ("Airstrikes hit the east overnight into Thursday", THU, ("2016-10-13", "day")),
    ("He told reporters Thursday in Geneva", THU, ("2016-10-13", "day")),
    ("The ceasefire agreement collapsed last month", THU, ("2016-09", "month")),
    ("Russia last week vetoed a resolution", THU, ("2016-10", "month")),
    ("Rebels launched a counter-attack a week ago", THU, ("2016-10-06", "day")),
    ("The bombing at dawn yesterday killed 56", THU, ("2016-10-12", "day")),
    ("The truce took effect three days ago", THU, ("2016-10-10", "day")),
    ("killing more than 30 people on May 31", THU, ("2016-05-31", "day")),
    ("A man runs at a damaged site September 21 2016.", THU, ("2016-09-21", "day")),
    ("Date of publication 3 October 2016", THU, ("2016-10-03", "day")),
    ("The strike on 2016-10-01 hit a clinic", THU, ("2016-10-01", "day")),
    ("The strike on 01/10/2016 hit a clinic", THU, ("2016-10-01", "day")),
    ("The death toll from Tuesdays rocket attacks rose", THU, ("2016-10-11", "day")),
    ("Damascus and Moscow declared a pause in strikes on Oct. 18", dt.date(2016, 11, 4), ("2016-10-18", "day")),
    ("In December the city fell", dt.date(2017, 1, 10), ("2016-12", "month")),
    # no publication date: relative dates stay unresolved, absolute ones resolve
    ("Eight people were killed Wednesday", None, (None, "unknown")),
    ("Eight people were killed on 12 October 2016", None, ("2016-10-12", "day")),
]


@pytest.mark.parametrize("sentence,published,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_find_dates(sentence, published, expected):
    found = find_dates(sentence, published)
    assert found, sentence
    assert found[0].value == expected
    for m in found:
        assert sentence[m.start:m.end] == m.surface


@pytest.mark.parametrize("sentence", ["They may march to the city", "Rebels march on", "No date here at all"])
def test_no_false_dates(sentence):
    assert find_dates(sentence, THU) == []


@pytest.mark.parametrize("sentence,date,tense", [
    ("Kerry will meet Saturday with foreign ministers", "Saturday", "future"),
    ("Eight people were killed Wednesday in rebel shelling", "Wednesday", "past"),
    ("On Saturday, the ministers will meet in Lausanne", "Saturday", "future"),
    ("In March the city fell to the army", "March", "past"),
    ("The minister said on 10 February that the army will take the city", "10 February", "past"),
    ("The halt in place since October 18 will continue", "October 18", "past"),
    ("The talks are to be held on May 3", "May 3", "future"),
    ("The city will be attacked on Friday", "Friday", "future"),
    ("Rebels attacked on Friday, and the army will respond", "Friday", "past"),
    ("The convoy reaches the city on Friday", "Friday", None),
])
def test_tense_of_the_clause(sentence, date, tense):
    start = sentence.index(date)
    assert dates.tense_at(sentence, start, start + len(date)) == tense, sentence
