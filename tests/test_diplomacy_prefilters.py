"""The diplomacy stage's shortcuts answer what the case-insensitive regexes they replace answer (sentences
written for this test)."""
import re

import pytest

from frontline.extract.diplomacy import acts, dating, parties

SENTENCES = [
    "Russia's Foreign Minister Sergei Lavrov said on Monday the truce had collapsed.",
    "The MINISTRY's spokesman, speaking in Ankara, said talks will be held next week.",
    "Turkey and Iran agreed a ceasefire; it took effect at midnight but broke down two days after the talks.",
    "the kremlin said nothing; a Presidency source in Paris, while the envoy of the UN was away, denied it.",
    "Efforts to revive the truce failed, officials in Geneva said, should Moscow veto it again.",
    "no names here at all, only words in lower case",
    "",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_names_someone_is_the_hint_regex(sentence):
    for lo in range(len(sentence) + 1):
        for hi in (lo + 5, lo + 30, lo + 110):
            assert parties._names_someone(sentence, lo, hi) == bool(
                parties.NAME_OR_OFFICE_HINT.search(sentence, lo, hi)), (sentence, lo, hi)


CONVERTED = [dating.SINCE, dating.AS_OF, dating.RELATIVE_SPAN, dating.PART_OF_LAST_WEEK, dating.FUTURE_CUE,
             dating.MOTION, dating.CLAUSE_STOP, acts.NOT_REACHED, acts.UN_HYPOTHETICAL, acts.STRONG_ACCUSATION,
             acts.AGREEMENT_FATE, acts.END_FATE, acts.START_FATE, parties.CLAUSE_BREAK, parties.SPEAKER_IN,
             parties.PLACE_BEFORE, parties.OFFICE, parties.OBJECT_OF, parties.AGENT_CLAUSE_STOP,
             parties.NOMINAL, parties.ACCUSED_FOLLOWS, parties.ARMED_SURFACE]


@pytest.mark.parametrize("sentence", SENTENCES + [s.upper() for s in SENTENCES] + [s.title() for s in SENTENCES])
def test_caseless_patterns_find_what_ignorecase_finds(sentence):
    for rx in CONVERTED:
        plain = re.compile(rx.pattern, re.I)
        assert [m.span() for m in rx.finditer(sentence)] == [m.span() for m in plain.finditer(sentence)]
        for lo in range(0, len(sentence) + 1, 7):
            got, want = rx.search(sentence, lo), plain.search(sentence, lo)
            assert (got and got.span()) == (want and want.span()), (rx.pattern, lo)
