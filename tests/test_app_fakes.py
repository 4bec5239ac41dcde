"""Every dashboard page under AppTest against a real store: FA-KES + seeds ingested.

Figures the pages show are checked against frontline.queries on the same store
with default (empty) filters.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from frontline import queries as q  # noqa: E402
from frontline.queries import Filters  # noqa: E402

pytestmark = pytest.mark.needs_shared
TIMEOUT = 60


@pytest.fixture(scope="module")
def fakes_db(tmp_path_factory, shared_dir):
    if not (shared_dir / "eval" / "gold").is_dir():
        pytest.skip("../shared not found")
    from frontline.readers import read_paths
    from frontline.ingest.pipeline import ingest
    from frontline.store import connect
    db = tmp_path_factory.mktemp("fakes") / "fakes.duckdb"
    conn = connect(db)
    try:
        ingest(conn, read_paths([shared_dir / "corpora" / "fa-kes" / "FA-KES-Dataset.csv", ROOT / "seeds"]))
        f = Filters()
        expected = {
            "head": q.headline_for(q.headline(conn, f), "all"),
            "casualties": q.casualties(conn, f, "day"),
            "dip_events": q.diplomacy_events(conn, f),
            "dip_lanes": q.diplomacy_lanes(conn, f),
            "shown": q.shown_hidden(conn, f),
            "fused": q.fused_events(conn, f),
        }
        scope = q.default_scope(conn)
        theatre = Filters(area="aleppo", date_from=scope["date_from"], date_to=scope["date_to"])
        expected["theatre"] = q.headline(conn, theatre)
    finally:
        conn.close()
    return db, expected


@pytest.fixture()
def store(fakes_db, monkeypatch):
    db, expected = fakes_db
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    monkeypatch.chdir(ROOT)
    return expected


def run_page(module: str) -> AppTest:
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from components import sidebar, {module}
f = sidebar.render()
{module}.page(f)
"""
    at = AppTest.from_string(script, default_timeout=TIMEOUT)
    at.query_params["area"] = "syria"        # the whole store (a bare link opens on the theatre)
    return at.run()


def no_errors(at):
    assert not at.exception, at.exception
    assert not [e.value for e in at.error], [e.value for e in at.error]


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_store_is_not_trivial(store):
    assert store["head"]["incidents"] > 50
    assert store["head"]["killed"] > 0


def test_app_entrypoint_opens_on_the_theatre(store):
    """The app opens on Aleppo city and governorate in its densest months; the Overview's rows by
    side add up to All, and every event is counted, with or without a day."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    no_errors(at)
    head = store["theatre"]
    a = q.headline_for(head, "all")
    assert metrics(at)["Incidents"] == f"{a['incidents']:,}"
    assert metrics(at)["Killed"] == f"{a['killed']:,}"
    assert a["incidents"] < store["head"]["incidents"]          # Damascus and the rest are left out
    table = at.dataframe[0].value
    num = lambda v: int(str(v).split(" ")[0].replace(",", "") or 0)   # noqa: E731
    rows = {r["Side"]: r for _, r in table.iterrows()}
    for col in ("Events", "Killed", "No day known"):
        assert sum(num(r[col]) for side, r in rows.items() if side != "All") == num(rows["All"][col]), col
    assert num(rows["All"]["No day known"]) == a["undated"] > 0      # undated events are counted
    assert any("densest" in m.value for m in at.markdown)


def test_app_entrypoint_overview_matches_headline(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["area"] = "syria"
    at.run()
    no_errors(at)
    m = metrics(at)
    h = store["head"]
    assert m["Incidents"] == f"{h['incidents']:,}"
    assert m["Killed"] == f"{h['killed']:,}"
    assert m["Injured"] == f"{h['injured']:,}"
    assert m["Children killed"] == f"{h['children_killed']:,}"


def test_overview_page_matches_headline(store):
    at = run_page("overview")
    no_errors(at)
    m = metrics(at)
    assert m["Incidents"] == f"{store['head']['incidents']:,}"
    assert m["Killed"] == f"{store['head']['killed']:,}"


def test_casualties_total_matches_store(store):
    at = run_page("casualties")
    no_errors(at)
    ts = store["casualties"]
    total = int(ts["killed"].sum())
    assert any(md.value.startswith(f"**{total:,} killed**") for md in at.markdown), \
        [md.value for md in at.markdown][:5]
    assert at.get("plotly_chart"), "no casualty chart"
    # every event is on the time axis: those without a day at the day they were reported
    ev = store["fused"]
    undated = ev[ev["day"].isna() & ~ev["implausible"].astype(bool)]
    assert int(undated["killed_best"].fillna(0).sum()) > 0
    assert total == store["head"]["killed"]
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any("reported date only" in t.get("name", "") for t in fig["data"])


def test_diplomacy_table_matches_store(store):
    at = run_page("diplomacy")
    no_errors(at)
    charts = at.get("plotly_chart")
    assert charts, "no diplomacy chart"
    spec = json.loads(charts[0].proto.spec)
    assert spec["data"], "empty diplomacy chart"
    dip = store["dip_events"]
    if dip.empty:
        pytest.skip("no diplomatic events extracted from FA-KES")
    assert at.dataframe, "no diplomacy table"
    from components.diplomacy import TABLE_ROWS
    assert len(at.dataframe[0].value) == min(TABLE_ROWS, len(dip))
    if len(dip) > TABLE_ROWS:         # the last page holds the rest
        last = -(-len(dip) // TABLE_ROWS)
        at = at.number_input(key="diplomacy_table_page").set_value(last).run()
        no_errors(at)
        assert len(at.dataframe[0].value) == len(dip) - (last - 1) * TABLE_ROWS


def test_map_page(store):
    at = run_page("mapview")
    no_errors(at)
    assert [t.value for t in at.title] == ["Map"]
    charts = at.get("plotly_chart")
    assert len(charts) == 2, "no map"                 # the city and the wider view
    city = json.loads(charts[0].proto.spec)
    texts = {t for tr in city["data"] if tr.get("mode") == "text" for t in tr["text"]}
    assert "Citadel" in texts and "Sheikh Maqsoud" in texts


def test_evidence_page(store):
    at = run_page("evidence")
    no_errors(at)
    assert [t.value for t in at.title] == ["Evidence"]


def test_ingest_page(store):
    at = run_page("ingest")
    no_errors(at)
    assert [t.value for t in at.title] == ["Ingest"]


def test_review_page(store):
    at = run_page("review")
    no_errors(at)
    assert [t.value for t in at.title] == ["Review"]
    assert at.get("arrow_data_frame") or at.dataframe or at.get("data_editor") is not None


def test_export_page_counts_match_store(store):
    at = run_page("export")
    no_errors(at)
    s = store["shown"]
    assert any(f"**{s['incidents_shown']:,}** incident reports" in md.value
               and f"**{s['diplomacy_shown']:,}** diplomatic events" in md.value for md in at.markdown)


def _editor_ids(at) -> list:
    """Event ids in the Review page's incident editor (a data editor shows as a dataframe)."""
    for e in at.dataframe:
        if str(e.key or "").startswith("review_inc_"):
            return list(e.value["event_id"])
    return []


def test_review_pages_through_the_incidents(store):
    from components.review import PAGE_ROWS
    n = store["shown"]["incidents_shown"]
    assert n > PAGE_ROWS, "FA-KES should need more than one page"
    at = run_page("review")
    no_errors(at)
    pager = at.number_input(key="review_inc_page")
    assert pager.max == -(-n // PAGE_ROWS)
    first = _editor_ids(at)
    assert len(first) == PAGE_ROWS
    at = pager.set_value(2).run()
    no_errors(at)
    second = _editor_ids(at)
    assert second and not set(first) & set(second)


def test_article_filter_searches_instead_of_listing_everything(store):
    from components.sidebar import ARTICLE_MATCHES
    at = run_page("overview")
    no_errors(at)
    ms = at.multiselect(key="flt_articles")
    assert len(ms.options) == ARTICLE_MATCHES < store["shown"]["articles_total"]
    at = at.text_input(key="flt_article_search").input("aleppo").run()
    no_errors(at)
    ms = at.multiselect(key="flt_articles")
    assert 0 < len(ms.options) <= ARTICLE_MATCHES
    at = ms.select(ms.options[0]).run()
    chosen = at.multiselect(key="flt_articles").value
    assert len(chosen) == 1
    at = at.text_input(key="flt_article_search").input("zzzz no such title").run()
    no_errors(at)
    # the chosen article stays offered (and chosen) while the search changes
    assert at.multiselect(key="flt_articles").value == chosen


def test_snapshot_fused_events_equal_the_store_on_fakes(fakes_db):
    import pandas as pd
    from frontline.store import connect
    db, _ = fakes_db
    conn = connect(db)
    try:
        snap = q.snapshot(conn)
        for f in (Filters(), Filters(sides=("east",)), Filters(actors=("russia",), sides=("east", "west")),
                  Filters(event_types=("airstrike",)), Filters(outlets=("reuters",))):
            for name in ("headline", "fused_events", "casualties", "source_comparison"):
                a, b = getattr(q, name)(conn, f), getattr(q, name)(snap, f)
                pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=f"{name} {f}")
    finally:
        conn.close()
