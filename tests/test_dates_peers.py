"""Dates as news writes them, held to the cases dateparser's own tables test (the ones in scope for news).

The peer read for scope (its files are not copied; every row here is phrased for this project):
dateparser (scrapinghub/dateparser: ``tests/test_freshness_date_parser.py`` for "three weeks ago",
"eight months ago", "the day before yesterday", "tomorrow", "in three days"; ``tests/test_date_parser.py``
for explicit formats such as "Tuesday Jul 22, 2014", "13/03/2014", "06-17-2014", "29.02.2020" and for
``PREFER_DATES_FROM`` past/future, which here is the sentence's tense; ``tests/test_search.py`` for dates
found inside running text). Out of scope: clock times, time zones, hours and minutes ago, decades,
two-digit years, non-English languages and calendars.

Every case gives the publication date the relative ones resolve against (the core never reads the clock)
and the expected best mention ``(value, precision)``, with ``text[start:end] == surface`` for every one.

Conventions of this project where dateparser answers otherwise (kept as explicit cases, marked CONVENTION):
- a bare weekday in the past tense is the last such day *on or before* publication: the publication's own
  weekday is the publication day ("told reporters Thursday" in a Thursday article); dateparser's
  PREFER_DATES_FROM=past gives the week before. "last Thursday" is strictly before.
- a weekday in the future tense is the next such day on or after publication ("will meet Saturday");
  "next Tuesday" is strictly after.
- a weekday written with an explicit date ("Tuesday, July 22, 2014") is that date (as dateparser).
- a month or a period longer than a week ("in March", "eight months ago", "a year ago", "last week",
  "next month") has month precision ``YYYY-MM``; dateparser gives a full date (the 1st or the 15th).
- "three weeks ago", "a week ago", "in two weeks" have day precision: publication -/+ 7 days each.
- a day and month without a year ("on July 13", "in March") take the year the tense asks for: past, the
  latest such date on or before publication; future, the next one on or after it; with no tense cue, the
  nearest (up to four months ahead, else in the past), as before.
- numeric dates are day first (13.10.2016, 13-10-2016, 13/10/2016), the site's convention, unless that
  cannot be a date: then month first (10/13/2016, 06-17-2014), as ``articles.find_dateline`` reads them.
"""
import datetime as dt

import pytest

from frontline.extract.dates import find_dates

THU = dt.date(2016, 10, 13)      # Thursday
WED_FEB = dt.date(2016, 2, 10)   # Wednesday
MON_DEC = dt.date(2016, 12, 5)   # Monday
FRI_OCT = dt.date(2016, 10, 28)  # Friday
SUN = dt.date(2015, 2, 15)       # Sunday (dateparser's RELATIVE_BASE in its past/future tables)
JAN = dt.date(2016, 1, 8)        # Friday

CASES = [
    # relative, past
    ("Rebels shelled the district three weeks ago", THU, ("2016-09-22", "day")),
    ("The siege of the eastern districts began eight months ago", THU, ("2016-02", "month")),
    ("The hospital was bombed six days ago", THU, ("2016-10-07", "day")),
    ("The convoy was hit two weeks ago", THU, ("2016-09-29", "day")),
    ("The offensive began a month ago", THU, ("2016-09", "month")),
    ("The town fell two months ago", THU, ("2016-08", "month")),
    ("The talks collapsed a year ago", THU, ("2015-10", "month")),
    ("The city was first shelled five years ago", THU, ("2011-10", "month")),
    ("The truce was agreed ten days ago", THU, ("2016-10-03", "day")),
    ("Fighting erupted twelve days ago", THU, ("2016-10-01", "day")),
    ("The clinic was struck 4 days ago", THU, ("2016-10-09", "day")),
    ("The village was captured 3 weeks ago", THU, ("2016-09-22", "day")),
    ("The market was struck twenty-one days ago", THU, ("2016-09-22", "day")),
    ("The bakery was hit a day ago", THU, ("2016-10-12", "day")),
    ("The attack took place the day before yesterday", THU, ("2016-10-11", "day")),
    ("The day before yesterday, warplanes struck the bakery", THU, ("2016-10-11", "day")),
    ("Shells fell on the school yesterday", THU, ("2016-10-12", "day")),
    ("Clashes continued last night", THU, ("2016-10-12", "day")),
    ("Warplanes struck the district today", THU, ("2016-10-13", "day")),
    ("The strikes resumed about two weeks ago", THU, ("2016-09-29", "day")),
    ("A week ago, rebels shelled the district", THU, ("2016-10-06", "day")),
    # relative, future
    ("The envoy will arrive tomorrow", THU, ("2016-10-14", "day")),
    ("The talks resume the day after tomorrow", THU, ("2016-10-15", "day")),
    ("The ministers will meet in three days", THU, ("2016-10-16", "day")),
    ("The convoy is due to enter the city in two weeks", THU, ("2016-10-27", "day")),
    ("Talks will resume in a week", THU, ("2016-10-20", "day")),
    ("The aid will arrive in two days' time", THU, ("2016-10-15", "day")),
    ("The council will vote in a month", THU, ("2016-11", "month")),
    ("The council will vote next month", THU, ("2016-11", "month")),
    ("Talks will resume next week", FRI_OCT, ("2016-11", "month")),
    ("The UN envoy said talks would resume tomorrow", THU, ("2016-10-14", "day")),
    ("Tomorrow, the convoy is expected to enter the city", THU, ("2016-10-14", "day")),
    ("The minister said on 10 February that the army will take the city", dt.date(2016, 3, 2),
     ("2016-02-10", "day")),
    ("The halt in strikes in place since October 18 will continue", dt.date(2016, 10, 30), ("2016-10-18", "day")),
    ("The next round of talks is to be held on May 3", dt.date(2017, 4, 17), ("2017-05-03", "day")),
    ("The city will be attacked on Friday", THU, ("2016-10-14", "day")),
    ("A meeting in Lausanne is set to take place this Saturday", THU, ("2016-10-15", "day")),
    # weekdays
    ("Eight people were killed on Wednesday", THU, ("2016-10-12", "day")),
    ("The envoy will visit on Saturday", THU, ("2016-10-15", "day")),
    ("On Saturday, the ministers will meet in Lausanne", THU, ("2016-10-15", "day")),
    ("Last Friday rebels shelled the district", THU, ("2016-10-07", "day")),
    ("The talks will resume next Tuesday", THU, ("2016-10-18", "day")),
    ("Next Tuesday the council is to vote on the draft", THU, ("2016-10-18", "day")),
    ("He spoke to reporters Thursday", THU, ("2016-10-13", "day")),                 # CONVENTION
    ("Last Thursday the convoy was hit", THU, ("2016-10-06", "day")),
    ("The strikes resumed Sunday", MON_DEC, ("2016-12-04", "day")),
    ("Monday's attack killed five", MON_DEC, ("2016-12-05", "day")),                # CONVENTION
    ("Tuesday night raids killed nine", MON_DEC, ("2016-11-29", "day")),
    ("The ministers will meet on Monday", THU, ("2016-10-17", "day")),
    ("The ceasefire took effect on Monday evening", THU, ("2016-10-10", "day")),
    ("Rebels attacked on Friday", SUN, ("2015-02-13", "day")),
    ("The talks will open on Monday", SUN, ("2015-02-16", "day")),
    ("The convoy arrived on Sunday", SUN, ("2015-02-15", "day")),                   # CONVENTION
    ("The envoy will arrive on Friday", SUN, ("2015-02-20", "day")),
    # explicit dates and numeric formats
    ("The attack took place on Tuesday, July 22, 2014", THU, ("2014-07-22", "day")),
    ("Rebels shelled the district on Friday 14 October 2016", dt.date(2016, 10, 20), ("2016-10-14", "day")),
    ("Posted Fri, 12 Dec 2014", THU, ("2014-12-12", "day")),
    ("The strike of Tues 9th Aug, 2015 hit a school", THU, ("2015-08-09", "day")),
    ("The strike of 13.10.2016 hit a clinic", THU, ("2016-10-13", "day")),
    ("The strike of 13-10-2016 hit a clinic", THU, ("2016-10-13", "day")),
    ("The strike of 13/10/2016 hit a clinic", THU, ("2016-10-13", "day")),
    ("The strike of 10/13/2016 hit a clinic", THU, ("2016-10-13", "day")),            # CONVENTION
    ("The report is dated 06-17-2014", THU, ("2014-06-17", "day")),
    ("The strike of 2016/10/13 hit a clinic", THU, ("2016-10-13", "day")),
    ("The decree of 5.7.2018 took effect", THU, ("2018-07-05", "day")),
    ("The report of 29.02.2016 listed the victims", THU, ("2016-02-29", "day")),
    ("Published Sep 03 2014", THU, ("2014-09-03", "day")),
    ("On Aug. 9, 2012 the rebels entered the city", THU, ("2012-08-09", "day")),
    ("The vote was held November 19, 2014 at noon", THU, ("2014-11-19", "day")),
    ("Updated 8:25 a.m. Dec. 12, 2014", THU, ("2014-12-12", "day")),
    ("The siege began on 25th March 2015", THU, ("2015-03-25", "day")),
    ("The truce of the 5th of March 2016 collapsed", THU, ("2016-03-05", "day")),
    ("The district fell on 1 Mar 2015", THU, ("2015-03-01", "day")),
    ("The convoy left on 11 Sept. 2014", THU, ("2014-09-11", "day")),
    ("The city was besieged in December 2015", THU, ("2015-12", "month")),
    ("The uprising began in March 2011", THU, ("2011-03", "month")),
    ("The attack of 2016-10-01 hit a clinic", THU, ("2016-10-01", "day")),
    ("The strike on Wednesday, 12 October 2016, killed nine", THU, ("2016-10-12", "day")),
    ("Friday, 23 September 2016", THU, ("2016-09-23", "day")),
    # a day or a month without a year, resolved by the tense
    ("The city fell in March", WED_FEB, ("2015-03", "month")),
    ("Talks will resume in March", WED_FEB, ("2016-03", "month")),
    ("In December the city fell", dt.date(2017, 1, 10), ("2016-12", "month")),
    ("The ministers will meet in January", MON_DEC, ("2017-01", "month")),
    ("The strike on 10 December killed 12", SUN, ("2014-12-10", "day")),
    ("Aid will reach the city on 10 December", SUN, ("2015-12-10", "day")),
    ("The offensive began on July 13", WED_FEB, ("2015-07-13", "day")),
    ("The siege began in May", WED_FEB, ("2015-05", "month")),
    ("The conference is scheduled for March 15", WED_FEB, ("2016-03-15", "day")),
    ("In mid-March the rebels withdrew", WED_FEB, ("2015-03", "month")),
    ("Since January, 300 people have been killed", THU, ("2016-01", "month")),
    ("The truce collapsed on September 19", THU, ("2016-09-19", "day")),
    ("The convoy was hit on Sept. 19", THU, ("2016-09-19", "day")),
    ("The rebels withdrew in late November", MON_DEC, ("2016-11", "month")),
    ("The city was besieged in December", JAN, ("2015-12", "month")),
    ("Talks are due to resume on 25 January", JAN, ("2016-01-25", "day")),
    ("The talks are due to open on 25 February", WED_FEB, ("2016-02-25", "day")),
    ("The town was captured on 25 February", WED_FEB, ("2015-02-25", "day")),
    # the weekend: its Saturday (the guideline accepts Saturday or Sunday)
    ("Bombs killed 49 people over the weekend", dt.date(2016, 8, 15), ("2016-08-13", "day")),
    ("The ministers will meet this weekend", THU, ("2016-10-15", "day")),
    ("The agency condemned weekend air raids on four hospitals", dt.date(2016, 7, 25), ("2016-07-23", "day")),
    ("Residents are preparing for fighting this weekend", dt.date(2016, 10, 12), ("2016-10-15", "day")),
    ("Schools were closed until the weekend", dt.date(2016, 12, 7), ("2016-12-10", "day")),
    ("Shops stayed shut until Friday", THU, ("2016-10-14", "day")),
    # weeks and months of the publication (CONVENTION: month precision)
    ("Russia vetoed the resolution last week", THU, ("2016-10", "month")),
    ("The offensive began this week", THU, ("2016-10", "month")),
    ("The ceasefire collapsed last month", THU, ("2016-09", "month")),
    ("Aid arrived earlier this month", THU, ("2016-10", "month")),
    ("The convoy was hit last week", dt.date(2016, 10, 3), ("2016-09", "month")),
]


@pytest.mark.parametrize("sentence,published,expected", CASES, ids=[c[0][:50] for c in CASES])
def test_best_date(sentence, published, expected):
    found = find_dates(sentence, published)
    for m in found:
        assert sentence[m.start:m.end] == m.surface, sentence
    assert found and found[0].value == expected, (sentence, found)


# spans that name a length of time, a count or a verb, not a date
NO_DATES = [
    "Three hundred people were killed in three days of shelling",
    "The strikes killed 40 people in two weeks",
    "A three-day truce was agreed",
    "The 48-hour ceasefire held",
    "Over 1.5 million people have fled",
    "The second day of the offensive was the bloodiest",
    "Rebels fired 3-4 rockets at the district",
    "The shelling lasted for three days",
    "They may march to the city",
    "Within days the district was encircled",
    "Moscow had cancelled a planned visit to Paris next week",
]


@pytest.mark.parametrize("sentence", NO_DATES)
def test_no_date(sentence):
    assert find_dates(sentence, THU) == [], sentence
