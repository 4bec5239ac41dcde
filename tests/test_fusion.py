"""Fusion of the same attack across outlets, with UCDP-style low/best/high and Airwars-style grades."""
import datetime as dt

import pandas as pd
import pytest

from frontline.fusion.clusters import fuse_incidents, same_event, story_ids

D = dt.date(2016, 10, 12)


def row(event_id, article_id, outlet, day=D, event_type="shelling", actor="rebels", side="west",
        place_id="hamdaniyah", geo_precision="neighbourhood", killed=None, injured=None, children=None,
        implausible=False):
    return dict(event_id=event_id, article_id=article_id, outlet=outlet, day=day, event_type=event_type, actor=actor,
                side=side, place_id=place_id, geo_precision=geo_precision, location=place_id, lat=36.2, lon=37.1,
                killed=killed, injured=injured, children_killed=children, implausible=implausible)


@pytest.mark.parametrize("a,b,same", [
    (row("a:i0", "a", "SANA"), row("b:i0", "b", "Reuters"), True),
    (row("a:i0", "a", "SANA"), row("b:i0", "b", "Reuters", day=D + dt.timedelta(days=1)), True),    # overnight
    (row("a:i0", "a", "SANA"), row("b:i0", "b", "Reuters", day=D + dt.timedelta(days=2)), False),
    (row("a:i0", "a", "SANA"), row("a:i1", "a", "SANA"), False),                                     # same article
    (row("a:i0", "a", "SANA"), row("b:i0", "b", "SOHR", side="east", place_id="shaar"), False),
    (row("a:i0", "a", "SANA"), row("b:i0", "b", "SOHR", place_id="midan"), False),                   # other place
    (row("a:i0", "a", "SANA"), row("b:i0", "b", "AFP", side="city", place_id="aleppo", geo_precision="city"), True),
    (row("a:i0", "a", "SANA"), row("b:i0", "b", "AFP", event_type="airstrike", actor="government"), False),
    (row("a:i0", "a", "SANA"), row("b:i0", "b", "AFP", side="city", place_id="aleppo", geo_precision="city",
                                   actor="kurdish"), False),                                          # vague + other actor
    (row("a:i0", "a", "SANA", event_type="airstrike", actor="government"),
     row("b:i0", "b", "SOHR", event_type="airstrike", actor="russia"), True),                         # allied
    (row("a:i0", "a", "SANA", day=None), row("b:i0", "b", "SOHR"), False),
])
def test_same_event(a, b, same):
    assert same_event(a, b) is same


def test_fusion_keeps_each_claim_and_ranges_figures():
    df = pd.DataFrame([row("a:i0", "a", "SANA", killed=8, children=4), row("b:i0", "b", "Reuters", killed=10),
                       row("c:i0", "c", "SOHR", killed=12, injured=5)])
    clusters, fused = fuse_incidents(df)
    assert clusters.nunique() == 1
    f = fused.iloc[0]
    assert (f.killed_low, f.killed_best, f.killed_high) == (8, 10, 12)
    assert f.children_killed == 4 and f.n_articles == 3 and f.n_outlets == 3 and f.grade == "corroborated"
    assert set(f.event_ids.split(",")) == {"a:i0", "b:i0", "c:i0"}


def test_west_and_east_never_join_through_a_vague_report():
    df = pd.DataFrame([row("a:i0", "a", "SANA"),
                       row("b:i0", "b", "AFP", event_type="other", actor=None, side="city", place_id="aleppo",
                           geo_precision="city"),
                       row("c:i0", "c", "SOHR", event_type="airstrike", actor="government", side="east",
                           place_id="shaar")])
    clusters, fused = fuse_incidents(df)
    assert clusters.iloc[0] != clusters.iloc[2]
    assert len(fused) == 2


def test_grades():
    single = pd.DataFrame([row("a:i0", "a", "SANA", killed=3)])
    assert fuse_incidents(single)[1].grade.tolist() == ["single source"]
    blamed = pd.DataFrame([row("a:i0", "a", "SANA", actor="rebels"), row("b:i0", "b", "Anadolu", actor="kurdish")])
    fused = fuse_incidents(blamed)[1]
    assert fused.grade.tolist() == ["contested"] and fused.actor.tolist() == ["kurdish/rebels"]
    contested = pd.DataFrame([row("a:i0", "a", "SANA", actor="rebels"), row("b:i0", "b", "SOHR", actor=None),
                              row("c:i0", "c", "Amaq", actor=None)])
    assert fuse_incidents(contested)[1].grade.tolist() == ["corroborated"]


def test_implausible_tolls_are_not_summed():
    df = pd.DataFrame([row("a:i0", "a", "SANA", killed=8), row("b:i0", "b", "X", killed=10**9, implausible=True)])
    f = fuse_incidents(df)[1].iloc[0]
    assert f.killed_high == 8


def test_duplicate_wire_story_counts_once():
    text = "Rebel shelling on the Hamdaniyah district of Aleppo killed eight people on Wednesday, a monitor said. " * 3
    arts = pd.DataFrame({"article_id": ["a", "b", "c"],
                         "text": [text, "Reuters: " + text, "A different story about talks in Geneva between envoys."]})
    stories = story_ids(arts)
    assert stories["a"] == stories["b"] != stories["c"]
    df = pd.DataFrame([row("a:i0", "a", "SANA"), row("b:i0", "b", "Reuters")])
    assert fuse_incidents(df, stories)[1].grade.tolist() == ["single source"]


def test_empty():
    clusters, fused = fuse_incidents(pd.DataFrame(columns=list(row("x", "x", "x"))))
    assert clusters.empty and fused.empty
