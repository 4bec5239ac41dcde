"""Dashboard speed at scale: seed a store of N synthetic incidents, time every page under AppTest.

    python scripts/bench_dashboard.py                      # 100,000 incidents, every page
    python scripts/bench_dashboard.py --incidents 20000 --pages overview,map --json

The store is written through ``frontline.store`` (the real schema and views):
incidents spread over 2016 the way the fighting was (heavier from July, heaviest
in the autumn offensive), at the places of the gazetteer (``data/places.csv``,
each with its side of the front line), several reports per event from different
outlets (``cluster_id``), claims, diplomatic events and the fused-event table.

Each page then runs under ``streamlit.testing.v1.AppTest`` in this process,
the way the tests run it (the shared sidebar, then the page): the router's
first run (cold: imports and empty caches), each page's first run, and reruns
after a change -- a sidebar filter (side, dates, event type) and the page's own
controls (the map's day, the casualty view's week/cumulative, the evidence
article). Server time is the wall time of ``AppTest.run``; every
``frontline.queries`` call that actually ran (cache misses) is timed too, and the
bytes of the elements sent to the browser are counted, so a slow page names
its slow query or its heavy element. Targets: every rerun < 200 ms, the first
page < 2 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RERUN_TARGET_MS = 200
FIRST_TARGET_MS = 2000
PAGES = ("sidebar", "overview", "map", "casualties", "diplomacy", "evidence", "ingest", "review", "export")
OUTLETS = ("ahram", "alalam", "alaraby", "arabiya", "dailysabah", "etilaf", "jordantimes", "manar", "nna",
           "reuters", "sana", "sputnik", "tass", "trt", "CNN", "AFP", "AP")
SOURCES = ("SOHR", "White Helmets", "SANA", "Aleppo Media Center", "Russian Defence Ministry", None)
TYPES = (("airstrike", 40), ("shelling", 30), ("bombing", 10), ("clashes", 12), ("chemical", 2),
         ("violence_against_civilians", 4), ("other", 2))
ACTORS = {"east": (("government", 45), ("russia", 35), (None, 20)),
          "west": (("rebels", 85), (None, 15)),
          "city": (("government", 25), ("rebels", 25), ("russia", 10), (None, 40)),
          "outside": (("isis", 25), ("government", 20), ("coalition", 15), ("turkey", 10), ("kurdish", 10),
                      ("russia", 10), (None, 10))}
PARTIES = ("United States", "Russia", "United Nations", "France", "Turkey", "Syria", "Iran", "United Kingdom",
           "Qatar", "Saudi Arabia")
DIP_TYPES = ("meeting", "call", "un_action", "visit", "agreement", "proposal", "accusation")
VENUES = ("Geneva", "Lausanne", "New York", "Moscow", "Ankara", "Astana", "Paris", None)
BUILTIN_PLACES = (  # used only when no gazetteer can be read
    ("al_shaar", "al-Shaar", "neighbourhood", "east", 36.215, 37.185),
    ("bustan_al_qasr", "Bustan al-Qasr", "neighbourhood", "east", 36.197, 37.143),
    ("hanano", "Hanano", "neighbourhood", "east", 36.232, 37.187),
    ("salaheddine", "Salaheddine", "neighbourhood", "east", 36.183, 37.128),
    ("hamdaniyah", "Hamdaniyah", "neighbourhood", "west", 36.180, 37.113),
    ("midan", "Midan", "neighbourhood", "west", 36.213, 37.160),
    ("new_aleppo", "New Aleppo", "neighbourhood", "west", 36.203, 37.097),
    ("sheikh_maqsoud", "Sheikh Maqsoud", "neighbourhood", "city", 36.232, 37.150),
    ("eastern_aleppo", "eastern Aleppo", "side", "east", 36.200, 37.180),
    ("western_aleppo", "western Aleppo", "side", "west", 36.200, 37.130),
    ("aleppo", "Aleppo", "city", "city", 36.200, 37.160),
    ("azaz", "Azaz", "town", "outside", 36.586, 37.044),
    ("al_bab", "al-Bab", "town", "outside", 36.371, 37.517),
    ("manbij", "Manbij", "town", "outside", 36.528, 37.955),
    ("khan_tuman", "Khan Tuman", "town", "outside", 36.107, 37.000),
)
_PRECISION = {"neighbourhood": "neighbourhood", "site": "site", "town": "town", "village": "town",
              "region": "side", "side": "side", "city": "city", "governorate": "governorate",
              "country": "country"}


# --------------------------------------------------------------------------- seeding

def places() -> list:
    """(place_id, name, geo_precision, side, lat, lon) from the gazetteer, else built-in."""
    try:
        from frontline.resources import read_csv_rows
        rows = read_csv_rows("places.csv")
    except Exception:  # noqa: BLE001  (no gazetteer yet: the built-in list)
        rows = ()
    out = []
    for r in rows:
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        kind = (r.get("kind") or "").strip().lower()
        if kind in ("country", "governorate") or not math.isfinite(lat):
            continue
        if kind not in _PRECISION:
            continue
        if not (35.5 < lat < 37.0 and 36.5 < lon < 38.5):           # Aleppo governorate, roughly
            continue
        in_city = str(r.get("in_aleppo_city", "")).strip().lower() in ("true", "1", "yes")
        control = (r.get("control") or "").strip().lower()
        side = (control if control in ("east", "west") else "city") if in_city else "outside"
        out.append((r["place_id"], r.get("name") or r["place_id"], _PRECISION[kind], side, lat, lon))
    return out if len(out) >= 5 else list(BUILTIN_PLACES)


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def _day_weights() -> list:
    days = [dt.date(2016, 1, 1) + dt.timedelta(d) for d in range(366)]
    w = []
    for d in days:
        base = 1.0 if d.month < 7 else (2.0 if d.month < 9 else 4.0)
        if d >= dt.date(2016, 12, 16):
            base = 1.5                                          # the evacuation
        w.append(base)
    return list(zip(days, w))


def seed_store(db: Path, n_incidents: int, seed: int = 2016, log=print) -> dict:
    """Write a store of about ``n_incidents`` synthetic incidents at ``db`` (replaced)."""
    import pyarrow as pa

    from frontline import store
    from frontline.readers import content_hash
    for p in (db, Path(str(db) + ".wal")):
        if p.exists():
            p.unlink()
    rng = random.Random(seed)
    pls = places()
    by_weight = [(p, 6 if p[2] == "neighbourhood" else (3 if p[2] in ("site", "town") else 2)) for p in pls]
    day_w = _day_weights()
    conn = store.connect(db)
    t0 = time.perf_counter()
    n_inc = n_art = n_dip = 0
    art_rows, inc_rows, claim_rows, dip_rows = [], [], [], []

    def flush():
        nonlocal art_rows, inc_rows, claim_rows, dip_rows
        if not art_rows:
            return
        tables = {name: pa.Table.from_pylist(rows, schema=store.arrow_schema(name, skip=("ingested_at",)))
                  for name, rows in (("articles", art_rows), ("incidents", inc_rows), ("claims", claim_rows),
                                     ("diplomacy", dip_rows))}
        store.write_tables(conn, tables)
        art_rows, inc_rows, claim_rows, dip_rows = [], [], [], []

    # the events first (small tuples), in day order, so that an outlet's article can report
    # several events of the same days; every event is told by 1-4 outlets
    events = []
    n_planned = 0
    while n_planned < n_incidents:
        n_reports = min(_weighted(rng, ((1, 55), (2, 25), (3, 12), (4, 8))), n_incidents - n_planned)
        events.append((_weighted(rng, day_w), len(events), n_reports))
        n_planned += n_reports
    events.sort()
    open_article: dict = {}          # outlet -> [row, n incidents, capacity]

    def close(outlet):
        art = open_article.pop(outlet, None)
        if art is not None:
            row = art[0]
            row["n_chars"] = len(row["text"])
            row["content_hash"] = content_hash(row["text"])
            art_rows.append(row)

    for day, _, n_reports in events:
        place = _weighted(rng, by_weight)
        pid, name, precision, side, lat, lon = place
        etype = _weighted(rng, TYPES)
        actor = _weighted(rng, ACTORS[side])
        true_killed = None if rng.random() < 0.3 else min(int(rng.paretovariate(1.2)), 400)
        implausible = rng.random() < 0.002
        outlets = rng.sample(OUTLETS, n_reports)
        cluster = None
        for outlet in outlets:
            art = open_article.get(outlet)
            if art is None or art[1] >= art[2] or (day - art[0]["published"]).days > 1:
                close(outlet)
                aid = f"bd{n_art:07d}"
                n_art += 1
                art = open_article[outlet] = [
                    {"article_id": aid, "title": f"{etype.replace('_', ' ').capitalize()} in {name}",
                     "source": outlet, "url": "", "published": day, "published_from": "metadata",
                     "n_chars": 0, "content_hash": "", "duplicate_of": None, "text": ""},
                    0, _weighted(rng, ((1, 40), (2, 30), (3, 20), (4, 10)))]
            row = art[0]
            aid = row["article_id"]
            art[1] += 1
            killed = true_killed if true_killed is None else max(0, true_killed + rng.randint(-2, 3))
            if implausible:
                killed = 1_000_000
            injured = None if rng.random() < 0.5 else rng.randint(0, 3 * (killed or 3))
            children = None if not killed or rng.random() < 0.8 else rng.randint(0, max(1, killed // 3))
            source = rng.choice(SOURCES)
            q = rng.choice(("exact", "at_least", "more_than", "about")) if killed is not None else None
            sentence = (f"{killed if killed is not None else 'Several'} people were killed in {etype} "
                        f"on {name} on {day:%B %d}" + (f", {source} said." if source else "."))
            start = len(row["text"]) + (1 if row["text"] else 0)
            row["text"] = (row["text"] + " " if row["text"] else "") + sentence
            end = start + len(sentence)
            eid = f"{aid}:i{art[1]}"
            cluster = cluster or (f"c:{eid}" if n_reports > 1 else None)
            inc_rows.append({
                "event_id": eid, "article_id": aid, "outlet": outlet, "event_date": day.isoformat(),
                "date_precision": "day", "day": day, "event_type": etype, "actor": actor, "side": side,
                "location": name, "place_id": pid, "lat": lat, "lon": lon, "geo_precision": precision,
                "killed": killed, "killed_low": killed, "killed_high": None if q in ("at_least", "more_than") else killed,
                "killed_qualifier": q, "injured": injured, "injured_low": injured, "injured_high": injured,
                "children_killed": children, "women_killed": None, "source": source, "implausible": implausible,
                "evidence": sentence, "evidence_start": start, "evidence_end": end,
                "evidence_spans": json.dumps([[start, end]]), "cluster_id": cluster})
            claim_rows.append({"event_id": eid, "claim_no": 1, "article_id": aid, "source": source,
                               "killed": killed, "killed_low": killed, "killed_high": killed,
                               "killed_qualifier": q, "injured": injured, "injured_low": injured,
                               "injured_high": injured, "children_killed": children, "women_killed": None,
                               "evidence": sentence, "evidence_start": start, "evidence_end": end})
            n_inc += 1
            if n_inc % 20 == 0:                       # a diplomatic event every 20 incident reports
                dday = _weighted(rng, day_w)
                dtype = rng.choice(DIP_TYPES)
                actors = sorted(rng.sample(PARTIES, rng.randint(1, 3)))
                s = f"{' and '.join(actors)} held a {dtype.replace('_', ' ')} on {dday:%B %d}."
                ds = len(row["text"]) + 1
                row["text"] += " " + s
                dip_rows.append({"event_id": f"{aid}:d{n_inc}", "article_id": aid, "outlet": outlet,
                                 "event_date": dday.isoformat(), "date_precision": "day", "day": dday,
                                 "event_type": dtype, "actors": actors, "location": rng.choice(VENUES),
                                 "status": rng.choice(("happened", "happened", "happened", "scheduled")),
                                 "evidence": s, "evidence_start": ds, "evidence_end": ds + len(s),
                                 "evidence_spans": json.dumps([[ds, ds + len(s)]]), "cluster_id": None})
                n_dip += 1
        if len(inc_rows) >= 10000:                    # write whole articles only
            for outlet in list(open_article):
                close(outlet)
            flush()
    for outlet in list(open_article):
        close(outlet)
    flush()
    # the fused-event table, from the clusters (as the dashboard's exports read it)
    conn.execute("""
        INSERT INTO fused_incidents BY NAME
        SELECT coalesce(cluster_id, event_id) AS cluster_id, min(day) AS day, mode(event_type) AS event_type,
               CASE WHEN count(DISTINCT actor) > 1 THEN string_agg(DISTINCT actor, '/') ELSE max(actor) END AS actor,
               mode(side) AS side, mode(location) AS location, avg(lat) AS lat, avg(lon) AS lon,
               min(killed) FILTER (WHERE NOT implausible) AS killed_low,
               quantile_disc(killed, 0.5) FILTER (WHERE NOT implausible) AS killed_best,
               max(killed) FILTER (WHERE NOT implausible) AS killed_high,
               min(injured) AS injured_low, quantile_disc(injured, 0.5) AS injured_best, max(injured) AS injured_high,
               max(children_killed) AS children_killed, count(DISTINCT article_id) AS n_articles,
               count(DISTINCT outlet) AS n_outlets, list(DISTINCT outlet ORDER BY outlet) AS outlets,
               CASE WHEN count(DISTINCT actor) > 1 THEN 'contested'
                    WHEN count(DISTINCT outlet) > 1 THEN 'corroborated' ELSE 'single source' END AS grade,
               list(event_id ORDER BY event_id) AS event_ids
        FROM incidents GROUP BY coalesce(cluster_id, event_id)""")
    counts = store.row_counts(conn)
    conn.close()
    log(f"seeded {db}: {counts['incidents']:,} incidents, {counts['articles']:,} articles, "
        f"{counts['diplomacy']:,} diplomatic events, {counts['fused_incidents']:,} fused events, "
        f"{len(pls)} places ({'gazetteer' if pls != list(BUILTIN_PLACES) else 'built-in'}) "
        f"in {time.perf_counter() - t0:.1f} s")
    return counts


# --------------------------------------------------------------------------- timing

class QueryTimer:
    """Wraps every public function of frontline.queries to time the calls that really run."""

    def __init__(self):
        self.calls: list = []

    def install(self):
        from frontline import queries
        for name in dir(queries):
            fn = getattr(queries, name)
            if name.startswith("_") or not callable(fn) or getattr(fn, "__module__", "") != queries.__name__ \
                    or isinstance(fn, type):
                continue
            setattr(queries, name, self._wrap(name, fn))

    def _wrap(self, name, fn):
        @functools.wraps(fn)
        def timed(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.calls.append((name, (time.perf_counter() - t) * 1000))
        return timed

    def take(self) -> list:
        out, self.calls = self.calls, []
        return out


MODULES = {"map": "mapview"}        # page -> module of components/ where they differ


def page_script(page: str) -> str:
    if page == "sidebar":               # the shared filters alone: what every page pays per rerun
        return f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from components import sidebar
f = sidebar.render()
"""
    module = MODULES.get(page, page)
    return f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from components import sidebar, {module}
f = sidebar.render()
{module}.page(f)
"""


def shipped_bytes(at) -> dict:
    """Bytes of the element protos of the last run, by element type (what goes to the browser)."""
    sizes: dict = {}

    def walk(node):
        proto = getattr(node, "proto", None)
        kids = getattr(node, "children", None)
        if proto is not None and not kids and hasattr(proto, "ByteSize"):
            kind = getattr(node, "type", type(node).__name__)
            sizes[kind] = sizes.get(kind, 0) + proto.ByteSize()
        if isinstance(kids, dict):
            for child in kids.values():
                walk(child)
    try:
        walk(at._tree)
    except Exception:  # noqa: BLE001  (AppTest internals differ between versions: sizes are a bonus)
        pass
    return sizes


def _find(at, kind: str, key: str):
    try:
        return getattr(at, kind)(key=key)
    except (KeyError, AttributeError, IndexError, ValueError):
        return None


def interactions(page: str, options: dict) -> list:
    """(label, action(at)) pairs: sidebar filter changes and the page's own controls."""
    lo, hi = options.get("date_min"), options.get("date_max")

    def set_sides(at):
        w = _find(at, "multiselect", "flt_sides")
        w.set_value(["east"]) if w is not None else at.session_state.__setitem__("flt_sides", ["east"])

    def set_dates(at):
        d0, d1 = dt.date(2016, 10, 1), dt.date(2016, 10, 31)
        if lo and hi:
            d0, d1 = max(d0, lo), min(d1, hi)
        w = _find(at, "date_input", "flt_dates")
        w.set_value((d0, d1)) if w is not None else at.session_state.__setitem__("flt_dates", (d0, d1))

    def set_type(at):
        w = _find(at, "multiselect", "flt_types")
        if w is not None:
            w.set_value(["airstrike"])

    acts = [("side = east", set_sides), ("dates = Oct 2016", set_dates), ("type = airstrike", set_type)]
    if page == "map":
        def next_day(at):
            b = _find(at, "button", "map_next")
            if b is not None:
                b.click()

        def whole(at):
            t = _find(at, "toggle", "map_whole")
            if t is not None:
                t.set_value(not t.value)
        acts += [("map: day ▶", next_day), ("map: whole period", whole)]
    elif page == "casualties":
        def week(at):
            w = _find(at, "button_group", "casualties_freq") or _find(at, "segmented_control", "casualties_freq")
            if w is not None:
                w.set_value("week")

        def cum(at):
            t = _find(at, "toggle", "casualties_cum")
            if t is not None:
                t.set_value(True)
        acts += [("casualties: per week", week), ("casualties: cumulative", cum)]
    elif page == "evidence":
        ids = list(options["articles"]["article_id"])[:2] if "articles" in options else []

        def other_article(at):          # by session state: AppTest cannot index a formatted selectbox
            if len(ids) > 1:
                cur = at.session_state["evidence_article"] if "evidence_article" in at.session_state else None
                at.session_state["evidence_article"] = ids[1] if cur != ids[1] else ids[0]
        acts += [("evidence: another article", other_article)]
    return acts


def _exception_text(e) -> str:
    """The exception's own message and the last frame of ours (AppTest redacts ``.value``)."""
    msg = getattr(e, "message", None) or str(getattr(e, "value", e))
    stack = [ln.strip() for ln in (getattr(e, "stack_trace", None) or []) if ln.strip()]
    ours = [ln for ln in stack if "/work/" in ln or "components/" in ln or "frontline/" in ln]
    where = ours[-1] if ours else (stack[-1] if stack else "")
    return f"{msg} @ {where}"[:240]


def run_timed(at, timer: QueryTimer) -> dict:
    t = time.perf_counter()
    try:
        at.run()
    except Exception as e:  # noqa: BLE001  (a page that breaks is reported, the others still run)
        timer.take()
        return {"ms": None, "queries": [], "errors": [f"{type(e).__name__}: {e}"[:160]], "bytes": {}}
    ms = (time.perf_counter() - t) * 1000
    calls = timer.take()
    errors = [_exception_text(e) for e in at.exception] + [str(e.value)[:160] for e in at.error]
    return {"ms": round(ms, 1), "queries": [(n, round(q, 1)) for n, q in calls], "errors": errors,
            "bytes": shipped_bytes(at)}


_TIMER: list = []


def bench_pages(db: Path, pages, reruns: int, log=print) -> dict:
    os.environ["FRONTLINE_DB"] = str(db)
    os.chdir(ROOT)
    from streamlit.testing.v1 import AppTest

    from frontline import queries
    if not _TIMER:                      # once per process: the pages run again after an ingest
        _TIMER.append(QueryTimer())
        _TIMER[0].install()
    timer = _TIMER[0]
    timer.take()
    out: dict = {"router_first": None, "pages": {}}
    t = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    out["router_first"] = run_timed(at, timer)
    out["router_first"]["wall_ms_incl_setup"] = round((time.perf_counter() - t) * 1000, 1)
    log(f"router first run (Overview, cold): {out['router_first']['ms']:.0f} ms")
    out["router_rerun"] = run_timed(at, timer)
    import duckdb
    conn = duckdb.connect(str(db))       # same configuration as the app's connection in this process
    try:
        options = queries.filter_options.__wrapped__(conn) if hasattr(queries.filter_options, "__wrapped__") \
            else queries.filter_options(conn)
    finally:
        conn.close()
    timer.take()
    for page in pages:
        at = AppTest.from_string(page_script(page), default_timeout=600)
        res = {"first": run_timed(at, timer), "reruns": []}
        if res["first"]["ms"] is None:
            out["pages"][page] = res
            log(f"{page:<11} first run failed: {res['first']['errors'][0]}")
            continue
        for label, act in interactions(page, options)[:reruns if reruns > 0 else None]:
            try:
                act(at)
            except Exception as e:  # noqa: BLE001
                res["reruns"].append({"label": label, "ms": None, "errors": [f"could not act: {e}"[:120]],
                                      "queries": [], "bytes": {}})
                continue
            r = run_timed(at, timer)
            r["label"] = label
            res["reruns"].append(r)
        out["pages"][page] = res
        times = [r["ms"] for r in res["reruns"] if r["ms"] is not None]
        log(f"{page:<11} first {res['first']['ms'] or float('nan'):7.0f} ms   reruns " +
            ", ".join(f"{r['ms']:.0f}" if r["ms"] is not None else "-" for r in res["reruns"]) +
            (f"   max {max(times):.0f} ms" if times else ""))
    return out


def render(result: dict) -> str:
    lines = [f"Dashboard at {result['incidents']:,} incidents ({result['db']}); server time of AppTest.run, ms",
             "", f"router first run (cold process, Overview): {result['router_first']['ms']:.0f} ms "
             f"(target < {FIRST_TARGET_MS}); rerun {result['router_rerun']['ms']:.0f} ms", ""]
    head = f"{'page':<11}{'first':>8}{'rerun max':>10}{'median':>8}  {'ok':<4} slowest queries (ms) / heaviest elements (kB)"
    lines += [head, "-" * len(head)]
    for page, res in result["pages"].items():
        times = [r["ms"] for r in res["reruns"] if r["ms"] is not None]
        mx = max(times) if times else None
        ok = "yes" if mx is not None and mx < RERUN_TARGET_MS and not any(r["errors"] for r in res["reruns"]) \
            and not res["first"]["errors"] else "NO"
        agg: dict = {}
        for r in [res["first"]] + res["reruns"]:
            for n, ms in r["queries"]:
                agg[n] = max(agg.get(n, 0), ms)
        slow = ", ".join(f"{n} {ms:.0f}" for n, ms in sorted(agg.items(), key=lambda kv: -kv[1])[:3])
        heavy = max(([res["first"]] + res["reruns"]), key=lambda r: sum(r["bytes"].values()) if r["bytes"] else 0)
        kb = ", ".join(f"{k} {v / 1000:.0f}" for k, v in sorted(heavy["bytes"].items(), key=lambda kv: -kv[1])[:2])
        lines.append(f"{page:<11}{res['first']['ms'] or float('nan'):>8.0f}{(mx if mx is not None else float('nan')):>10.0f}"
                     f"{(statistics.median(times) if times else float('nan')):>8.0f}  {ok:<4} {slow} | {kb}")
        for r in [dict(res["first"], label="first run")] + res["reruns"]:
            if r.get("errors"):
                lines.append(f"{'':<11}  ! {r['label']}: {r['errors'][0]}")
    lines.append("")
    lines.append("reruns per page: " + "; ".join(
        f"{p}: " + ", ".join(f"{r['label']} {r['ms']:.0f}" for r in res["reruns"] if r["ms"] is not None)
        for p, res in result["pages"].items()))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--db", default="/tmp/frontline-bench-dashboard.duckdb")
    ap.add_argument("--reuse", action="store_true", help="keep an existing store of that size")
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--reruns", type=int, default=0, help="interactions per page (default all)")
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--after-ingest", metavar="JSONL",
                    help="then ingest the first article of JSONL and time the pages again (the snapshot "
                         "follows the store), then the second (a new snapshot, as before), side by side")
    args = ap.parse_args(argv)
    log = (lambda m: print(m, file=sys.stderr, flush=True))
    db = Path(args.db)
    n = None
    if args.reuse and db.exists():
        import duckdb
        with duckdb.connect(str(db), read_only=True) as c:
            n = c.execute("SELECT count(*) FROM incidents").fetchone()[0]
        if n < args.incidents:
            n = None
    if n is None:
        n = seed_store(db, args.incidents, args.seed, log=log)["incidents"]
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = set(pages) - set(PAGES)
    if unknown:
        ap.error(f"unknown page(s): {', '.join(sorted(unknown))}")
    result = bench_pages(db, pages, args.reruns, log=log)
    result.update(incidents=n, db=str(db))
    if args.after_ingest:
        result["after_ingest"] = after_ingest(db, args.after_ingest, pages, args.reruns, log=log)
    print(json.dumps(result, default=str) if args.json else render(result) + render_after(result))
    return 0


def _ingest(db: Path, path: str, log) -> float:
    """``python -m frontline ingest path --db db`` in a new process; its wall time in seconds."""
    import subprocess
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "frontline", "ingest", path, "--db", str(db), "--quiet"],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise SystemExit(f"ingest of {path} failed: {r.stderr.strip().splitlines()[-1:]}")
    seconds = time.perf_counter() - t
    log(f"ingested {path} in {seconds:.1f} s")
    return seconds


def after_ingest(db: Path, jsonl: str, pages, reruns: int, log=print) -> dict:
    """The pages again after an ingest of the first and then the second article of ``jsonl``:
    once with the snapshot following the store (this release), once taken anew (as before)."""
    import tempfile

    from components import data
    lines = Path(jsonl).read_text(encoding="utf-8").splitlines()
    if len(lines) < 2:
        raise SystemExit(f"{jsonl}: needs two articles (one per ingest)")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case, line in (("follow", lines[0]), ("new snapshot", lines[1])):
            one = Path(tmp) / f"{case.replace(' ', '_')}.jsonl"
            one.write_text(line + "\n", encoding="utf-8")
            seconds = _ingest(db, str(one), log)
            time.sleep(data.VERSION_TTL_SECONDS + 0.1)      # the pages see the new fingerprint
            if case == "new snapshot":
                data._snapshot.clear()                      # what every change did before
            log(f"after an ingest ({case}):")
            res = bench_pages(db, pages, reruns, log=log)
            res["ingest_seconds"] = round(seconds, 2)
            out[case] = res
    return out


def render_after(result: dict) -> str:
    after = result.get("after_ingest")
    if not after:
        return ""
    lines = ["", "", "After a one-article ingest (python -m frontline ingest, another process), "
             "server time of the first page and of the pages' reruns, ms:", "",
             f"{'snapshot':<14}{'ingest s':>9}{'1st page':>9}{'snapshot ms':>12}{'page firsts max':>16}"
             f"{'reruns max':>11}"]
    for case, res in after.items():
        snap = [ms for r in [res["router_first"]] for n, ms in r["queries"] if n in ("snapshot", "follow_snapshot")]
        firsts = [p["first"]["ms"] for p in res["pages"].values() if p["first"]["ms"] is not None]
        reruns = [r["ms"] for p in res["pages"].values() for r in p["reruns"] if r["ms"] is not None]
        lines.append(f"{case:<14}{res['ingest_seconds']:>9.1f}{res['router_first']['ms']:>9.0f}"
                     f"{(sum(snap) if snap else float('nan')):>12.0f}{(max(firsts) if firsts else float('nan')):>16.0f}"
                     f"{(max(reruns) if reruns else float('nan')):>11.0f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
