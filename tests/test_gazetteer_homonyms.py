"""A spelling two places share (Aleppo's al-Zahraa, Homs's al-Zahraa) is resolved by the governorate the
same text names without doubt, and defaults to the theatre's (sentences written for this test)."""
import pytest

from frontline.gazetteer import find_places


@pytest.mark.parametrize("text, surface, place_id", [
    ("Two rocket shells fell in al-Zahraa in Homs city on Monday.", "al-Zahraa", "zahraa_homs"),
    ("In Homs, a mortar hit al-Zahraa.", "al-Zahraa", "zahraa_homs"),
    ("Rebels attacked al-Zahraa north of Aleppo on Monday.", "al-Zahraa", "zahraa_town"),
    ("Shells hit al-Zahraa on Monday.", "al-Zahraa", "zahraa_town"),
])
def test_shared_spelling(text, surface, place_id):
    found = {m.surface: m.value.place_id for m in find_places(text)}
    assert found[surface] == place_id
    for m in find_places(text):
        assert text[m.start:m.end] == m.surface
