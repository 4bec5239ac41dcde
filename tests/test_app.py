"""Every dashboard page under streamlit.testing.v1.AppTest against a temporary store.

AppTest 1.67 renders the default page of an ``st.navigation`` app from its
entrypoint; ``AppTest.switch_page`` only knows file pages, and our pages are
callables, so each page is also run directly through a small script that
draws the shared sidebar and calls the page (``run_page``).  The pure helpers
behind the pages (selection mapping, highlighting, upload checks, review
diffs) are tested table-driven below.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT))
import fake_store  # noqa: E402

from streamlit.testing.v1 import AppTest  # noqa: E402

from components import common, ingest, review  # noqa: E402
from components.evidence import field_marks  # noqa: E402
from frontline import queries as q  # noqa: E402

TIMEOUT = 60


@pytest.fixture()
def store(tmp_path, monkeypatch):
    path = fake_store.make_store(tmp_path / "app.duckdb")
    monkeypatch.setenv("FRONTLINE_DB", str(path))
    monkeypatch.chdir(ROOT)
    return path


def run_page(module: str, *, state: dict | None = None, query: dict | None = None) -> AppTest:
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from components import sidebar, {module}
f = sidebar.render()
{module}.page(f)
"""
    at = AppTest.from_string(script, default_timeout=TIMEOUT)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    # a link without filters opens on the theatre; these tests look at the whole store
    for k, v in (query if query is not None else {"area": "syria"}).items():
        at.query_params[k] = v
    return at.run()


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def no_errors(at):
    assert not at.exception, at.exception
    assert not [e.value for e in at.error], [e.value for e in at.error]


# ------------------------------------------------------------------ the router

def test_app_router_opens_on_overview_with_store_figures(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["area"] = "syria"          # every event (it opens on the theatre otherwise)
    at.run()
    no_errors(at)
    m = metrics(at)
    exp = fake_store.EXPECTED
    assert m["Incidents"] == str(exp["all"]["incidents"])
    assert m["Killed"] == str(exp["all"]["killed"])
    assert m["Injured"] == str(exp["all"]["injured"])
    assert m["Children killed"] == str(exp["all"]["children_killed"])
    assert m["Killed · east"] == str(exp["east"]["killed"])
    assert m["Killed · west"] == str(exp["west"]["killed"])


@pytest.mark.parametrize("url, title", [("map", "Map"), ("casualties", "Casualties"),
                                        ("diplomacy", "Diplomacy"), ("evidence", "Evidence"),
                                        ("ingest", "Ingest"), ("review", "Review"),
                                        ("export", "Export")])
def test_app_router_every_page(store, url, title):
    """Pages behind st.navigation, reached through the page hash AppTest keeps (private API)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    pages = getattr(at, "_registered_pages", None)
    if not pages or not hasattr(at, "_page_hash"):
        pytest.skip("this AppTest cannot address callable pages; covered by run_page tests")
    at._page_hash = next(h for h, info in pages.items() if info.get("url_pathname") == url)
    at.run()
    no_errors(at)
    assert [t.value for t in at.title] == [title]


def test_empty_store_shows_message(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    no_errors(at)
    assert any("No incidents" in i.value for i in at.info)


# ------------------------------------------------------------------ pages

def test_overview_filters_from_url(store):
    at = run_page("overview", query={"side": "west"})
    no_errors(at)
    m = metrics(at)
    assert m["Killed"] == str(fake_store.EXPECTED["west"]["killed"])
    assert m["Children killed"] == "9"
    assert at.query_params["side"] in ("west", ["west"])
    assert any("Showing **3** of 9" in c.value for c in at.sidebar.caption)


def test_overview_range_where_sources_disagree(store):
    at = run_page("overview")
    no_errors(at)
    killed = next(m for m in at.metric if m.label == "Killed")
    assert "35" in killed.value and "35–46" in str(killed.proto.delta)
    assert any("too large" in w.value for w in at.warning)


def test_overview_empty_period(store):
    at = run_page("overview", state={"flt_dates": (dt.date(2016, 10, 8), dt.date(2016, 10, 9))})
    no_errors(at)
    assert any("No incidents in this period" in i.value for i in at.info)


def _deck_layers(at) -> dict:
    decks = at.get("deck_gl_json_chart")
    assert decks, "no pydeck chart"
    spec = json.loads(decks[0].proto.json)
    return {layer["id"]: layer for layer in spec["layers"]}


def _arr(v) -> list:
    """A plotly array as a list (plotly 6+ may ship typed arrays)."""
    if isinstance(v, dict) and "bdata" in v:
        import base64
        import numpy as np
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def _map_points(at) -> tuple:
    """(filled circles, hollow rings) of the city map: (event ids, lon, lat, name) per marker."""
    fig = _plotly(at)
    filled, rings = [], []
    for t in fig["data"]:
        cd = t.get("customdata")
        if not cd or t.get("mode") != "markers":
            continue
        sym = (t.get("marker") or {}).get("symbol")
        for (ids,), x, y in zip(cd, _arr(t["x"]), _arr(t["y"])):
            (rings if sym == "circle-open" else filled).append((ids, x, y, t.get("name")))
    return filled, rings


def test_map_layers_and_points(store):
    at = run_page("mapview")
    no_errors(at)
    filled, rings = _map_points(at)
    ids = [i for p in filled + rings for i in p[0].split("|")]
    assert sorted(ids) == sorted(["a1:i1", "a2:i1", "a1:i2", "a1:i3", "a3:i1", "a4:i1", "a2:i2"])
    assert {i for p in rings for i in p[0].split("|")} == {"a1:i2", "a1:i3", "a2:i2"}  # only the side known
    # one ring per side, inside the area that side held on the day the map shows
    from frontline import geo
    caption = " ".join(c.value for c in at.caption)
    assert "Control of the neighbourhoods on" in caption
    day = geo.control_day(dt.date(2016, 10, 20))
    sides = {geo.control_on(day)[geo.cell_of(x, y)] for _, x, y, _ in rings}
    assert sides == {"east", "west"}
    fig = _plotly(at)
    texts = {tx for t in fig["data"] if t.get("mode") == "text" for tx in t["text"]}
    assert {"Citadel", "Queiq river", "Castello road", "Aleppo airport"} <= texts   # landmarks named


@pytest.mark.parametrize("area,names", [
    ("syria", {"ALEPPO", "IDLIB", "HAMA", "HOMS", "LATAKIA", "TARTUS", "RAQQA", "DEIR EZ-ZOR", "HASAKAH",
               "RIF DIMASHQ", "QUNEITRA", "DARAA", "SUWAYDA"}),
    ("aleppo", {"ALEPPO", "IDLIB", "RAQQA"}),
])
def test_wide_map_draws_the_governorates(store, area, names):
    at = run_page("mapview", query={"area": area})
    no_errors(at)
    fig = _plotly(at, 1)
    texts = {tx for t in fig["data"] if t.get("mode") == "text" for tx in t["text"]}
    assert names <= texts
    lines = [t for t in fig["data"] if t.get("mode") == "lines"]
    assert len(lines) == 3        # the other governorates, Aleppo governorate, Syria's border
    # every governorate ring is drawn: 13 closed rings (NaN-separated) besides Aleppo's
    xs = _arr(lines[0]["x"])
    assert sum(1 for x in xs if x is None or x != x) == 13
    legend = " ".join(h.proto.body for h in at.get("html"))
    assert "governorate border" in legend and "Natural Earth" in legend


def test_map_one_day(store):
    at = run_page("mapview", state={"map_whole": False, "map_day": dt.date(2016, 10, 20)})
    no_errors(at)
    filled, rings = _map_points(at)
    ids = [i for p in filled + rings for i in p[0].split("|")]
    assert ids == ["a4:i1"]


def _plotly(at, i=0) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no plotly chart"
    return json.loads(charts[i].proto.spec)


def test_casualties_bars_sum_to_headline(store):
    at = run_page("casualties")
    no_errors(at)
    fig = _plotly(at)
    bars = [t for t in fig["data"] if t["type"] == "bar" and t.get("legendgroup") in ("east", "west", "city", "outside")]
    total = 0
    for t in bars:
        y = t["y"]
        if isinstance(y, dict):     # plotly 6+ may ship typed arrays
            import base64
            import numpy as np
            y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
        total += sum(y)
    assert total == fake_store.EXPECTED["all"]["killed"]
    # each bar carries its key, not its events' ids (looked up on click)
    assert all(cd[0] == "bar" and cd[2] == t["legendgroup"] for t in bars for cd in t["customdata"])
    # per-source comparison: the two events reported by two sources
    src = _plotly(at, 1)
    assert {t.get("name") for t in src["data"] if t.get("mode") == "markers"} == {
        "SANA", "Syrian Observatory for Human Rights", "White Helmets"}


def test_diplomacy_lanes_and_killed(store):
    at = run_page("diplomacy")
    no_errors(at)
    fig = _plotly(at)
    lanes = {y for t in fig["data"] if t["type"] == "scatter" for y in t["y"]}
    assert lanes == {"United States", "Russia", "United Nations", "France", "Spain"}
    symbols = {t["name"]: t["marker"]["symbol"] for t in fig["data"] if t["type"] == "scatter"}
    assert symbols["Meeting (scheduled)"].endswith("-open")
    assert not symbols["Phone call"].endswith("-open")
    assert any(t["type"] == "bar" for t in fig["data"])


def test_evidence_events_table_keeps_killed_in_view(store):
    """The killed come third and the fixed columns fit the right-hand column at 1400 px (about
    470 px wide), so the last, free-width column (the place) is the one that gives way."""
    at = run_page("evidence", state={"evidence_event_id": "a1:i1", "evidence_event_ids": ["a1:i1"]})
    no_errors(at)
    table = next(d for d in at.dataframe if "Killed" in d.value.columns)
    assert list(table.value.columns)[:3] == ["Day", "What", "Killed"]
    assert list(table.value.columns)[-2:] == ["Place", "event_id"]
    assert "None" not in set(table.value["Killed"]) and all(isinstance(v, str) for v in table.value["Killed"])
    cfg = json.loads(table.proto.columns)
    fixed = [cfg[c]["width"] for c in ("Day", "What", "Killed", "Who", "Side")]
    assert all(isinstance(w, int) for w in fixed) and sum(fixed) <= 470
    assert not set(table.value["Side"]) - {"", "East", "West", "City", "Outside"}


def test_evidence_hostile_text_is_literal(store):
    at = run_page("evidence", state={"evidence_event_id": "a4:i1", "evidence_event_ids": ["a4:i1"]})
    no_errors(at)
    bodies = " ".join(h.proto.body for h in at.get("html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bodies
    assert "&lt;img src=x onerror=alert(1)&gt;" in bodies
    assert "<script" not in bodies and "<img" not in bodies
    assert at.selectbox(key="evidence_article").value == "a4"


@pytest.mark.skipif(not (ROOT / "data" / "places.csv").exists(), reason="gazetteer not in the tree yet")
def test_ingest_preview_of_pasted_text(store):
    at = run_page("ingest")
    no_errors(at)
    at.text_area(key="ingest_text").input(
        "ALEPPO, Oct 12 (Reuters) - Eight people were killed on Wednesday when rebels shelled "
        "the government-held al-Hamdaniyah district of western Aleppo, state media said.")
    at.text_input(key="ingest_published").input("2016-10-12")
    at.button[0].click().run()          # Preview
    no_errors(at)
    assert at.dataframe, "no preview table"


@pytest.mark.parametrize("published, message", [("2999-01-01", "future"), ("1985-05-05", "before 1990"),
                                                ("12/10/2016", "not a YYYY-MM-DD")])
def test_ingest_bad_dates(store, published, message):
    at = run_page("ingest")
    at.text_area(key="ingest_text").input("Eight people were killed in Aleppo.")
    at.text_input(key="ingest_published").input(published)
    at.button[0].click().run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_review_page_lists_events_and_audit(store):
    from frontline import store as st_mod
    c = st_mod.connect(store)
    st_mod.record_review(c, event_id="a4:i1", kind="incident", action="edit", field="killed",
                         new_value=60, who="tester")
    c.close()
    at = run_page("review")
    no_errors(at)
    audit = [d.value for d in at.dataframe if "Who" in d.value.columns]
    assert audit and audit[0].iloc[0]["Who"] == "tester"
    assert audit[0].iloc[0]["Field"] == "Killed" and audit[0].iloc[0]["Change"] == "Edited"
    # the editors keep codes in their cells and show labels: options carry both
    editor = next(d for d in at.dataframe if "event_type" in d.value.columns)
    configs = json.loads(editor.proto.columns)
    options = {o["value"]: o["label"] for o in configs["event_type"]["type_config"]["options"]}
    assert options["airstrike"] == "Air strike" and options["violence_against_civilians"] == "Violence against civilians"
    sides = {o["value"]: o["label"] for o in configs["side"]["type_config"]["options"]}
    assert sides["east"] == "East (rebel-held)"
    assert configs["actor"]["label"] == "Perpetrator"
    frame = editor.value
    assert set(frame["event_type"].dropna()) <= {"airstrike", "shelling", "bombing", "clashes", "chemical",
                                                  "violence_against_civilians", "other"}   # codes kept
    # empty cells read blank, never "None", in every table of the page
    assert all(d.proto.placeholder == "" and d.proto.HasField("placeholder") for d in at.dataframe)


def test_export_page(store):
    at = run_page("export")
    no_errors(at)
    assert "**9** incident reports" in at.markdown[0].value


# ------------------------------------------------------------------ pure helpers

@pytest.mark.parametrize("selection, ids", [
    (None, []),
    ({"selection": {"points": []}}, []),
    ({"selection": {"points": [{"customdata": ["a1:i1|a2:i1"]}]}}, ["a1:i1", "a2:i1"]),
    ({"selection": {"points": [{"customdata": "a1:i3"}, {"customdata": ["a1:i3"]}]}}, ["a1:i3"]),
    ({"points": [{"custom_data": ["x"]}]}, ["x"]),
])
def test_plotly_selected_ids(selection, ids):
    assert common.plotly_selected_ids(selection) == ids


@pytest.mark.parametrize("selection, layers, ids", [
    (None, (), []),
    ({"selection": {"objects": {"incidents_precise": [{"event_ids": "a1:i1"}]}}}, (), ["a1:i1"]),
    ({"selection": {"objects": {"incidents_labels": [{"name": "x"}],
                                "incidents_imprecise": [{"event_id": "a1:i3"}]}}},
     ("incidents_imprecise",), ["a1:i3"]),
])
def test_pydeck_selected_ids(selection, layers, ids):
    assert common.pydeck_selected_ids(selection, layers) == ids


def test_dataframe_selected_ids():
    df = pd.DataFrame({"event_id": ["a|b", "c"]})
    assert common.dataframe_selected_ids({"selection": {"rows": [0]}}, df) == ["a", "b"]
    assert common.dataframe_selected_ids({"selection": {"rows": [5]}}, df) == []


@pytest.mark.parametrize("text, marks, pieces", [
    ("abcdef", [], [("abcdef", [])]),
    ("abcdef", [(1, 3, "killed")], [("a", []), ("bc", ["killed"]), ("def", [])]),
    ("abcdef", [(0, 6, "sentence"), (2, 4, "place")],
     [("ab", ["sentence"]), ("cd", ["sentence", "place"]), ("ef", ["sentence"])]),
    ("abc", [(-5, 99, "x"), (2, 1, "y")], [("abc", ["x"])]),
])
def test_highlight_segments(text, marks, pieces):
    assert common.highlight_segments(text, marks) == pieces


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                     "[x](javascript:alert(1))", '"><svg onload=alert(1)>'])
def test_highlight_html_escapes(hostile):
    text = f"Before {hostile} after."
    out = common.highlight_html(text, [(0, len(text), "sentence"), (7, 7 + len(hostile), "place")])
    assert "<script" not in out and "<img" not in out and "<svg" not in out
    assert html.escape(hostile) in out


def test_field_marks_find_values_in_sentence():
    text = "Title\n\nFour children were among eight people killed Wednesday in al-Hamdaniyah."
    s = text.index("Four")
    ev = pd.DataFrame([{"event_id": "x:i1", "kind": "incident", "spans": [(s, len(text))],
                        "location": "al-Hamdaniyah", "source": None, "who": "rebels", "killed": 8,
                        "injured": None, "children_killed": 4}])
    got = {(text[a:b], lab) for a, b, lab in field_marks(text, ev)}
    assert ("eight", "killed") in got and ("Four", "children") in got
    assert ("al-Hamdaniyah", "place") in got and ("Wednesday", "date") in got


@pytest.mark.parametrize("name, raw, error", [
    ("a.txt", b"", "empty"),
    ("a.txt", b"   \n", "empty"),
    ("a.pdf.txt", b"%PDF-1.4 ...", "PDF"),
    ("a.txt", b"\x89PNG\r\n", "PNG"),
    ("a.txt", b"abc\x00def", "binary"),
    ("a.txt", b"1234 5678 !!!", "no sentences"),
    pytest.param("huge.txt", b"Eight killed. " * (1 + (10 << 20) // 14), "too large", id="over-10MiB"),
])
def test_decode_upload_refuses(name, raw, error):
    with pytest.raises(ingest.UploadError, match=error):
        ingest.decode_upload(name, raw)


def test_decode_upload_falls_back_from_invalid_utf8_with_a_warning():
    """As the CLI: not UTF-8 is read as Windows-1252, with one warning saying so."""
    warnings: list = []
    text = ingest.decode_upload("a.txt", "caf\u00e9".encode("latin-1") + b" killed", warnings.append)
    assert text == "caf\u00e9 killed"
    assert len(warnings) == 1 and "UTF-8" in warnings[0], warnings


@pytest.mark.parametrize("name, raw, text", [
    ("a.txt", "Eight killed in Aleppo.".encode(), "Eight killed in Aleppo."),
    ("a.md", "\ufeffBOM text here".encode(), "BOM text here"),
    ("a.html", b"<html><script>x()</script><p>Eight killed</p><p>in Aleppo</p></html>",
     "Eight killed\n\nin Aleppo"),
])
def test_decode_upload_accepts(name, raw, text):
    assert ingest.decode_upload(name, raw) == text


@pytest.mark.parametrize("name, safe", [("../../etc/passwd", "passwd"), ("..\\..\\x.csv", "x.csv"),
                                        (".hidden", "hidden"), ("", "upload"), ("a b?.txt", "a_b_.txt")])
def test_safe_name(name, safe):
    assert ingest.safe_name(name) == safe


@pytest.mark.parametrize("published, bad", [(None, False), (dt.date(2016, 10, 13), False),
                                            (dt.date(2030, 1, 1), True), (dt.date(1989, 12, 31), True)])
def test_check_date(published, bad):
    assert (ingest.check_date(published, dt.date(2026, 1, 1)) is not None) == bad


def _frame():
    return pd.DataFrame({"event_id": ["e1", "e2"], "day": [dt.date(2016, 10, 12), None],
                         "killed": [8, None], "side": ["west", "east"], "implausible": [False, False],
                         "reject": [False, False]})


@pytest.mark.parametrize("state, actions", [
    ({}, []),
    ({"edited_rows": {0: {"killed": 9}}}, [("edit", "e1", "killed", 9)]),
    ({"edited_rows": {"0": {"killed": 8}}}, []),                       # unchanged
    ({"edited_rows": {1: {"reject": True, "killed": 3}}}, [("reject", "e2", None, None)]),
    ({"edited_rows": {0: {"day": "2016-10-13"}}}, [("edit", "e1", "day", "2016-10-13")]),
    ({"edited_rows": {0: {"side": "east", "evidence": "x"}}}, [("edit", "e1", "side", "east")]),
    ({"edited_rows": {7: {"killed": 1}}}, []),
    ({"added_rows": [{"event_type": "shelling", "killed": 2}]},
     [("add", None, None, {"event_type": "shelling", "killed": 2})]),
    ({"added_rows": [{}]}, []),
])
def test_changes_from_editor(state, actions):
    assert review.changes_from_editor(state, _frame()) == actions


def test_review_callback_persists_edit(store):
    """The on_change callback writes through record_review; the figure changes."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
import pandas as pd
from components import review
frame = pd.DataFrame({{"event_id": ["a4:i1"], "killed": [6], "reject": [False]}})
st.session_state["review_inc_frame"] = frame
st.session_state["k"] = {{"edited_rows": {{0: {{"killed": 60}}}}}}
review._apply("incident", "k", "review_inc_frame")
st.write(st.session_state["review_msg"][0])
"""
    at = AppTest.from_string(script, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.markdown[0].value == "success"
    from frontline import store as st_mod
    c = st_mod.connect(store)
    assert q.headline_for(q.headline(c, q.Filters()), "east")["killed"] == 19 - 6 + 60
    c.close()


@pytest.mark.parametrize("killed, most, expected", [
    (0, 1000, 90.0),                      # an empty cell still shows
    (1000, 1000, 90.0 * 7),               # the largest cell gets the largest circle
    (250, 1000, 90.0 * 4),                # a quarter of the toll: half the steps (area ~ toll)
    (5, 0, 90.0 * 7),                     # no division by zero
])
def test_cell_radius_scales_with_the_largest_cell(killed, most, expected):
    from components.mapview import cell_radius_m
    assert cell_radius_m(killed, most, "city") == pytest.approx(expected)


def test_aggregated_cells_get_distinct_sizes():
    import pandas as pd
    from components.mapview import point_frame
    df = pd.DataFrame({"event_id": ["a|b", "c"], "day": ["2016-10-01", "2016-10-02"], "lat": [36.2, 36.21],
                       "lon": [37.1, 37.2], "killed": [400, 100], "injured": [0, 0], "actor": ["rebels", "russia"],
                       "side": ["west", "east"], "event_type": ["shelling", "airstrike"], "location": ["x", "y"],
                       "geo_precision": ["neighbourhood"] * 2, "precise": [True, True], "outlet": [None, None],
                       "source": [None, None], "evidence": ["2 reports; x", "1 reports; y"], "n": [2, 1],
                       "aggregated": [True, True], "implausible": [False, False]})
    pts = point_frame(df, "city")
    assert pts["radius"].iloc[0] > pts["radius"].iloc[1]
    assert pts["event_ids"].iloc[0] == "a|b"


# ------------------------------------------------------------------ scope, notices, figures that add up

def _add_undated_and_sideless(path):
    """Two more events: one with a month only (no day; reported 13 Oct 2016), one with no side."""
    import duckdb
    c = duckdb.connect(str(path))
    cols = [r[0] for r in c.execute("DESCRIBE incidents").fetchall()]
    base = dict.fromkeys(cols)
    rows = [dict(base, event_id="a1:i9", article_id="a1", outlet="CNN", event_date="2016-10",
                 date_precision="month", day=None, event_type="airstrike", actor="russia", side="east",
                 location="al-Shaar", place_id="al_shaar", lat=36.2105, lon=37.1775,
                 geo_precision="neighbourhood", killed=7, implausible=False, evidence="A made-up sentence."),
            dict(base, event_id="a3:i9", article_id="a3", outlet="Reuters", event_date="2016-10-14",
                 date_precision="day", day=dt.date(2016, 10, 14), event_type="shelling", actor=None, side=None,
                 location=None, killed=3, implausible=False, evidence="Another made-up sentence.")]
    for r in rows:
        c.execute(f"INSERT INTO incidents ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                  [r[k] for k in cols])
    c.close()


def test_overview_rows_add_up_and_count_undated_events(store):
    _add_undated_and_sideless(store)
    at = run_page("overview", query={"area": "syria"})
    no_errors(at)
    table = at.dataframe[0].value
    rows = {r["Side"]: r for _, r in table.iterrows()}
    assert "Side not known" in rows                      # the events without a side have a row
    num = lambda v: int(str(v).split(" ")[0].replace(",", "") or 0)   # noqa: E731
    parts = sum(num(r["Events"]) for side, r in rows.items() if side != "All")
    assert parts == num(rows["All"]["Events"]) == fake_store.EXPECTED["all"]["incidents"] + 2
    killed = sum(num(r["Killed"]) for side, r in rows.items() if side != "All")
    assert killed == num(rows["All"]["Killed"]) == fake_store.EXPECTED["all"]["killed"] + 10
    assert num(rows["All"]["No day known"]) == 1                     # the month-only event is counted
    grades = sum(num(rows["All"][g]) for g in ("Single source", "Corroborated", "Contested"))
    assert grades == num(rows["All"]["Events"])
    # and the casualty timeline places it (hatched) at its report date
    at = run_page("casualties", query={"area": "syria"})
    no_errors(at)
    fig = _plotly(at)
    hatched = [t for t in fig["data"] if t["type"] == "bar" and "reported date only" in t.get("name", "")]
    assert sum(sum(_arr(t["y"])) for t in hatched) == 7


def test_opens_on_the_theatre_and_its_densest_period(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    no_errors(at)
    assert at.query_params["area"] in ("aleppo", ["aleppo"])
    # the fake store's events all fall in its densest months: the whole range, no date in the URL
    assert any("densest" in m.value for m in at.markdown)
    assert any(b.label == "All of Syria, all dates" for b in at.button)


def test_bad_url_values_get_a_notice(store):
    at2 = AppTest.from_string(f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from components import sidebar, overview
f = sidebar.render()
sidebar.banner(f)
overview.page(f)
""", default_timeout=TIMEOUT)
    at2.query_params["from"] = "2016-13-45"
    at2.query_params["side"] = "nowhere"
    at2.run()
    no_errors(at2)
    warnings = " ".join(w.value for w in at2.warning)
    assert "from=2016-13-45" in warnings and "side=nowhere" in warnings


@pytest.mark.parametrize("qp, needle", [
    ({"from": "2016-13-45"}, "not a date"), ({"to": "soon"}, "not a date"),
    ({"side": "nowhere"}, "no such side"), ({"side": "east,up"}, "side=up"),
    ({"area": "mars"}, "no such area"), ({"colour": "red"}, "not a filter"),
    ({"from": "1990-01-01"}, "clipped"),
])
def test_url_notices(qp, needle):
    from components.sidebar import url_notices
    options = {"date_min": dt.date(2016, 1, 1), "date_max": dt.date(2016, 12, 31), "event_types": ["shelling"]}
    notes = url_notices(qp, options)
    assert len(notes) == 1 and needle in notes[0], notes


def test_url_notices_quiet_for_good_links():
    from components.sidebar import url_notices
    options = {"date_min": dt.date(2016, 1, 1), "date_max": dt.date(2016, 12, 31), "event_types": ["shelling"]}
    assert url_notices({"from": "2016-02-01", "side": "east,west", "type": "shelling", "area": "aleppo"},
                       options) == []


@pytest.mark.parametrize("killed, log", [([3, 5, 4, 6], False), ([2, 3, 2400, 4], True), ([0, 2, 150, 1], True)])
def test_source_dot_plot_one_row_per_event(killed, log):
    import pandas as pd
    from components.casualties import source_figure
    cmp = pd.DataFrame({"fid": ["f1", "f1", "f2", "f2"], "day": [dt.date(2016, 10, 3)] * 2 + [None] * 2,
                        "location": ["al-Shaar", "al-Shaar", None, None], "side": ["east"] * 4,
                        "source": ["SANA", "White Helmets", "SANA", "AFP"],
                        "killed": pd.array(killed, dtype="Int64"), "event_id": ["a:i1", "b:i1", "c:i1", "d:i1"]})
    fig = source_figure(cmp)
    dots = [t for t in fig.data if t.mode == "markers"]
    assert {t.name for t in dots} == {"SANA", "White Helmets", "AFP"}
    assert len({t.marker.color for t in dots}) == 3                 # each source its own colour
    rows = {y for t in dots for y in t.y}
    assert rows == {"03 Oct 2016 · al-Shaar", "no day · East (rebel-held)"}   # no "nan" in labels
    assert (fig.layout.xaxis.type == "log") == log


@pytest.mark.skipif(not (ROOT / "data" / "places.csv").exists(), reason="gazetteer not in the tree yet")
def test_evidence_shows_how_the_extractor_read_the_article(store):
    at = run_page("evidence", state={"evidence_event_id": "a4:i1", "evidence_event_ids": ["a4:i1"]})
    no_errors(at)
    at.toggle(key="evidence_explain").set_value(True).run()
    no_errors(at)
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    texts = " ".join(t.value for t in at.text)
    assert "Incident 1" in shown and "first mention" in shown, shown[:300]
    assert "“" in texts and "Sukkari" in texts          # the mention, quoted literally


def test_a_module_a_page_imports_late_is_kept_out_of_full_collections():
    """``common.import_frozen``: a module imported when a page first needs it (the extractor) is
    imported once, and what it made is frozen (gc.freeze) as the app's start-up imports are."""
    import gc

    from components.common import import_frozen
    sys.modules.pop("colorsys", None)
    before = gc.get_freeze_count()
    import_frozen("colorsys")
    assert "colorsys" in sys.modules and gc.get_freeze_count() > before
    frozen = gc.get_freeze_count()
    import_frozen("colorsys")                     # already there: nothing imported, nothing frozen
    assert gc.get_freeze_count() == frozen
