"""``text.fold`` and ``text.Caseless``: case-insensitive scans run on the lower-cased text find
exactly what ``re.IGNORECASE`` finds on the text itself."""
import random
import re

import pytest

from frontline.extract import diplomacy, events, scan
from frontline.extract import figures as numbers
from frontline.text import Caseless, fold

# letters whose case folding trips up a naive lower-case scan, and ordinary text around them
ALPHABET = list("aAkKsSiI ,.-'\n0123") + ["\u0131", "\u017f", "\u0130", "\u212a", "\u03a3", "\u00e9", "\u00a0"]
WORDS = ["killed", "KILLED", "Killed", "another", "the same area", "came a day after", "in all", "at least",
         "Three", "dozens", "twenty-five", "1,200", "the toll rose to", "were killed", "Syrian", "injuring",
         "in the wake of", "earlier", "In May", "elsewhere", "Civilians", "wounded", "a child"]


def _texts(n: int, seed: int = 7):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(WORDS) + rnd.choice(["", " ", "  ", ", ", ". "]) if rnd.random() < 0.5
                      else rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 30)))


def test_fold_is_lower_when_it_lines_up():
    assert fold("Air Strikes KILLED 3") == "air strikes killed 3"
    assert fold("caf\u00e9 \u212a") == "caf\u00e9 k"             # Kelvin sign: re.I matches it as "k" too
    for odd in ("\u0130stanbul", "\u0131", "\u017fhelling"):
        assert fold(odd) is None                                  # folds apart from what re.I matches


def test_caseless_refuses_upper_case_letters():
    Caseless(r"(?P<n>\d+)\s+\w+[A-Z]\b")                          # escapes, group names and [A-Z] are fine
    with pytest.raises(ValueError):
        Caseless(r"Killed")


PATTERNS = [scan.CASUALTY_HINT, events.CAME_AFTER, events.ANAPHORA, events.ANOTHER, diplomacy.EARLIER,
            diplomacy.DIP_ANAPHORA, numbers._NUMBER_OR_VAGUE, numbers._QUALIFIER_BEFORE, numbers._GOVERNING_VERB,
            numbers._VERB_WITH_OWN_NUMBER] + [rx for _, rx in numbers._PATTERNS if isinstance(rx, Caseless)]


def _same(a, b):
    return (a is None and b is None) or (a is not None and b is not None and a.span() == b.span()
                                         and a.groupdict() == b.groupdict())


@pytest.mark.parametrize("c", PATTERNS, ids=lambda c: c.pattern[:30])
def test_caseless_finds_what_ignorecase_finds(c):
    plain = re.compile(c.pattern, re.IGNORECASE)
    for text in _texts(300):
        lo, hi = len(text) // 4, len(text) - len(text) // 4
        assert _same(c.search(text), plain.search(text)), text
        assert _same(c.search(text, lo, hi), plain.search(text, lo, hi)), text
        assert _same(c.match(text, lo), plain.match(text, lo)), text
        assert [m.span() for m in c.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        assert all(_same(a, b) for a, b in zip(c.finditer(text), plain.finditer(text))), text


# no scout for the whole (an alternative opens on white space, another on a digit), literals in each alternative
SPLIT = r"^\s*later\b|\b(?:\d+|two) other (?:people|civilians)\b|\bseparately\b|\bin another\s+\w+"


@pytest.mark.parametrize("text, span", [
    ("  Later that night the jets returned", (0, 7)),
    ("Separately, two other people were hurt", (0, 10)),
    ("Two other people were hurt; separately, a car bomb", (0, 16)),       # the leftmost, not the first alternative
    ("the jets came back later", None),                                    # "later" only opens the text
    ("In another strike, 12 other civilians died", (0, 17)),
    ("Monday, 12 Other Civilians died separately", (8, 26)),
    ("nothing of the kind here", None),
])
def test_alternatives_looked_for_alone_find_the_leftmost_match(text, span):
    c = Caseless(SPLIT)
    assert c.parts is not None and len(c.parts) == 4
    got = c.search(text)
    assert (got.span() if got else None) == span
    assert _same(got, re.compile(SPLIT, re.IGNORECASE).search(text))
    for lo in range(len(text)):
        assert _same(c.search(text, lo), re.compile(SPLIT, re.IGNORECASE).search(text, lo)), (text, lo)


def test_no_alternatives_when_one_has_nothing_to_look_for():
    assert Caseless(r"\bseparately\b|\s+\w+").parts is None        # the second could match anywhere
    assert Caseless(r"\bkilled\b").parts is None                    # no alternation


MANY = r"\b(?:shelled|bombed|raided|pounded|struck|stormed|targeted|besieged|ambushed|hit|attacked|fired on|" \
       r"overran|shot at)\b"


@pytest.mark.parametrize("text, found", [
    ("Rebels STORMED the checkpoint", True),
    ("Jets Pounded the town", True),
    ("a quiet day in the old city", False),
    ("the village was shelledx", False),          # the literal, but not as a word
])
def test_many_literals_are_looked_for_in_one_pass(text, found):
    c = Caseless(MANY)
    assert c.needs_finder is not None
    assert (c.search(text) is not None) is found
    assert _same(c.search(text), re.compile(MANY, re.IGNORECASE).search(text))
