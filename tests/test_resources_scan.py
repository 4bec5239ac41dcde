"""``match_at`` and ``LexiconScan``: the prefiltered scans find what the plain regexes find."""
import re

from frontline.extract.scan import LEXICONS, _lexicon_scan
from frontline.resources import lexicon, match_at

TEXT = ("Russian and Syrian government warplanes pounded rebel-held eastern Aleppo on Monday, killing at least "
        "13 civilians, the Syrian Observatory said. The US and Russia will meet in Geneva; the UN condemned the "
        "strikes. Rebels denied shelling government-held western districts. If the truce collapses, more will die. "
        "Air strikes hit al-Shaar; the death toll rose to 20 since 2011.")


def test_match_at_is_finditer_where_matches_may_start():
    rx = re.compile(r"\b\w+ed\b")
    starts = [m.start() for m in re.finditer(r"\b\w", TEXT)]       # every word start: a superset
    assert [m.span() for m in match_at(rx, TEXT, starts)] == [m.span() for m in rx.finditer(TEXT)]


def test_lexicon_scan_equals_each_lexicon_on_its_own():
    for text in (TEXT, TEXT.upper(), TEXT.lower(), ""):
        together = [(name, m.span(), row) for name, m, row in _lexicon_scan().finditer(text)]
        alone = [(name, m.span(), row) for name, (path, hyphen) in LEXICONS.items()
                 for m, row in lexicon(path, hyphen).finditer(text)]
        assert together == alone
        assert together or not text


def test_lexicon_scan_on_shuffled_text():
    """Words of the text recombined at random, in any case: the rows tried one by one at each start
    still find what each lexicon's whole alternation finds."""
    import random
    rnd = random.Random(3)
    words = re.findall(r"\S+", TEXT) + ["in", "since", "has", "had", "Syrian", "state", "more than", "-", "'s"]
    for _ in range(300):
        text = " ".join(rnd.choice([str.lower, str.upper, str.title, str])(rnd.choice(words))
                        for _ in range(rnd.randint(1, 40)))
        together = [(name, m.span(), row) for name, m, row in _lexicon_scan().finditer(text)]
        alone = [(name, m.span(), row) for name, (path, hyphen) in LEXICONS.items()
                 for m, row in lexicon(path, hyphen).finditer(text)]
        assert together == alone, text


def test_lexicon_scan_where_literals_sit_inside_words():
    """Literals inside a word ("us" in "thus", "un" in "under"), after a hyphen or an underscore: no row
    starts there, as each lexicon's own word edges say."""
    text = ("Thus, under the fund's plan, anti-US and pro-UN_us groups, co-chair Russia-backed the UN-Syria "
            "talks; the un-named Syrian_army and US-led jets killed 3 in Aleppo-based units.")
    for t in (text, text.upper(), text.lower()):
        together = [(name, m.span(), row) for name, m, row in _lexicon_scan().finditer(t)]
        alone = [(name, m.span(), row) for name, (path, hyphen) in LEXICONS.items()
                 for m, row in lexicon(path, hyphen).finditer(t)]
        assert together == alone
        assert any(name == "parties" for name, _, _ in together)
