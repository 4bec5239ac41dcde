"""The shortcuts of the figure finder answer what the regexes they spare would answer (sentences written
for this test)."""
import pytest

from frontline.extract import figures as F
from frontline.text import fold

SENTENCES = [
    "At least 13 civilians were killed and more than  20 wounded in the strikes.",
    "Moreover 5 people died; some 40 were hurt, nearly\n12 of them children.",
    "The strikes killed two patients, injured eight and left up to 30 dead.",
    "Handsome 7 fighters were slain, claiming the lives of   over 9 others.",
    "Nobody was killed. Around 300 families fled, roughly two thousand and nineteen people.",
    "Close to a dozen bodies were found; \u0130dlib sources said as many as 15 died.",
    "",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_qualifier_start_is_the_regex_search(sentence):
    folded = fold(sentence)
    for hi in range(len(sentence) + 1):
        lo = max(0, hi - 24)
        q = F._QUALIFIER_BEFORE.search(sentence, lo, hi)
        assert F._qualifier_start(sentence, folded, lo, hi) == (q.start() if q else None), (sentence, hi)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_governed_is_the_search_from_the_start(sentence):
    for start in range(len(sentence) + 1):
        assert F._governed(sentence, start) == bool(F._GOVERNING_VERB.search(sentence, 0, start)), (sentence, start)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_number_starts_are_where_numbers_match(sentence):
    assert F._NUMBER_OR_VAGUE.starts(sentence) == [m.start() for m in F._NUMBER_OR_VAGUE.finditer(sentence)]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_number_led_patterns_skip_no_match(sentence):
    """Starts after the last kill or injury word (or "among") are not tried: they never match anyway."""
    folded = fold(sentence)
    starts = F._number_starts(sentence, folded)
    for rule, rx in F._PATTERNS:
        if rule in F._NUMBER_LED:
            every = []
            last_end = 0
            for pos in starts:
                m = rx.match(sentence, pos) if pos >= last_end else None
                if m:
                    last_end = m.end()
                    every.append(m.span())
            assert [m.span() for m in F._matches(rule, rx, sentence, starts, folded)] == every


def test_figures_found_with_the_shortcuts():
    got = {(f.field, f.value, f.qualifier) for f in F.find_figures(SENTENCES[0])}
    assert got == {("killed", 13, "at_least"), ("injured", 20, "more_than")}


@pytest.mark.parametrize("sentence", SENTENCES + [
    "Shelling claimed the lives of 4 and the deaths of 2 were confirmed; rebels executed 3, massacred 10.",
    "Mohammad Ali Hasan was killed; a mother and her two sons were killed; toll rose to 9, leaving 5 dead.",
    "Including 11 children, among them 3 women, of whom 2 were wounded; four children were among the dead.",
])
def test_a_skipped_pattern_has_no_match(sentence):
    """A pattern is skipped when none of its words is in the sentence: every match holds one of them."""
    for rule, rx in F._PATTERNS:
        if rule in F._NEEDS:
            for m in rx.finditer(sentence):
                assert any(w in m.string.lower() for w in F._NEEDS[rule]), (rule, m.group(0))
                assert any(w in m.group(0).lower() or w.strip() in m.group(0).lower() for w in F._NEEDS[rule]), \
                    (rule, m.group(0))
