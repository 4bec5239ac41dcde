"""Patterns that scan the folded text (``Caseless``) instead of running with ``re.IGNORECASE`` find what the
case-insensitive regex finds: same spans, over the same sentences in any case (sentences written for this
test)."""
import re

import pytest

from frontline.extract import mentions, places, scan
from frontline.extract.diplomacy import acts, dating, parties

SENTENCES = [
    "Russia's Foreign Minister Sergei Lavrov said on Monday the truce had collapsed.",
    "The MINISTRY's spokesman, speaking in Ankara, said talks will be held next week.",
    "Turkey and Iran agreed a ceasefire; it took effect at midnight but broke down two days after the talks.",
    "the kremlin said nothing; a Presidency source in Paris, while the envoy of the UN was away, denied it.",
    "Efforts to revive the truce failed, officials in Geneva said, should Moscow veto it again.",
    "Shells fired from positions stationed in the Hamdaniya district hit rebel-held areas; a source at the",
    "A car bomb exploded near the airport in Ankara, rebels destroyed two tanks and seized artillery at",
    "Turkey held talks with Russian forces; government-controlled areas and the Aleppo city council media",
    "no names here at all, only words in lower case",
    "Two soldiers were killed in heavy clashes with the rebels after areas held by the army, backed by Russian jets,",
    "blaming the regime; the attackers were the same Islamist group, identified the jets as Russian planes, 14 civilians",
    "The bombing was carried out by the militants; strikes on the Army; HIT BY regime barrels under the control of the",
    "",
]

CONVERTED = [places.ORIGIN_BEFORE, places.SPEAKER_PLACE, places.ATTACK_AT,
             scan.SEIZED_BEFORE,
             dating.RELATIVE_SPAN, dating.PART_OF_LAST_WEEK, dating.FUTURE_CUE,
             dating.MOTION, dating.CLAUSE_STOP, acts.NOT_REACHED, acts.UN_HYPOTHETICAL,
             acts.AGREEMENT_FATE, acts.END_FATE, acts.START_FATE, parties.CLAUSE_BREAK,
             parties.AGENT_CLAUSE_STOP,
             parties.ACCUSED_FOLLOWS,
             mentions.TARGET_BEFORE, mentions.NAMED_PERPETRATOR, mentions.BLAMED_BEFORE, mentions.CLASHED_WITH,
             mentions.SUPPORTER_BEFORE, mentions.VICTIM_COUNT_BEFORE, mentions.ATTACK_BEFORE_BY,
             mentions.CONTROL_BEFORE, mentions.IDENTIFIED_AS, mentions._BY_BEFORE]


@pytest.mark.parametrize("sentence", SENTENCES + [s.upper() for s in SENTENCES] + [s.title() for s in SENTENCES])
def test_caseless_patterns_find_what_ignorecase_finds(sentence):
    for rx in CONVERTED:
        plain = re.compile(rx.pattern, re.I)
        assert [m.span() for m in rx.finditer(sentence)] == [m.span() for m in plain.finditer(sentence)]
        for lo in range(0, len(sentence) + 1, 3):
            got, want = rx.search(sentence, lo), plain.search(sentence, lo)
            assert (got and got.span()) == (want and want.span()), (rx.pattern, lo)
            for hi in (lo + 14, lo + 40, lo + 60):
                got, want = rx.search(sentence[lo:hi]), plain.search(sentence[lo:hi])
                assert (got and got.span()) == (want and want.span()), (rx.pattern, lo, hi)
                got, want = rx.match(sentence, lo, hi), plain.match(sentence, lo, hi)
                assert (got and got.span()) == (want and want.span()), (rx.pattern, lo, hi)


def test_the_sentences_exercise_the_patterns():
    """Most converted patterns find something here: the comparison above is not over empty results."""
    def finds(rx, s):
        return any(rx.search(s[lo:hi]) or rx.match(s, lo, hi)
                   for lo in range(len(s)) for hi in (lo + 14, lo + 40, lo + 60))
    found = [rx for rx in CONVERTED if any(finds(rx, s) for s in SENTENCES)]
    assert len(found) >= len(CONVERTED) * 2 // 3
