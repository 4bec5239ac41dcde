"""The diplomacy stage's shortcuts answer what the case-insensitive regexes they replace answer (sentences
written for this test)."""
import pytest

from frontline.extract.diplomacy import parties

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
