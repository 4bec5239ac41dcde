"""One gazetteer pass over a whole text, bucketed per sentence span, finds what a pass over each sentence
alone finds (sentences written for this test)."""
import pytest

from frontline.gazetteer import find_places, find_places_in_spans
from frontline.models import Span
from frontline.text import split_sentences


def _spans_at(text, cuts):
    edges = [0, *cuts, len(text)]
    return [Span(a, b, text[a:b]) for a, b in zip(edges, edges[1:])]


def _readings(mentions):
    return [(m.value.place_id, m.surface, m.start, m.end) for m in mentions]


@pytest.mark.parametrize("text, cuts", [
    ("Shells hit Bustan al-Qasr on Monday. In Homs, a mortar hit al-Zahraa.", None),
    ("Rebels attacked al-Zahraa north of Aleppo. Two rocket shells fell in al-Zahraa in Homs city.", None),
    # a headline glued to the body: the cut between them is a word edge for each side
    ("Jets pound AleppoAleppo residents fled to Idlib.", (17,)),
    ("Strikes on IdlibIdlib was hit again.", (16,)),
    # a name at the very end of one span and the start of the next
    ("Clashes in Aleppo\nAleppo city was quiet.", None),
    # letters that lower-case into two characters: each sentence is read alone
    ("\u0130stanbul talks began. Shells hit Aleppo.", None),
    ("\u03a3 Shells hit Aleppo. Jets hit Idlib.", None),
    ("", None),
])
def test_one_pass_equals_a_pass_per_sentence(text, cuts):
    spans = split_sentences(text) if cuts is None else _spans_at(text, cuts)
    together = find_places_in_spans(text, spans)
    alone = [find_places(sp.text, sp.start) for sp in spans]
    assert [_readings(x) for x in together] == [_readings(x) for x in alone]
    for sp, found in zip(spans, together):
        for m in found:
            assert text[m.start:m.end] == m.surface and sp.start <= m.start and m.end <= sp.end


def test_a_glued_headline_keeps_both_names():
    text = "Jets pound AleppoAleppo residents fled."
    found = find_places_in_spans(text, _spans_at(text, (17,)))
    assert [[m.surface for m in f] for f in found] == [["Aleppo"], ["Aleppo"]]
