"""Sentence splitting: an abbreviation or an initial before a full stop does not end a sentence (sentences
written for this test)."""
import pytest

from frontline.text import split_sentences


@pytest.mark.parametrize("text, expected", [
    ("Jets hit the town. Nine died.", ["Jets hit the town.", "Nine died."]),
    ("Gen. Haddad spoke. Troops left.", ["Gen. Haddad spoke.", "Troops left."]),
    ("The U.S. envoy left. Talks ended.", ["The U.S. envoy left.", "Talks ended."]),
    ("Mr. J. Smith arrived on Monday. He left.", ["Mr. J. Smith arrived on Monday.", "He left."]),
    ("He said \"no.\" Then he left!  Why? Nobody knows.",
     ["He said \"no.\"", "Then he left!", "Why?", "Nobody knows."]),
    ("Rebels shelled (west Aleppo.) 3 died.\nA new line", ["Rebels shelled (west Aleppo.)", "3 died.", "A new line"]),
    # only the last 40 characters before the mark are read: a 64-letter "word" is no abbreviation
    ("x" * 60 + "Sept. 5 was quiet. It rained.", ["x" * 60 + "Sept.", "5 was quiet.", "It rained."]),
    ("On Sept. 5 it was quiet.", ["On Sept. 5 it was quiet."]),
    ("A\u00a0long\u2003gap vs. Syria. Done.", ["A\u00a0long\u2003gap vs. Syria.", "Done."]),
])
def test_split(text, expected):
    spans = split_sentences(text)
    assert [s.text for s in spans] == expected
    assert all(text[s.start:s.end] == s.text for s in spans)
