"""Human labels, blanks, separators, Markdown escaping and the one palette of actors and sources."""
from __future__ import annotations

import math

import pytest

from frontline import labels as L


@pytest.mark.parametrize("kind, code, expected", [
    ("event_type", "airstrike", "Air strike"),
    ("event_type", "violence_against_civilians", "Violence against civilians"),
    ("dip_type", "un_action", "UN action"),
    ("actor", "government", "Syrian government"),
    ("side", "unknown", "Side not known"),
    ("outlet", "reuters", "Reuters"),
    ("outlet", "dailysabah", "Daily Sabah"),
    ("status", "scheduled", "Scheduled"),
    ("event_type", "new_kind", "new kind"),          # an unknown code reads as words
    ("outlet", "Some Paper", "Some Paper"),
    ("actor", None, ""), ("actor", float("nan"), ""), ("side", "None", ""),   # blanks, never "None"/"nan"
])
def test_label(kind, code, expected):
    assert L.label(kind, code) == expected


@pytest.mark.parametrize("v, expected", [(1234567, "1,234,567"), (0, "0"), (None, ""), (math.nan, ""),
                                         ("12", "12")])
def test_number(v, expected):
    assert L.number(v) == expected


@pytest.mark.parametrize("text", ["[click](javascript:alert(1))", "**bold** _it_ `code`", "<b>x</b>", "# title"])
def test_md_escapes_every_markup_character(text):
    out = L.md(text)
    for c in "[]()*_`<>#":
        assert c not in out.replace("\\" + c, "")


def test_one_colour_per_name_everywhere():
    assert L.colour("government") == L.colour("Government") == "#d62728"
    assert L.colour("SANA") == L.colour("sana")
    assert L.colour("Some local council") == L.colour("Some local council")   # stable, not random
    assert L.colour(None) == L.FIXED["unattributed"]


def test_distinct_colours_in_one_chart():
    names = ["AFP", "White Helmets", "local activists", "SOHR", "SANA", "UN", "Reuters", "a", "b", "c", "d"]
    got = L.distinct_colours(names)
    assert len(set(got.values())) == len(names)
    assert got["SANA"] == L.colour("SANA")        # fixed colours keep their colour
