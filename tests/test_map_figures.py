"""The map's points and figures built without pandas per row and without plotly's copies: what they
hold (tooltips, rings, sizes) and that the figure sends what plotly would have sent."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components import mapview as M  # noqa: E402
from frontline import labels as L  # noqa: E402


def _reports(rows: list) -> pd.DataFrame:
    """Rows as the map query returns them (strings as pandas' string type: a missing value is NaN)."""
    base = {"event_id": "x", "day": pd.Timestamp("2016-10-05"), "reported": pd.Timestamp("2016-10-06"),
            "lat": 36.21, "lon": 37.15, "killed": 0, "injured": 0, "actor": "unknown", "side": "west",
            "event_type": "shelling", "location": "Midan", "geo_precision": "neighbourhood", "precise": True,
            "outlet": "reuters", "source": None, "evidence": "A sentence of ours.", "n": 1,
            "aggregated": False, "implausible": False}
    df = pd.DataFrame([dict(base, **r) for r in rows])
    for c in ("event_id", "actor", "side", "event_type", "location", "geo_precision", "outlet", "source",
              "evidence"):
        df[c] = df[c].astype("str") if df[c].notna().any() else pd.Series([None] * len(df), dtype="str")
    return df


@pytest.mark.parametrize("source, outlet, ends_with", [
    (None, "reuters", "— " + L.label("outlet", "reuters")),      # no source named: the outlet
    ("White Helmets", "reuters", "— White Helmets"),
    (None, "someoutlet", "— someoutlet"),
])
def test_tooltip_names_the_source_or_else_the_outlet(source, outlet, ends_with):
    pts = M.point_frame(_reports([{"event_id": "r1", "source": source, "outlet": outlet}]), "city",
                        dt.date(2016, 10, 5))
    tip = pts["tip"].iloc[0]
    assert tip.endswith(ends_with), tip
    assert "nan" not in tip.split("\n")[-1]


@pytest.mark.parametrize("day, reported, first_line", [
    (pd.Timestamp("2016-10-05"), pd.Timestamp("2016-10-06"), "05 Oct 2016 · Midan (neighbourhood)"),
    (pd.NaT, pd.Timestamp("2016-10-06"), "no day given; reported 06 Oct 2016 · Midan (neighbourhood)"),
    (pd.NaT, pd.NaT, "date unknown · Midan (neighbourhood)"),
])
def test_tooltip_first_line_says_when(day, reported, first_line):
    pts = M.point_frame(_reports([{"event_id": "r1", "day": day, "reported": reported}]), "city", None)
    assert pts["tip"].iloc[0].split("\n")[0] == first_line
    assert pts["day"].iloc[0] == ("" if pd.isna(day) else day.strftime("%Y-%m-%d"))


def test_reports_known_only_to_a_side_become_one_ring_per_side():
    rows = [  # three in the east known only to the side, one in the city known only to be there, one precise
        {"event_id": "e1", "side": "east", "geo_precision": "side", "precise": False, "killed": 4,
         "actor": "russia", "lat": None, "lon": None},
        {"event_id": "e2", "side": "east", "geo_precision": "side", "precise": False, "killed": 9,
         "actor": "government", "lat": None, "lon": None},
        {"event_id": "e3", "side": "east", "geo_precision": "side", "precise": False, "killed": 4,
         "actor": "government", "lat": None, "lon": None},
        {"event_id": "c1", "side": "city", "geo_precision": "city", "precise": False, "killed": 2,
         "lat": 36.2, "lon": 37.16},
        {"event_id": "p1", "side": "west", "killed": 1, "actor": "rebels"},
    ]
    pts = M.point_frame(_reports(rows), "city", dt.date(2016, 10, 20))
    assert list(pts["event_ids"]) == ["p1", "c1", "e2|e1|e3"]   # precise first; rings by placement
    ring = pts.set_index("event_ids").loc["e2|e1|e3"]
    assert ring["killed"] == 17 and ring["actor"] == "government"   # the commonest perpetrator
    assert not ring["precise"]
    assert ring["tip"].startswith(f"{L.label('side', 'east')}, place not known\n3 reports · killed 17")
    assert pts.set_index("event_ids").loc["c1", "location"] == "Aleppo, place in the city not known"


@pytest.mark.parametrize("values, expected", [
    ([5, 9, 5, 1], [1, 0, 2, 3]),           # equal tolls keep their order
    ([0, 0, 0], [0, 1, 2]),
    ([], []),
    ([3], [0]),
])
def test_largest_first_keeps_ties_in_order(values, expected):
    assert M._desc(values) == expected
    if values:
        assert M._desc(values) == list(pd.Series(values).sort_values(ascending=False).index)


@pytest.mark.parametrize("values, expected", [
    (["b", "a", "b"], "b"), (["b", "a"], "a"), ([None, float("nan")], None), (["x", None, None], "x"),
])
def test_commonest_value(values, expected):
    assert M._mode(values) == expected


def _figures():
    pts = M.point_frame(_reports([
        {"event_id": "p1", "killed": 12, "actor": "russia", "lat": 36.22, "lon": 37.18, "side": "east"},
        {"event_id": "p2", "killed": 3, "actor": "rebels"},
        {"event_id": "e1", "side": "east", "geo_precision": "side", "precise": False, "lat": None, "lon": None},
    ]), "city", dt.date(2016, 11, 1))
    wide = M.point_frame(_reports([{"event_id": "o1", "side": "outside", "geo_precision": "town",
                                    "lat": 36.37, "lon": 37.52, "killed": 5}]), "outside")
    return [M.city_figure(pts, control_day=dt.date(2016, 11, 1)),
            M.city_figure(pts, control_day=None, mode="killed", values=M.choro_values(pts, "killed")),
            M.wide_figure(wide, syria=False), M.wide_figure(wide, syria=True)]


@pytest.mark.parametrize("i", range(4))
def test_map_figure_sends_what_plotly_would(i):
    fig = _figures()[i]
    sent = json.loads(pio.to_json(fig.to_dict(), validate=False))
    plotly_made = go.Figure(data=list(fig.data), layout=fig.layout)     # the same traces through plotly
    assert sent == json.loads(pio.to_json(plotly_made.to_dict(), validate=False))
    # sending it does not change the figure (the typed-array encoding works on a copy)
    assert json.loads(pio.to_json(fig.to_dict(), validate=False)) == sent
    assert any(t.get("customdata") is not None for t in sent["data"]) or i >= 2


def test_map_figure_keeps_a_trace_added_later():
    fig = _figures()[0]
    n = len(fig.to_dict()["data"])
    fig.add_trace(go.Scatter(x=[37.1], y=[36.2], mode="markers", name="added"))
    data = fig.to_dict()["data"]
    assert len(data) == n + 1 and data[-1]["name"] == "added"
