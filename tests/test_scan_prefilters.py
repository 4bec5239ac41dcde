"""The prefilters that keep scans fast lose nothing: the literals every match needs or starts with, read from
the parsed pattern (``text.required_literals``, ``text.literal_starts``); ``Caseless``'s scout and literal
check; the lexicon scan over folded text. Sentences and word lists written for this test."""
import gc
import random
import re

import pytest

import frontline.extract  # noqa: F401 - every extraction module, so that their patterns exist
import frontline.extract.diplomacy  # noqa: F401
from frontline.extract.scan import LEXICONS, _lexicon_scan
from frontline.resources import lexicon
from frontline.text import Caseless, literal_starts, required_literals


@pytest.mark.parametrize("pattern,expected", [
    (r"\d+ killed|killed", ("killed",)),
    (r"\w+", None),
    (r"air ?strikes?", ("strike",)),                       # "air" is as long, but "strike" comes first in length
    (r"a(?i:b)", ("a",)),                                  # a case-insensitive group says nothing about its letters
    (r"(?:x)?yz", ("yz",)),
    (r"\b(?:another|separately)\b|\bin another\b", ("another", "separately")),   # "in another" holds "another"
    (r"(?:one|two) other (?:men|people)", (" other ",)),
    (r"ab*c", ("a",)),
    (r"(?=kill)k", ("k",)),
    (r"x|\s+", None),                                      # one alternative needs nothing
])
def test_required_literals(pattern, expected):
    assert required_literals(pattern) == expected


@pytest.mark.parametrize("pattern,expected", [
    (r"(?:for|in|out of) fear of", {"for fear of", "in fear of", "out of fear of"}),
    (r"strikes?", {"strike"}),
    (r"\bkill(?:ed|s)?\b", {"kill"}),                     # word edges and look-arounds take up no text
    (r"(?<![\w-])air[- ]strike", {"air-strike", "air strike"}),
    (r"(?:the )?meeting", None),                           # may start on "meeting"
    (r"\d+ dead", None),
    (r"a|bc", None),                                       # a single letter is too short to look for
    (r"fran\u00e7ois", {"fran"}),                          # literals stop at a letter beyond ASCII
])
def test_literal_starts(pattern, expected):
    got = literal_starts(pattern)
    assert (set(got) if got is not None else None) == expected


# words of the patterns, in several cases, with punctuation, digits and letters that fold oddly
WORDS = ["killed", "KILLED", "Killed", "another", "separate", "the same area", "came a day after", "in all", "the",
         "at least", "Three", "dozens", "twenty-five", "1,200", "toll rose to", "were killed", "injuring", "said",
         "on Monday", "will meet", "since", "until", "by the", "held by", "backed by", "in clashes with", "blaming",
         "claimed responsibility for", "the victims", "earlier", "last week", "ceasefire", "collapsed", "talks",
         "met", "visited", "and", "while", ";", ",", ".", "-", "'s", "(", ")", "\u0130", "\u0131", "\u017f", "\u212a",
         "caf\u00e9", "  ", "\n"]


def _texts(n: int, seed: int):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(WORDS) + rnd.choice(["", " ", " ", ", "]) for _ in range(rnd.randint(0, 24)))


def _caseless_patterns() -> list:
    # the dashboard freezes its start-up objects (gc.freeze), and frozen objects are not listed by
    # gc.get_objects: a worker that ran the app's tests first would find none
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    try:
        return sorted((o for o in gc.get_objects() if isinstance(o, Caseless)), key=lambda c: c.pattern)
    finally:
        if frozen:
            gc.freeze()


def test_the_extraction_has_caseless_patterns_with_scouts_and_literal_checks():
    patterns = _caseless_patterns()
    assert len(patterns) > 40
    assert sum(c.scout is not None for c in patterns) > 20
    assert sum(c.needs is not None for c in patterns) > 40


def _span(m):
    return None if m is None else (m.span(), m.groupdict())


def test_every_caseless_pattern_finds_what_ignorecase_finds():
    """Over texts made of the patterns' own words: search (whole text and windows), match, finditer and
    starts give what ``re.IGNORECASE`` gives over the text itself."""
    texts = list(_texts(120, seed=11))
    for c in _caseless_patterns():
        plain = re.compile(c.pattern, re.IGNORECASE)
        for text in texts:
            lo, hi = len(text) // 3, len(text) - len(text) // 4
            assert _span(c.search(text)) == _span(plain.search(text)), (c.pattern[:60], text)
            assert _span(c.search(text, lo, hi)) == _span(plain.search(text, lo, hi)), (c.pattern[:60], text)
            assert _span(c.match(text, lo)) == _span(plain.match(text, lo)), (c.pattern[:60], text)
            want = [m.span() for m in plain.finditer(text)]
            assert [m.span() for m in c.finditer(text)] == want, (c.pattern[:60], text)
            assert [m.span() for m in c.finditer(text, lo, hi)] == [m.span() for m in plain.finditer(text, lo, hi)]
            assert c.starts(text) == [a for a, _ in want]


@pytest.mark.parametrize("text", [
    "Syrian and RUSSIAN warplanes pounded rebel-held districts; the UN condemned the strikes, US officials said.",
    # a letter that folds apart (dotted capital I): the scan falls back to the text itself
    "\u0130dlib: Syrian and Russian warplanes pounded rebel-held districts; the UN condemned the strikes.",
    "in fear of new strikes, for fear of a collapse, the truce will be held next week; threatening to attack",
])
def test_lexicon_scan_over_folded_text_equals_each_lexicon_alone(text):
    for t in (text, text.upper(), text.lower(), text.title()):
        together = [(name, m.span(), row) for name, m, row in _lexicon_scan().finditer(t)]
        alone = [(name, m.span(), row) for name, (path, hyphen) in LEXICONS.items()
                 for m, row in lexicon(path, hyphen).finditer(t)]
        assert together == alone, t
        assert together or not t.isascii()      # (lower-casing a dotted capital I shifts what follows by one)


@pytest.mark.parametrize("text", [
    "Jets struck a market in the north of the province on Tuesday. Twelve died. RELATED NEWS Turkey shells border",
    "Related news first, then the story: a car bomb killed four near the stadium, and 3 related deaths were told.",
    "A barrel bomb hit the clinic, medics said, and the toll rose. 12 Related Tags: Syria, Aleppo, war",
    "Nothing follows this article at all, it is plain reporting of the shelling of the old city walls.",
])
def test_boilerplate_start_is_the_lexicons_first_match_from_the_middle(text):
    from frontline.extract.sentences import boilerplate_start
    for t in (text, text.upper(), text.lower()):
        first = next((m.start() for m, _ in lexicon("lexicon/boilerplate.csv").finditer(t, len(t) // 2)), len(t))
        assert boilerplate_start(t) == first


def test_sentence_boundaries_tried_at_their_openers_are_the_plain_scan():
    from frontline.text import _BOUNDARY, _boundaries
    rnd = random.Random(5)
    parts = ["Aleppo", " ", "  ", ".", "!", "?", "\n", "\n\n", '"', "\u201d", "(", ")", "A", "a", "7", "Dr.", "U.S.",
             "killed", "\u201cThe", " 12"]
    for _ in range(400):
        text = "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 40)))
        assert [m.span() for m in _boundaries(text)] == [m.span() for m in _BOUNDARY.finditer(text)], text
