"""Cardinals as news writes them, held to the cases the number parsers' own tables test.

The peers read for scope (their files are not copied; every row here is phrased for this project):
word2number (akshaynagpal/w2n, ``unit_testing.py``), text2num (allo-media/text2num,
``tests/test_text_to_num_en.py``) and numerizer (jaidevd/numerizer, ``test_numerize.py``).
In scope: cardinals written in words, digits, or both ("twenty-five", "one hundred and twenty",
"two hundred fifty thousand", "1.5 million", "25 thousand", "a dozen"), which news uses for tolls.
Out of scope: decimals spoken as words ("two point three"), fractions ("three quarters"), signs,
digit strings read out one by one ("zero nine sixty"); none of them is a casualty figure.

Every row is tested twice: ``parse_number(surface)`` and ``find_figures`` on a casualty sentence
built around it (``killed`` read with that value, qualifier ``exact``).

Conventions of this project where a peer answers otherwise (kept as explicit cases, marked CONVENTION):
- an ordinal ("third", "twenty-first", "hundredth") is not a count: numerizer turns it into "3rd",
  here it is no number and never a figure;
- a vague quantity ("dozens", "hundreds", "tens of thousands", "several hundred") is no number for the
  parser and a figure of value None, qualifier ``vague``, for the finder;
- "1 200" with a plain space is 1,200 (Sputnik-style grouping in FA-KES, whose copy has no thousands
  commas), but never after a month name ("October 16 300 people": a day, then a count);
- a sequence the peers reject as malformed ("sixty fifteen", "five zero", "thousand million") is None.
"""
import pytest

from frontline.extract.figures import find_figures, parse_number

VAGUE = "vague"

# surface, value (int; None: not a number; VAGUE: a vague quantity)
NUMBERS = [
    # units and teens
    ("one", 1), ("two", 2), ("five", 5), ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11),
    ("twelve", 12), ("thirteen", 13), ("fifteen", 15), ("nineteen", 19),
    # tens, tens and units: hyphenated, spaced, written as one word, a common misspelling
    ("twenty", 20), ("thirty", 30), ("forty", 40), ("ninety", 90),
    ("twenty-five", 25), ("thirty-one", 31), ("forty-two", 42), ("eighty-five", 85), ("ninety-nine", 99),
    ("twenty seven", 27), ("forty one", 41), ("fifty nine", 59),
    ("twentyone", 21), ("thirtyseven", 37), ("fourty two", 42), ("Sixty-Three", 63),
    # hundreds, with and without "and"
    ("one hundred", 100), ("a hundred", 100), ("two hundred", 200), ("two-hundred", 200),
    ("one hundred and twenty", 120), ("one hundred twenty", 120), ("one hundred and forty-two", 142),
    ("a hundred and fifty", 150), ("one hundred thirty-five", 135), ("four hundred and forty two", 442),
    ("nine hundred and ninety nine", 999), ("three hundred and six", 306), ("seven hundred one", 701),
    ("twelve hundred", 1200), ("fifteen hundred", 1500),
    # thousands
    ("one thousand", 1000), ("a thousand", 1000), ("seventeen thousand", 17000),
    ("two thousand and nineteen", 2019), ("one thousand two hundred", 1200),
    ("seventy four thousand and two", 74002), ("ninety nine thousand nine hundred ninety nine", 99999),
    ("two hundred fifty thousand", 250000), ("two hundred and fifty thousand", 250000),
    ("one thousand two hundred sixty-six", 1266), ("three thousand five hundred", 3500),
    ("forty thousand", 40000), ("nineteen hundred seventy-three", 1973),
    # millions and billions
    ("one million", 1_000_000), ("a million", 1_000_000), ("three million", 3_000_000),
    ("half a million", 500_000), ("a quarter of a million", 250_000), ("one million two hundred fifty thousand and seven", 1_250_007),
    ("two million three thousand and nineteen", 2_003_019),
    ("two million three thousand nine hundred and eighty four", 2_003_984),
    ("fifty-one million five hundred seventy-eight thousand three hundred two", 51_578_302),
    ("three billion", 3_000_000_000), ("one billion and one", 1_000_000_001),
    # digits, alone and with a scale word
    ("13", 13), ("112", 112), ("1200", 1200), ("1,200", 1200), ("1,000,000", 1_000_000),
    ("1 200", 1200), ("200 000", 200_000), ("1.5 million", 1_500_000), ("2.3 million", 2_300_000),
    ("25 thousand", 25_000), ("100 thousand", 100_000), ("5 hundred", 500), ("3 million", 3_000_000),
    ("4.8 million", 4_800_000),
    # dozens
    ("a dozen", 12), ("two dozen", 24), ("half a dozen", 6), ("three dozen", 36),
    # CONVENTION: ordinals are no count
    ("first", None), ("third", None), ("twenty-first", None), ("hundredth", None), ("3rd", None),
    # CONVENTION: vague quantities
    ("dozens", VAGUE), ("hundreds", VAGUE), ("thousands", VAGUE), ("tens of thousands", VAGUE),
    ("several hundred", VAGUE),
    # CONVENTION: malformed sequences and words that are no numbers
    ("sixty fifteen", None), ("five zero", None), ("thousand million", None), ("zebra", None), ("on", None),
]


def _sentence(surface: str, value) -> str:
    """A casualty sentence stating ``surface`` as the toll."""
    text = surface[0].upper() + surface[1:]
    if value is None and surface.lower() in ("first", "third", "twenty-first", "hundredth", "3rd"):
        return f"It was the {surface} time civilians were killed in the town this month."
    noun = "civilian was" if value == 1 else "civilians were"
    return f"{text} {noun} killed when shells hit the market."


def _killed(sentence: str):
    for f in find_figures(sentence):
        assert sentence[f.start:f.end] == f.surface, sentence
    return [(f.value, f.qualifier) for f in find_figures(sentence) if f.field == "killed"]


@pytest.mark.parametrize("surface,value", NUMBERS, ids=[s for s, _ in NUMBERS])
def test_parse_number(surface, value):
    assert parse_number(surface) == (None if value is VAGUE else value), surface


@pytest.mark.parametrize("surface,value", NUMBERS, ids=[s for s, _ in NUMBERS])
def test_figure_in_a_casualty_sentence(surface, value):
    sentence = _sentence(surface, value)
    got = _killed(sentence)
    if value is None:
        assert got == [], sentence
    elif value is VAGUE:
        assert got[:1] == [(None, "vague")], sentence
    else:
        assert got[:1] == [(value, "exact")], sentence


# the same numbers where news puts them: after the verb, with a qualifier, in a toll, among children
SENTENCES = [
    ("One hundred and twenty people were killed in the raids", {"killed": (120, "exact")}),
    ("The strikes killed two hundred and five people", {"killed": (205, "exact")}),
    ("Warplanes hit the market, killing one hundred and twelve civilians", {"killed": (112, "exact")}),
    ("More than two hundred fifty thousand people have been killed since 2011",
     {"killed": (250000, "more_than")}),
    ("At least one hundred and forty-two people died", {"killed": (142, "at_least")}),
    ("Nearly 1 500 civilians were killed", {"killed": (1500, "nearly")}),
    ("Up to two thousand people were killed", {"killed": (2000, "up_to")}),
    ("The death toll rose to three hundred and six", {"killed": (306, "exact")}),
    ("The bombing left forty-two dead and one hundred and ten wounded",
     {"killed": (42, "exact"), "injured": (110, "exact")}),
    ("Sixty people were killed, including twenty-five children",
     {"killed": (60, "exact"), "children_killed": (25, "exact")}),
    ("A dozen soldiers were killed and two dozen injured", {"killed": (12, "exact"), "injured": (24, "exact")}),
    ("Over 1.5 million people have fled and 25 thousand were wounded", {"injured": (25000, "exact")}),
    ("Tens of thousands of people were killed", {"killed": (None, "vague")}),
    ("More than a quarter of a million people have been killed", {"killed": (250000, "more_than")}),
    ("Updated 17:27 Nine civilians killed in shelling", {"killed": (9, "exact")}),
    ("It was the second time in a week that the clinic was hit", {}),
    ("On October 16 300 people were killed", {"killed": (300, "exact")}),
]


@pytest.mark.parametrize("sentence,expected", SENTENCES, ids=[s[:40] for s, _ in SENTENCES])
def test_figures_where_news_puts_them(sentence, expected):
    got = {}
    for f in find_figures(sentence):
        assert sentence[f.start:f.end] == f.surface, sentence
        got.setdefault(f.field, (f.value, f.qualifier))
    assert {k: v for k, v in got.items() if k in ("killed", "injured", "children_killed")} == expected, sentence
