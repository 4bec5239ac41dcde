"""The diplomacy stage's shortcuts answer what the case-insensitive regexes they replace answer (sentences
written for this test)."""
import pytest

from frontline.extract.diplomacy import parties
from test_caseless_conversions import SENTENCES as CASELESS_SENTENCES

# the diplomatic sentences of the Caseless conversion test, and two with no one named at all
SENTENCES = CASELESS_SENTENCES[:5] + ["no names here at all, only words in lower case", ""]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_names_someone_is_the_hint_regex(sentence):
    for lo in range(len(sentence) + 1):
        for hi in (lo + 5, lo + 30, lo + 110):
            assert parties._names_someone(sentence, lo, hi) == bool(
                parties.NAME_OR_OFFICE_HINT.search(sentence, lo, hi)), (sentence, lo, hi)
