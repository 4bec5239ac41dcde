"""Parameterised SQL aggregates for the dashboard and the exports.

Every function takes an open DuckDB connection (or cursor) and a
:class:`Filters` value and returns a small pandas DataFrame (or a dict).
Filter values are always bound as SQL parameters, never formatted into SQL.

Counting rule (documented in the README): the store keeps one row per
*article's* incident (``v_incidents``, analyst reviews applied) and a
``cluster_id`` that links reports of the same event across articles.  The
dashboard's totals count each **fused event** once: the per-article rows of
the chosen outlets/articles are grouped by ``coalesce(cluster_id, event_id)``
and each group gives

* ``killed_best``  = the median of the reports' best figures (a figure one of
  the reports actually gives: ``quantile_disc(…, 0.5)``),
* ``killed_low``   = the lowest of the reports' low bounds (or best figures),
* ``killed_high``  = the highest of the reports' high bounds (or best figures),

and the same for injured; children killed take the median.  The date,
side, type and perpetrator filters then choose whole events by their fused
values (day = the earliest report's; side and type = the most frequent,
a definite one -- east/west/outside, a specific type -- before "city" or
"other"/"clashes", ties alphabetically; perpetrator = any a source names),
so each event counts once, on one side.
The fused rows come from the reviewed rows (the dashboard precomputes them
in a snapshot per store version, :func:`snapshot`), so an analyst's
correction shows at once in every figure.  Reports flagged ``implausible`` (a toll too
large to be one incident) are listed but not summed unless a reviewer clears
the flag.  The per-article rows stay available for the evidence view, the
per-source comparison and scoring.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields, replace
from typing import Any, Iterable, Mapping, Optional

import pandas as pd

from .geo import theatre_place_ids

SIDES = ("east", "west", "city", "outside")
INCIDENT_TYPES = ("airstrike", "shelling", "bombing", "clashes", "chemical",
                  "violence_against_civilians", "other")
DIPLOMACY_TYPES = ("meeting", "call", "un_action", "visit", "agreement",
                   "proposal", "accusation")
MAX_MAP_POINTS = 2_000     # beyond this the map gets one point per grid cell, not per report
MAP_CELL_IDS = 20          # report ids an aggregated map cell carries (largest tolls first)
MAP_SCOPE_SIDES = {"city": ("east", "west", "city"), "outside": ("outside",)}   # sides each map scope can hold

# --------------------------------------------------------------------------- filters


def _tuple(v: Any) -> tuple:
    if v is None or v == "":
        return ()
    if isinstance(v, str):
        return tuple(x for x in (s.strip() for s in v.split(",")) if x)
    return tuple(str(x) for x in v if str(x) != "")


def _date(v: Any) -> Optional[dt.date]:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


# query-parameter name for each field (short, readable URLs)
_QP = {"date_from": "from", "date_to": "to", "sides": "side", "event_types": "type",
       "actors": "actor", "outlets": "outlet", "article_ids": "article",
       "dip_types": "dtype", "parties": "party", "area": "area"}
AREAS = ("aleppo", "syria")   # the theatre (Aleppo city and governorate) or everything
THEATRE_SIDES = ("east", "west", "city")


@dataclass(frozen=True)
class Filters:
    """The dashboard's filter state; empty tuples / ``None`` mean "all"."""
    date_from: Optional[dt.date] = None
    date_to: Optional[dt.date] = None
    sides: tuple = ()
    event_types: tuple = ()      # incident event types
    actors: tuple = ()           # incident perpetrators (actor codes)
    outlets: tuple = ()          # publishing outlet (articles.source)
    article_ids: tuple = ()
    dip_types: tuple = ()        # diplomacy event types
    parties: tuple = ()          # diplomacy actors (lanes)
    area: str = ""               # "aleppo": the theatre only; "syria" or "": everywhere

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "area":
                v = str(v or "").strip().lower()
                object.__setattr__(self, f.name, v if v in AREAS else "")
            elif f.name in ("date_from", "date_to"):
                object.__setattr__(self, f.name, _date(v))
            else:
                object.__setattr__(self, f.name, tuple(sorted(set(_tuple(v)))))

    def to_query_params(self) -> dict:
        """``{"from": "2016-10-01", "side": "east,west", ...}``; empty fields left out."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if not v:
                continue
            out[_QP[f.name]] = (v.isoformat() if isinstance(v, dt.date) else v if isinstance(v, str)
                                else ",".join(v))
        return out

    @classmethod
    def from_query_params(cls, qp: Mapping[str, Any]) -> "Filters":
        """Inverse of :meth:`to_query_params`; unknown keys and bad dates are ignored."""
        kw = {}
        for name, key in _QP.items():
            if key in qp:
                v = qp[key]
                if isinstance(v, list):   # repeated keys
                    v = ",".join(str(x) for x in v)
                kw[name] = v
        return cls(**kw)

    def with_(self, **kw) -> "Filters":
        return replace(self, **kw)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "area") \
            and self.area != "aleppo"


def _area_clause(f: "Filters", a: str) -> tuple[list, list]:
    if f.area != "aleppo":
        return [], []
    # a semi-join on the place ids: list_contains per row is several times slower at 100,000 rows
    return ([f"(coalesce({a}side, '') IN ('east', 'west', 'city') "
             f"OR {a}place_id IN (SELECT unnest(?::VARCHAR[])))"], [list(theatre_place_ids())])


def _incident_where(f: Filters, alias: str = "i", *, reported: bool = False) -> tuple[str, list]:
    """WHERE clause (always valid) and its parameters for per-article incidents (reports).

    ``reported``: the rows carry ``reported`` (their article's publication date) and the
    dates choose by ``coalesce(day, reported)``: an event without a known day counts in
    the period it was reported in (:func:`_inc_source`)."""
    a = alias + "."
    clauses, params = ["TRUE"], []
    day = f"coalesce({a}day, {a}reported)" if reported else f"{a}day"
    if f.date_from:
        clauses.append(f"{day} >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append(f"{day} <= ?")
        params.append(f.date_to)
    c, p = _area_clause(f, a)
    clauses += c
    params += p
    for col, vals in (("side", f.sides), ("event_type", f.event_types),
                      ("actor", f.actors), ("outlet", f.outlets),
                      ("article_id", f.article_ids)):
        if vals:
            clauses.append(f"list_contains(?::VARCHAR[], {a}{col})")
            params.append(list(vals))
    return " AND ".join(clauses), params


def _report_where(f: Filters, alias: str = "i") -> tuple[str, list]:
    """The filters that choose *which reports* count (outlet, article), for fused figures."""
    return _incident_where(Filters(outlets=f.outlets, article_ids=f.article_ids), alias)


def _event_where(f: Filters, alias: str = "e") -> tuple[str, list]:
    """The filters that choose *which fused events* count, on the event's fused values: dates,
    side, type, and perpetrator -- an event any of whose sources blames one of ``actors``."""
    where, params = _incident_where(Filters(date_from=f.date_from, date_to=f.date_to, sides=f.sides,
                                            event_types=f.event_types, area=f.area), alias, reported=True)
    if f.actors:
        where += f" AND list_has_any({alias}.actors, ?::VARCHAR[])"
        params = params + [list(f.actors)]
    return where, params


def _diplomacy_where(f: Filters, alias: str = "d", *, reported: bool = False) -> tuple[str, list]:
    a = alias + "."
    clauses, params = ["TRUE"], []
    day = f"coalesce({a}day, {a}reported)" if reported else f"{a}day"
    if f.date_from:
        clauses.append(f"{day} >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append(f"{day} <= ?")
        params.append(f.date_to)
    for col, vals in (("event_type", f.dip_types), ("outlet", f.outlets),
                      ("article_id", f.article_ids)):
        if vals:
            clauses.append(f"list_contains(?::VARCHAR[], {a}{col})")
            params.append(list(vals))
    if f.parties:
        clauses.append(f"list_has_any({a}actors, ?::VARCHAR[])")
        params.append(list(f.parties))
    return " AND ".join(clauses), params


def is_snapshot(conn) -> bool:
    """Whether ``conn`` is a dashboard :func:`snapshot` (its tables carry ``reported``)."""
    return has_event_figures(conn)


def _inc_source(conn) -> str:
    """The reviewed reports with ``reported`` (their article's publication date: the day the
    event is known to be on or before): the snapshot's table, or a join on a store."""
    if conn is not None and is_snapshot(conn):
        return "v_incidents"
    return ("(SELECT v.*, a.published AS reported FROM v_incidents v "
            "LEFT JOIN articles a ON a.article_id = v.article_id)")


def _dip_source(conn) -> str:
    """The reviewed diplomatic events with ``reported`` (see :func:`_inc_source`)."""
    if conn is not None and is_snapshot(conn):
        return "v_diplomacy"
    return ("(SELECT v.*, a.published AS reported FROM v_diplomacy v "
            "LEFT JOIN articles a ON a.article_id = v.article_id)")


def _df(conn, sql: str, params: Iterable = ()) -> pd.DataFrame:
    cur = conn.cursor() if hasattr(conn, "cursor") else conn
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        if cur is not conn:
            cur.close()


def _rows(conn, sql: str, params: Iterable = ()) -> list:
    cur = conn.cursor() if hasattr(conn, "cursor") else conn
    try:
        return cur.execute(sql, list(params)).fetchall()
    finally:
        if cur is not conn:
            cur.close()


# --------------------------------------------------------------------------- fused events

_NOT_IMPLAUSIBLE = "FILTER (WHERE NOT coalesce(implausible, FALSE))"
FUSED_AGGREGATES = f"""
               min(day) AS day,
               min(reported) AS reported,
               mode(place_id ORDER BY place_id) AS place_id,
               coalesce(mode(side ORDER BY side) FILTER (WHERE side <> 'city'),
                        mode(side ORDER BY side)) AS side,
               coalesce(mode(event_type ORDER BY event_type) FILTER (WHERE event_type NOT IN ('other', 'clashes')),
                        mode(event_type ORDER BY event_type)) AS event_type,
               mode(actor ORDER BY actor) AS actor,
               list_sort(list(DISTINCT actor) FILTER (WHERE actor IS NOT NULL)) AS actors,
               mode(location ORDER BY location) AS location,
               count(*) AS n_reports,
               count(DISTINCT outlet) AS n_outlets,
               bool_and(coalesce(implausible, FALSE)) AS implausible,
               quantile_disc(killed, 0.5) {_NOT_IMPLAUSIBLE} AS killed_best,
               min(coalesce(killed_low, killed)) {_NOT_IMPLAUSIBLE} AS killed_low,
               max(coalesce(killed_high, killed)) {_NOT_IMPLAUSIBLE} AS killed_high,
               quantile_disc(injured, 0.5) {_NOT_IMPLAUSIBLE} AS injured_best,
               min(coalesce(injured_low, injured)) {_NOT_IMPLAUSIBLE} AS injured_low,
               max(coalesce(injured_high, injured)) {_NOT_IMPLAUSIBLE} AS injured_high,
               quantile_disc(children_killed, 0.5) {_NOT_IMPLAUSIBLE} AS children_killed,
               list(event_id ORDER BY event_id) AS event_ids"""
EVENT_FIGURES = "event_figures"     # the fused events precomputed in a dashboard snapshot


_NI = "NOT coalesce(implausible, FALSE)"
# what FUSED_AGGREGATES give for a group of one report, without aggregating
SINGLE_REPORT = f"""
               day, reported, place_id, side, event_type, actor,
               CASE WHEN actor IS NULL THEN NULL ELSE [actor] END AS actors, location,
               1::BIGINT AS n_reports, (outlet IS NOT NULL)::BIGINT AS n_outlets,
               coalesce(implausible, FALSE) AS implausible,
               CASE WHEN {_NI} THEN killed END AS killed_best,
               CASE WHEN {_NI} THEN coalesce(killed_low, killed) END AS killed_low,
               CASE WHEN {_NI} THEN coalesce(killed_high, killed) END AS killed_high,
               CASE WHEN {_NI} THEN injured END AS injured_best,
               CASE WHEN {_NI} THEN coalesce(injured_low, injured) END AS injured_low,
               CASE WHEN {_NI} THEN coalesce(injured_high, injured) END AS injured_high,
               CASE WHEN {_NI} THEN children_killed END AS children_killed,
               [event_id] AS event_ids"""


def event_figures_sql(source: str = "v_incidents") -> str:
    """One row per fused event over every report of ``source`` (what :func:`snapshot` stores).

    Events of one report take its values directly (:data:`SINGLE_REPORT`, the
    same values the aggregates give, tested); only the others are aggregated.
    """
    return f"""
    WITH counted AS (
        SELECT *, coalesce(cluster_id, event_id) AS fid,
               count(*) OVER (PARTITION BY coalesce(cluster_id, event_id)) AS n_in_event
        FROM {source}
    )
    SELECT fid, {SINGLE_REPORT} FROM counted WHERE n_in_event = 1
    UNION ALL
    SELECT fid, {FUSED_AGGREGATES} FROM counted WHERE n_in_event > 1 GROUP BY fid"""


def _has_table(conn, name: str) -> bool:
    return bool(_rows(conn, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name])[0][0])


def has_event_figures(conn) -> bool:
    """Whether ``conn`` is a snapshot holding the precomputed fused events."""
    return _has_table(conn, EVENT_FIGURES)


def fused_cte(f: Filters, conn=None) -> tuple[str, list]:
    """``WITH sel AS (...), fused AS (...)``: the counted reports and one row per fused event.

    The filters act in two steps. Outlet and article choose which *reports*
    count (``sel``); the reports of one event are fused into one row (``fid``
    = ``coalesce(cluster_id, event_id)``) with low/best/high figures; then
    dates, side, type and perpetrator choose *events* by their fused values
    (``fused``), so an event is counted once, on one side, whole.  Without
    outlet/article filters and on a :func:`snapshot` connection the fused rows
    are read from its precomputed ``event_figures`` table instead: same rows,
    no aggregation per query.
    """
    rw, rp = _report_where(f, "i")
    ew, ep = _event_where(f, "e")
    sel = f"""
    WITH sel AS (
        SELECT i.*, coalesce(i.cluster_id, i.event_id) AS fid
        FROM {_inc_source(conn)} i WHERE {rw}
    )"""
    if conn is not None and not (f.outlets or f.article_ids) and has_event_figures(conn):
        return sel + f""", fused AS (SELECT e.* FROM {EVENT_FIGURES} e WHERE {ew})""", rp + ep
    return sel + f""", fused AS (
        SELECT e.* FROM (SELECT fid, {FUSED_AGGREGATES} FROM sel GROUP BY fid) e WHERE {ew}
    )""", rp + ep


# a fused event's grade, in the spirit of Airwars' (as frontline.fusion grades them)
GRADE_SQL = ("(CASE WHEN len(coalesce(actors, [])) > 1 THEN 'contested' "
             "WHEN n_outlets >= 2 THEN 'corroborated' ELSE 'single source' END)")


def headline(conn, f: Filters) -> pd.DataFrame:
    """Headline figures per side plus an ``all`` row.

    Columns: side, incidents, reports, killed, killed_low, killed_high,
    injured, injured_low, injured_high, children_killed, implausible.
    The low/high columns equal the best columns where all sources agree.
    """
    cte, params = fused_cte(f, conn)
    sql = cte + """
    SELECT coalesce(side, 'unknown') AS side,
           count(*) FILTER (WHERE NOT implausible) AS incidents,
           coalesce(sum(n_reports), 0)::BIGINT AS reports,
           coalesce(sum(killed_best), 0)::BIGINT AS killed,
           coalesce(sum(coalesce(killed_low, killed_best)), 0)::BIGINT AS killed_low,
           coalesce(sum(coalesce(killed_high, killed_best)), 0)::BIGINT AS killed_high,
           coalesce(sum(injured_best), 0)::BIGINT AS injured,
           coalesce(sum(coalesce(injured_low, injured_best)), 0)::BIGINT AS injured_low,
           coalesce(sum(coalesce(injured_high, injured_best)), 0)::BIGINT AS injured_high,
           coalesce(sum(children_killed), 0)::BIGINT AS children_killed,
           count(*) FILTER (WHERE implausible) AS implausible,
           count(*) FILTER (WHERE NOT implausible AND day IS NULL) AS undated,
           coalesce(sum(killed_best) FILTER (WHERE day IS NULL), 0)::BIGINT AS killed_undated,
           count(*) FILTER (WHERE NOT implausible AND {GRADE} = 'single source') AS single_source,
           count(*) FILTER (WHERE NOT implausible AND {GRADE} = 'corroborated') AS corroborated,
           count(*) FILTER (WHERE NOT implausible AND {GRADE} = 'contested') AS contested
    FROM fused GROUP BY GROUPING SETS ((coalesce(side, 'unknown')), ())
    """.replace("{GRADE}", GRADE_SQL)
    df = _df(conn, sql, params)
    # the grand-total row has side NULL from GROUPING SETS
    df["side"] = df["side"].where(df["side"].notna(), "all")
    order = {s: i for i, s in enumerate(("all",) + SIDES + ("unknown",))}
    df = df.sort_values("side", key=lambda s: s.map(order)).reset_index(drop=True)
    return df


def headline_for(df: pd.DataFrame, side: str) -> dict:
    """One side's row of :func:`headline` as a dict of ints (zeros if absent)."""
    cols = ["incidents", "reports", "killed", "killed_low", "killed_high", "injured",
            "injured_low", "injured_high", "children_killed", "implausible", "undated",
            "killed_undated", "single_source", "corroborated", "contested"]
    row = df[df["side"] == side]
    if row.empty:
        return {c: 0 for c in cols}
    r = row.iloc[0]
    return {c: int(r[c]) if c in r and pd.notna(r[c]) else 0 for c in cols}


def fused_events(conn, f: Filters, limit: Optional[int] = None) -> pd.DataFrame:
    """One row per fused event, newest first (the Overview's latest events)."""
    cte, params = fused_cte(f, conn)
    sql = cte + """
    SELECT fid, day, reported, side, event_type, actor, location, n_reports, n_outlets,
           killed_best, killed_low, killed_high, injured_best, children_killed,
           implausible, event_ids, event_ids[1] AS event_id
    FROM fused ORDER BY day DESC NULLS LAST, fid"""
    if limit:
        sql += " LIMIT ?"
        params = params + [int(limit)]
    return _df(conn, sql, params)


FREQS = ("day", "week", "month")


def auto_freq(date_from: Optional[dt.date], date_to: Optional[dt.date]) -> str:
    """The bin that keeps a timeline readable over the range: day up to ~2 months, week up to
    ~18 months, month beyond."""
    if not date_from or not date_to:
        return "month"
    days = (date_to - date_from).days
    return "day" if days <= 62 else "week" if days <= 550 else "month"


def _period_sql(freq: str, col: str) -> str:
    if freq not in FREQS:
        raise ValueError("freq must be 'day', 'week' or 'month'")
    return col if freq == "day" else f"date_trunc('{freq}', {col})::DATE"


def _period_end(start: dt.date, freq: str) -> dt.date:
    if freq == "day":
        return start
    if freq == "week":
        return start + dt.timedelta(days=6)
    nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def casualties(conn, f: Filters, freq: str = "day") -> pd.DataFrame:
    """Killed/injured per day, week or month and side (fused events counted once).

    Columns: period, side, dated, incidents, killed, killed_low, killed_high, injured,
    injured_low, injured_high, children_killed, cum_killed.  Every event is on the axis:
    ``dated`` rows hold events with a known day, placed at it; the others (a month or no date
    in the text) are placed at the day they were reported (their earliest article's
    publication: the day they are known to be on or before).  A bar's events are
    :func:`period_event_ids` (fetched when it is clicked, not shipped with the chart).
    """
    period = _period_sql(freq, "coalesce(day, reported)")
    cte, params = fused_cte(f, conn)
    sql = cte + f"""
    , per AS (
        SELECT {period} AS period, coalesce(side, 'unknown') AS side, day IS NOT NULL AS dated,
               count(*) AS incidents,
               coalesce(sum(killed_best), 0)::BIGINT AS killed,
               coalesce(sum(coalesce(killed_low, killed_best)), 0)::BIGINT AS killed_low,
               coalesce(sum(coalesce(killed_high, killed_best)), 0)::BIGINT AS killed_high,
               coalesce(sum(injured_best), 0)::BIGINT AS injured,
               coalesce(sum(coalesce(injured_low, injured_best)), 0)::BIGINT AS injured_low,
               coalesce(sum(coalesce(injured_high, injured_best)), 0)::BIGINT AS injured_high,
               coalesce(sum(children_killed), 0)::BIGINT AS children_killed
        FROM fused WHERE coalesce(day, reported) IS NOT NULL AND NOT implausible
        GROUP BY ALL
    )
    SELECT *, sum(killed) OVER (PARTITION BY side ORDER BY period, dated DESC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::BIGINT AS cum_killed
    FROM per ORDER BY period, side, dated DESC"""
    return _df(conn, sql, params)


def daily_killed(conn, f: Filters, freq: str = "day") -> pd.DataFrame:
    """Killed per period, all sides together (beneath the diplomacy timeline); ``dated`` as in
    :func:`casualties` (column ``day`` holds the period start)."""
    cte, params = fused_cte(f, conn)
    period = _period_sql(freq, "coalesce(day, reported)")
    sql = cte + f"""
    SELECT {period} AS day, day IS NOT NULL AS dated, coalesce(sum(killed_best), 0)::BIGINT AS killed,
           coalesce(sum(coalesce(killed_low, killed_best)), 0)::BIGINT AS killed_low,
           coalesce(sum(coalesce(killed_high, killed_best)), 0)::BIGINT AS killed_high,
           count(*) AS incidents
    FROM fused WHERE coalesce(day, reported) IS NOT NULL AND NOT implausible
    GROUP BY ALL ORDER BY 1, 2 DESC"""
    return _df(conn, sql, params)


def period_event_ids(conn, f: Filters, periods: Iterable = (), freq: str = "day") -> list:
    """Report ids of the counted events in the given (period start, side) bars.

    ``periods``: pairs ``(day, week or month start, side)``; ``side`` None or ``"all"``
    means every side.  The ids are what a clicked bar of :func:`casualties` or
    :func:`daily_killed` stands for (events placed by day, or by report date when undated),
    in day and id order.
    """
    if freq not in FREQS:
        raise ValueError("freq must be 'day', 'week' or 'month'")
    ids: list = []
    cte, params = fused_cte(f, conn)
    for start, side in periods:
        d0 = _date(start)
        if d0 is None:
            continue
        cond, p = ["coalesce(day, reported) BETWEEN ? AND ?"], [d0, _period_end(d0, freq)]
        if side not in (None, "", "all"):
            cond.append("coalesce(side, 'unknown') = ?")
            p.append(str(side))
        rows = _rows(conn, cte + f"""
            SELECT unnest(event_ids) FROM (SELECT event_ids, day, fid FROM fused
            WHERE NOT implausible AND {' AND '.join(cond)} ORDER BY coalesce(day, reported), fid)""", params + p)
        ids += [r[0] for r in rows if r[0] not in ids]
    return ids


def default_scope(conn, share: float = 0.75) -> dict:
    """What the dashboard opens on: the theatre (Aleppo city and governorate) and the period its
    events cover most densely -- the shortest run of whole months holding at least ``share`` of
    the theatre's events (by day, or report date when undated); ties go to the run holding more.

    Returns ``{"area": "aleppo", "date_from", "date_to", "events", "events_total", "share"}``
    (dates None when the theatre has no dated event).
    """
    f = Filters(area="aleppo")
    cte, params = fused_cte(f, conn)
    rows = _rows(conn, cte + """
        SELECT date_trunc('month', coalesce(day, reported))::DATE AS m, count(*)
        FROM fused WHERE coalesce(day, reported) IS NOT NULL GROUP BY 1 ORDER BY 1""", params)
    return densest_months([(r[0], int(r[1])) for r in rows], share)


def densest_months(months: list, share: float = 0.75) -> dict:
    """The shortest run of consecutive calendar months holding ``share`` of the events (see
    :func:`default_scope`); ``months``: ``[(first day of month, events)]`` in order."""
    total = sum(n for _, n in months)
    out = {"area": "aleppo", "date_from": None, "date_to": None, "events": 0, "events_total": total,
           "share": share}
    if not total:
        return out
    index = {(m.year, m.month): n for m, n in months}
    first, last = months[0][0], months[-1][0]
    seq = []
    y, mo = first.year, first.month
    while (y, mo) <= (last.year, last.month):
        seq.append(((y, mo), index.get((y, mo), 0)))
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    need = share * total
    best = None
    lo, acc = 0, 0
    for hi in range(len(seq)):
        acc += seq[hi][1]
        while lo < hi and acc - seq[lo][1] >= need:
            acc -= seq[lo][1]
            lo += 1
        if acc >= need:
            key = (hi - lo, -acc)
            if best is None or key < best[0]:
                best = (key, lo, hi, acc)
    _, lo, hi, acc = best
    (y0, m0), (y1, m1) = seq[lo][0], seq[hi][0]
    out.update(date_from=dt.date(y0, m0, 1), date_to=_period_end(dt.date(y1, m1, 1), "month"), events=acc)
    return out


SOURCE_KINDS = ("source", "outlet")      # what the source comparison compares by
EVENT_SOURCES = "event_sources"         # a snapshot's precomputed figures per fused event and source
EVENT_SPREAD = "event_source_spread"    # ... and per fused event: how many sources, how far apart


def event_sources_sql(source: str = "v_incidents") -> str:
    """One row per fused event and source over the reports of ``source`` (what :func:`snapshot`
    stores as :data:`EVENT_SOURCES`): ``kind`` "source" (the attributed source) or "outlet" (the
    publishing outlet), ``src`` (``'unattributed'`` when the report names none), the highest killed
    and injured the source's plausible reports give and its first report id -- exactly the rows
    :func:`source_comparison` and :func:`source_totals` group the reports into, computed once."""
    per = " UNION ALL ".join(
        f"SELECT '{k}' AS kind, fid, coalesce({k}, 'unattributed') AS src, max(killed) AS killed, "
        f"max(injured) AS injured, min(event_id) AS event_id FROM r GROUP BY ALL" for k in SOURCE_KINDS)
    return f"""
    WITH r AS (SELECT coalesce(cluster_id, event_id) AS fid, source, outlet, killed, injured, event_id
               FROM {source} WHERE NOT coalesce(implausible, FALSE))
    {per}"""


def event_spread_sql(source: str = EVENT_SOURCES) -> str:
    """Per kind and fused event of ``source`` (rows of :func:`event_sources_sql`): how many
    sources give it figures (``n_src``) and the spread of their killed figures (max - min, 0 when
    none or one gives one), as :func:`source_comparison` ranks events by."""
    return f"""SELECT kind, fid, count(*) AS n_src, coalesce(max(killed) - min(killed), 0) AS spread
    FROM {source} GROUP BY ALL"""


def has_event_sources(conn) -> bool:
    """Whether ``conn`` is a snapshot holding the precomputed per-source figures."""
    return _has_table(conn, EVENT_SPREAD)


def _from_event_sources(conn, f: Filters) -> bool:
    """Whether the per-source figures can be read from a snapshot's :data:`EVENT_SOURCES`: they
    hold every report, so not when outlet or article filters choose which reports count."""
    return conn is not None and not (f.outlets or f.article_ids) and has_event_sources(conn)


def source_comparison(conn, f: Filters, by: str = "source", min_sources: int = 2,
                      limit: Optional[int] = 30) -> pd.DataFrame:
    """Each source's figures for the same fused events.

    ``by="source"``: the attributed source of the figures (Syrian Observatory,
    White Helmets, SANA...), ``by="outlet"``: the publishing outlet.  Only
    events that at least ``min_sources`` sources report are kept; with a
    ``limit``, the events where the sources' killed figures differ most (then the
    latest).  Columns: fid, day, location, side, source, killed, injured,
    event_id, spread (max - min killed of the event), n_events (events compared
    before the limit).  On a snapshot (without outlet or article filters) the
    per-source rows and each event's spread are read from :data:`EVENT_SOURCES`
    and :data:`EVENT_SPREAD` instead of grouping the reports again: the same rows.
    """
    if by not in SOURCE_KINDS:
        raise ValueError("by must be 'source' or 'outlet'")
    cte, params = fused_cte(f, conn)
    top = """, top AS (
        SELECT m.* FROM multi m JOIN fused fu USING (fid)
        ORDER BY m.spread DESC, fu.day DESC NULLS LAST, m.fid LIMIT ?
    )
    SELECT p.fid, fu.day, fu.location, fu.side, p.src AS source, p.killed, p.injured, p.event_id,
           t.spread, t.n_events
    FROM per p JOIN top t USING (fid) JOIN fused fu USING (fid)
    ORDER BY fu.day NULLS LAST, p.fid, p.src"""
    limit_param = int(limit) if limit else 2 ** 62
    if _from_event_sources(conn, f):
        sql = cte + f"""
        , per AS (SELECT fid, src, killed, injured, event_id FROM {EVENT_SOURCES} WHERE kind = ?)
        , multi AS (
            SELECT s.fid, s.spread, count(*) OVER () AS n_events
            FROM {EVENT_SPREAD} s
            WHERE s.kind = ? AND s.n_src >= ?
                  AND s.fid IN (SELECT fid FROM fused WHERE n_reports > 1)   -- one report is one source
        )""" + top
        return _df(conn, sql, params + [by, by, int(min_sources), limit_param])
    sql = cte + f"""
    , per AS MATERIALIZED (      -- read twice below: computed once
        SELECT fid, coalesce({by}, 'unattributed') AS src,
               max(killed) AS killed, max(injured) AS injured, min(event_id) AS event_id
        FROM sel WHERE NOT coalesce(implausible, FALSE)
              AND fid IN (SELECT fid FROM fused WHERE n_reports > 1)   -- one report is one source
        GROUP BY ALL
    ), multi AS (
        SELECT fid, coalesce(max(killed) - min(killed), 0) AS spread, count(*) OVER () AS n_events
        FROM per GROUP BY fid HAVING count(DISTINCT src) >= ?
    )""" + top
    return _df(conn, sql, params + [int(min_sources), limit_param])


def source_totals(conn, f: Filters, by: str = "source") -> pd.DataFrame:
    """Per source: how many of the counted events it reports and the killed it gives for them,
    each event once per source (its highest figure when several of its reports give one).
    On a snapshot (without outlet or article filters) read from :data:`EVENT_SOURCES`."""
    if by not in SOURCE_KINDS:
        raise ValueError("by must be 'source' or 'outlet'")
    cte, params = fused_cte(f, conn)
    totals = """
    SELECT source, count(*) AS incidents,
           coalesce(sum(killed), 0)::BIGINT AS killed,
           coalesce(sum(injured), 0)::BIGINT AS injured
    FROM per GROUP BY ALL ORDER BY killed DESC, source"""
    if _from_event_sources(conn, f):
        sql = cte + f"""
        , per AS (SELECT src AS source, fid, killed, injured FROM {EVENT_SOURCES}
                  WHERE kind = ? AND fid IN (SELECT fid FROM fused))""" + totals
        return _df(conn, sql, params + [by])
    sql = cte + f"""
    , per AS (   -- one figure per source and event: its highest, when its reports repeat it
        SELECT coalesce({by}, 'unattributed') AS source, fid, max(killed) AS killed, max(injured) AS injured
        FROM sel WHERE NOT coalesce(implausible, FALSE) AND fid IN (SELECT fid FROM fused)
        GROUP BY ALL
    )""" + totals
    return _df(conn, sql, params)


# --------------------------------------------------------------------------- map

_HAS_XY = "(lat IS NOT NULL AND lon IS NOT NULL)"
_MAP_SCOPES = {   # which reports each map scope draws
    # events known only to a side have no point of their own: the map places them
    "city": f"({_HAS_XY} OR side IN ('east', 'west')) AND side IN ('east', 'west', 'city')",
    "outside": f"{_HAS_XY} AND (side = 'outside' OR side IS NULL)",
    "all": f"({_HAS_XY} OR side IN ('east', 'west'))",
}
_SCOPE_OF_ROW = "CASE WHEN side IN ('east', 'west', 'city') THEN 'city' ELSE 'outside' END"
_PRECISE = "coalesce(geo_precision, '') IN ('neighbourhood', 'site', 'town')"


def map_points(conn, f: Filters, *, scope: str = "city", day: Optional[dt.date] = None,
               max_points: int = MAX_MAP_POINTS, grid: float = 0.01) -> pd.DataFrame:
    """Per-article incidents with coordinates for the map.

    ``scope="city"``: sides east/west/city; ``"outside"``: side outside;
    ``"all"``: everything.  ``day`` narrows to one day (the play control).
    Beyond ``max_points`` rows the points are aggregated on a lat/lon grid of
    ``grid`` degrees (column ``n`` > 1, ``aggregated`` True); an aggregated
    point's ``event_id`` holds up to :data:`MAP_CELL_IDS` of its report ids
    joined by ``|`` (largest tolls first), so a click still reaches evidence.
    Columns: event_id, day, lat, lon, killed, injured, actor, side, event_type,
    location, geo_precision, precise, outlet, source, evidence, n, aggregated.
    See :func:`map_points_pair` for the city and the wider view at once.
    """
    if scope not in _MAP_SCOPES:
        raise ValueError("scope must be city, outside or all")
    where, params = _map_where(f, day)
    src = _inc_source(conn)
    cond = f"{where} AND {_MAP_SCOPES[scope]}"
    if f.sides and scope != "all" and not set(f.sides) & set(MAP_SCOPE_SIDES[scope]):
        # no side chosen is in this scope (a side filter also drops the reports without a side):
        # nothing to read, the same empty columns back at once
        cond += " AND FALSE"
    n = _rows(conn, f"SELECT count(*) FROM {src} i WHERE {cond}", params)[0][0]
    if n <= max_points:
        return _df(conn, _map_rows_sql(src, cond), params)
    return _df(conn, _map_cells_sql(src, cond), [MAP_CELL_IDS] + params + [grid, grid])


def map_points_pair(conn, f: Filters, *, day: dt.date | None = None, max_points: int = MAX_MAP_POINTS,
                    grid: float = 0.01) -> tuple:
    """``(map_points(scope="city"), map_points(scope="outside"))`` in fewer passes over the
    reports: both scopes counted in one, and their points read by one query when both are
    drawn report by report (each scope still chooses between points and grid cells on its
    own count). Grid cells are read per scope by :func:`map_points`' own query: which of
    several equally deadly reports a cell names first is left to the same plan."""
    where, params = _map_where(f, day)
    src = _inc_source(conn)
    scopes = ("city", "outside")
    conds = {s: f"{where} AND {_MAP_SCOPES[s]}" for s in scopes}
    either = " OR ".join(f"({_MAP_SCOPES[s]})" for s in scopes)
    each = ", ".join(f"count(*) FILTER (WHERE {_MAP_SCOPES[s]})" for s in scopes)
    counts = dict(zip(scopes, _rows(conn, f"SELECT {each} FROM {src} i WHERE {where} AND ({either})", params)[0]))
    frames = {s: _df(conn, _map_cells_sql(src, conds[s]), [MAP_CELL_IDS] + params + [grid, grid])
              for s in scopes if counts[s] > max_points}
    rows = [s for s in scopes if 0 < counts[s] <= max_points]
    if len(rows) == 2:
        df = _df(conn, _map_rows_sql(src, f"{where} AND ({either})", by_scope=True), params)
        scope_of = df.pop("scope")
        frames.update({s: df[scope_of == s].reset_index(drop=True) for s in rows})
    elif rows:
        frames[rows[0]] = _df(conn, _map_rows_sql(src, conds[rows[0]]), params)
    for s in scopes:      # nothing there: the empty columns
        if s not in frames:
            frames[s] = _df(conn, _map_rows_sql(src, f"{where} AND FALSE"), params)
    return frames["city"], frames["outside"]


def _map_where(f: Filters, day: dt.date | None) -> tuple[str, list]:
    where, params = _incident_where(f, "i", reported=True)
    if day is not None:
        where += " AND coalesce(day, reported) = ?"
        params = params + [day]
    return where, params


def _map_rows_sql(src: str, cond: str, *, by_scope: bool = False) -> str:
    """One row per report (``by_scope``: a first column ``scope``, rows by scope first)."""
    scope = f"{_SCOPE_OF_ROW} AS scope, " if by_scope else ""
    return f"""
        SELECT {scope}event_id, day, reported, lat, lon,
               CASE WHEN coalesce(implausible, FALSE) THEN 0 ELSE coalesce(killed, 0) END AS killed,
               coalesce(injured, 0) AS injured, coalesce(actor, 'unknown') AS actor,
               side, event_type, location, geo_precision, {_PRECISE} AS precise,
               outlet, source, left(evidence, 160) AS evidence, 1 AS n, FALSE AS aggregated,
               coalesce(implausible, FALSE) AS implausible
        FROM {src} i WHERE {cond} ORDER BY {"scope, " if by_scope else ""}coalesce(day, reported), event_id"""


def _map_cells_sql(src: str, cond: str) -> str:
    """Precise reports on a grid, reports known only to a side or the city in one group each
    (parameters: the ids per cell, the conditions', the grid twice)."""
    key = (f"CASE WHEN {_PRECISE} THEN round(lat / ?) END, CASE WHEN {_PRECISE} THEN round(lon / ?) END, "
           f"CASE WHEN {_PRECISE} THEN NULL ELSE coalesce(side, '') || ':' || coalesce(geo_precision, '') END")
    return f"""
    SELECT array_to_string(max_by(event_id, coalesce(killed, 0), ?), '|') AS event_id,
           min(day) AS day, min(reported) AS reported,
           avg(lat) AS lat, avg(lon) AS lon,
           coalesce(sum(killed) FILTER (WHERE NOT coalesce(implausible, FALSE)), 0)::BIGINT AS killed,
           coalesce(sum(injured) FILTER (WHERE NOT coalesce(implausible, FALSE)), 0)::BIGINT AS injured,
           -- a cell takes the values of its deadliest report (one pass; mode() is several)
           arg_max(coalesce(actor, 'unknown'), coalesce(killed, 0)) AS actor,
           arg_max(side, coalesce(killed, 0)) AS side,
           arg_max(event_type, coalesce(killed, 0)) AS event_type,
           arg_max(location, coalesce(killed, 0)) AS location,
           arg_max(geo_precision, coalesce(killed, 0)) AS geo_precision, bool_and({_PRECISE}) AS precise,
           NULL AS outlet, NULL AS source,
           count(*) || ' reports; ' || coalesce(array_to_string(list_sort(list_distinct(list(location))), ', '), '')
               AS evidence,
           count(*) AS n, TRUE AS aggregated, FALSE AS implausible
    FROM {src} i WHERE {cond}
    GROUP BY {key}
    ORDER BY killed DESC"""


def map_days(conn, f: Filters) -> list:
    """Distinct days with incidents (for the day slider)."""
    where, params = _incident_where(f, "i", reported=True)
    return [r[0] for r in _rows(
        conn, f"SELECT DISTINCT coalesce(day, reported) AS d FROM {_inc_source(conn)} i "
              f"WHERE {where} AND d IS NOT NULL ORDER BY d", params)]


# --------------------------------------------------------------------------- diplomacy

def diplomacy_lanes(conn, f: Filters) -> pd.DataFrame:
    """Diplomatic events exploded to one row per (event, actor lane).

    Columns: event_id, day, event_type, status, lane, actors, location, outlet, evidence.
    """
    where, params = _diplomacy_where(f, "d", reported=True)
    sql = f"""
    SELECT d.event_id, d.day, coalesce(d.day, d.reported) AS at_day, d.day IS NOT NULL AS dated,
           d.event_type, coalesce(d.status, 'happened') AS status,
           unnest(CASE WHEN len(coalesce(d.actors, [])) = 0 THEN ['(unnamed)'] ELSE d.actors END) AS lane,
           array_to_string(d.actors, ', ') AS actors, d.location, d.outlet,
           left(d.evidence, 300) AS evidence
    FROM {_dip_source(conn)} d WHERE {where}
    ORDER BY at_day NULLS LAST, d.event_id"""
    df = _df(conn, sql, params)
    if f.parties and not df.empty:
        df = df[df["lane"].isin(f.parties)].reset_index(drop=True)
    return df


def diplomacy_lane_weeks(conn, f: Filters) -> pd.DataFrame:
    """Dated diplomatic events counted per (actor lane, week): the timeline when there are too
    many to draw one by one.

    Columns: lane, week (Monday), events, top_type (the most frequent type), types
    (``"meeting 3, call 1"``), scheduled (how many not yet happened or cancelled).
    """
    where, params = _diplomacy_where(f, "d", reported=True)
    party = "AND list_contains(?::VARCHAR[], lane)" if f.parties else ""
    sql = f"""
    WITH lanes AS (
        SELECT d.event_id, d.event_type, coalesce(d.status, 'happened') AS status,
               date_trunc('week', coalesce(d.day, d.reported))::DATE AS week, d.day IS NULL AS undated,
               unnest(CASE WHEN len(coalesce(d.actors, [])) = 0 THEN ['(unnamed)'] ELSE d.actors END) AS lane
        FROM {_dip_source(conn)} d WHERE {where} AND coalesce(d.day, d.reported) IS NOT NULL
    ), per_type AS (
        SELECT lane, week, event_type, count(*) AS n,
               count(*) FILTER (WHERE status <> 'happened') AS not_happened,
               count(*) FILTER (WHERE undated) AS n_undated
        FROM lanes WHERE TRUE {party} GROUP BY ALL
    )
    SELECT lane, week, sum(n)::BIGINT AS events, arg_max(event_type, n * 1000 - rank_type) AS top_type,
           string_agg(event_type || ' ' || n, ', ' ORDER BY n DESC, event_type) AS types,
           sum(not_happened)::BIGINT AS scheduled, sum(n_undated)::BIGINT AS undated
    FROM (SELECT *, dense_rank() OVER (ORDER BY event_type) AS rank_type FROM per_type)
    GROUP BY lane, week ORDER BY week, lane"""
    return _df(conn, sql, params + ([list(f.parties)] if f.parties else []))


def lane_week_event_ids(conn, f: Filters, cells: Iterable = ()) -> list:
    """Ids of the diplomatic events in the given (week start, lane) cells of
    :func:`diplomacy_lane_weeks`, in day and id order."""
    where, params = _diplomacy_where(f, "d", reported=True)
    ids: list = []
    for week, lane in cells:
        d0 = _date(week)
        if d0 is None:
            continue
        lane_cond = ("len(coalesce(d.actors, [])) = 0" if lane == "(unnamed)"
                     else "list_contains(d.actors, ?)")
        rows = _rows(conn, f"""SELECT d.event_id FROM {_dip_source(conn)} d
            WHERE {where} AND coalesce(d.day, d.reported) BETWEEN ? AND ? AND {lane_cond}
            ORDER BY coalesce(d.day, d.reported), d.event_id""",
                     params + [d0, d0 + dt.timedelta(days=6)] + ([] if lane == "(unnamed)" else [str(lane)]))
        ids += [r[0] for r in rows if r[0] not in ids]
    return ids


def diplomacy_events(conn, f: Filters, limit: Optional[int] = None, offset: int = 0) -> pd.DataFrame:
    """Filtered diplomatic events (reviewed values) in day and id order; ``limit``/``offset`` page."""
    where, params = _diplomacy_where(f, "d", reported=True)
    sql = f"""
    SELECT d.event_id, d.article_id, d.outlet, d.event_date, d.day, d.reported, d.event_type,
           array_to_string(d.actors, ', ') AS actors, d.location,
           coalesce(d.status, 'happened') AS status, d.evidence
    FROM {_dip_source(conn)} d WHERE {where}
    ORDER BY coalesce(d.day, d.reported) NULLS LAST, d.event_id"""
    if limit:
        sql += " LIMIT ? OFFSET ?"
        params = params + [int(limit), max(0, int(offset))]
    return _df(conn, sql, params)


# --------------------------------------------------------------------------- tables

INCIDENT_COLUMNS = ("event_id", "article_id", "outlet", "event_date", "date_precision", "day",
                    "event_type", "actor", "side", "location", "place_id", "lat", "lon",
                    "geo_precision", "killed", "killed_low", "killed_high", "killed_qualifier",
                    "injured", "injured_low", "injured_high", "children_killed", "women_killed",
                    "source", "implausible", "evidence", "cluster_id")


def incidents(conn, f: Filters, limit: Optional[int] = None, offset: int = 0) -> pd.DataFrame:
    """Filtered per-article incidents (reviewed values), for tables and exports; ``limit`` and
    ``offset`` page through them in day and id order."""
    where, params = _incident_where(f, "i", reported=True)
    cols = ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS)
    sql = (f"SELECT {cols}, i.reported FROM {_inc_source(conn)} i WHERE {where} "
           "ORDER BY coalesce(i.day, i.reported) NULLS LAST, i.event_id")
    if limit:
        sql += " LIMIT ? OFFSET ?"
        params = params + [int(limit), max(0, int(offset))]
    return _df(conn, sql, params)


def shown_hidden(conn, f: Filters) -> dict:
    """How many incidents / diplomatic events / articles the filters show out of all."""
    iw, ip = _incident_where(f, "i", reported=True)
    dw, dp = _diplomacy_where(f, "d", reported=True)
    row = _rows(conn, f"""
        SELECT (SELECT count(*) FROM {_inc_source(conn)} i WHERE {iw}),
               (SELECT count(*) FROM v_incidents),
               (SELECT count(*) FROM {_dip_source(conn)} d WHERE {dw}),
               (SELECT count(*) FROM v_diplomacy),
               (SELECT count(*) FROM articles)""", ip + dp)[0]
    return {"incidents_shown": row[0], "incidents_total": row[1],
            "diplomacy_shown": row[2], "diplomacy_total": row[3], "articles_total": row[4]}


def filter_options(conn) -> dict:
    """Values offered by the sidebar filters, from the store."""
    def col(sql):
        return [r[0] for r in _rows(conn, sql) if r[0] is not None]
    lo, hi = _rows(conn, f"""SELECT min(d), max(d) FROM (
        SELECT coalesce(day, reported) AS d FROM {_inc_source(conn)}
        UNION ALL SELECT coalesce(day, reported) FROM {_dip_source(conn)})""")[0]
    return {
        "date_min": lo, "date_max": hi,
        "sides": [s for s in SIDES],
        "event_types": col("SELECT DISTINCT event_type FROM v_incidents ORDER BY 1"),
        "actors": col("SELECT DISTINCT actor FROM v_incidents ORDER BY 1"),
        "outlets": col("""SELECT DISTINCT o FROM (SELECT outlet AS o FROM v_incidents
                          UNION SELECT outlet FROM v_diplomacy UNION SELECT source FROM articles) ORDER BY 1"""),
        "dip_types": col("SELECT DISTINCT event_type FROM v_diplomacy ORDER BY 1"),
        "parties": col("SELECT DISTINCT unnest(actors) FROM v_diplomacy ORDER BY 1"),
        "n_articles": _rows(conn, "SELECT count(*) FROM articles")[0][0],
    }


def article_titles(conn, article_ids: Iterable = ()) -> dict:
    """``{article_id: title}`` for those of ``article_ids`` the store holds (title falls back to the id)."""
    ids = [str(x) for x in article_ids]
    if not ids:
        return {}
    return dict(_rows(conn, """SELECT article_id, coalesce(title, article_id) FROM articles
                               WHERE list_contains(?::VARCHAR[], article_id)""", [ids]))


def article_search(conn, term: str = "", limit: int = 50) -> pd.DataFrame:
    """Up to ``limit`` articles whose id or title contains ``term`` (any case), newest first.

    Columns: article_id, title.  An empty term gives the newest articles.
    """
    term = (term or "").strip().lower()
    return _df(conn, """
        SELECT article_id, coalesce(title, article_id) AS title FROM articles
        WHERE ? = '' OR contains(lower(article_id), ?) OR contains(lower(coalesce(title, '')), ?)
        ORDER BY published DESC NULLS LAST, article_id LIMIT ?""", [term, term, term, int(limit)])


def articles_list(conn, f: Filters, term: str = "", limit: Optional[int] = None) -> pd.DataFrame:
    """Articles matching the outlet/article/date filters (and ``term`` in id or title, any case)
    with their event counts; with ``limit``, the first ``limit`` of them by publication date.
    Column ``n_matching`` holds how many match before the limit."""
    clauses, params = ["TRUE"], []
    term = (term or "").strip().lower()
    if term:
        clauses.append("(contains(lower(a.article_id), ?) OR contains(lower(coalesce(a.title, '')), ?))")
        params += [term, term]
    if f.outlets:
        clauses.append("list_contains(?::VARCHAR[], a.source)")
        params.append(list(f.outlets))
    if f.article_ids:
        clauses.append("list_contains(?::VARCHAR[], a.article_id)")
        params.append(list(f.article_ids))
    if f.date_from:
        clauses.append("(a.published IS NULL OR a.published >= ?)")
        params.append(f.date_from)
    if f.date_to:
        clauses.append("(a.published IS NULL OR a.published <= ? + INTERVAL 31 DAY)")
        params.append(f.date_to)
    sql = f"""
    WITH chosen AS (
        SELECT a.article_id, a.title, a.source, a.published, count(*) OVER () AS n_matching
        FROM articles a WHERE {' AND '.join(clauses)}
        ORDER BY a.published NULLS LAST, a.article_id LIMIT ?
    )
    SELECT c.article_id, c.title, c.source, c.published,
           (SELECT count(*) FROM v_incidents i WHERE i.article_id = c.article_id) AS incidents,
           (SELECT count(*) FROM v_diplomacy d WHERE d.article_id = c.article_id) AS diplomacy,
           c.n_matching
    FROM chosen c ORDER BY c.published NULLS LAST, c.article_id"""
    return _df(conn, sql, params + [int(limit) if limit else 2 ** 62])


def article(conn, article_id: str) -> Optional[dict]:
    df = _df(conn, "SELECT * FROM articles WHERE article_id = ?", [article_id])
    return None if df.empty else df.iloc[0].to_dict()


def _spans(v) -> list:
    """evidence_spans as a list of (start, end) pairs, from JSON text or a list."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return []
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError:
            return []
    out = []
    for p in v or []:
        try:
            s, e = int(p[0]), int(p[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if 0 <= s < e:
            out.append((s, e))
    return out


def article_events(conn, article_id: str) -> pd.DataFrame:
    """Both kinds of events of one article (reviewed), with their spans.

    Columns: event_id, kind, day, event_type, who (actor or actors), side,
    location, killed, injured, children_killed, source, evidence,
    evidence_start, evidence_end, spans (list of (start, end)).
    """
    sql = """
    SELECT event_id, 'incident' AS kind, day, event_type, actor AS who, side, location,
           killed, injured, children_killed, source, evidence, evidence_start, evidence_end,
           CAST(evidence_spans AS VARCHAR) AS spans
    FROM v_incidents WHERE article_id = ?
    UNION ALL
    SELECT event_id, 'diplomacy', day, event_type, array_to_string(actors, ', '), NULL, location,
           NULL, NULL, NULL, NULL, evidence, evidence_start, evidence_end,
           CAST(evidence_spans AS VARCHAR)
    FROM v_diplomacy WHERE article_id = ?
    ORDER BY evidence_start NULLS LAST, event_id"""
    df = _df(conn, sql, [article_id, article_id])
    df["spans"] = [
        _spans(s) or ([(int(a), int(b))] if pd.notna(a) and pd.notna(b) else [])
        for s, a, b in zip(df["spans"], df["evidence_start"], df["evidence_end"])]
    return df


def event(conn, event_id: str) -> Optional[dict]:
    """One event (either kind) with its article id, or None."""
    df = _df(conn, """
        SELECT event_id, 'incident' AS kind, article_id, day, event_type, actor AS who, side,
               location, killed, injured, children_killed, source, outlet, evidence
        FROM v_incidents WHERE event_id = ?
        UNION ALL
        SELECT event_id, 'diplomacy', article_id, day, event_type, array_to_string(actors, ', '),
               NULL, location, NULL, NULL, NULL, NULL, outlet, evidence
        FROM v_diplomacy WHERE event_id = ?""", [event_id, event_id])
    return None if df.empty else df.iloc[0].to_dict()


def events_by_ids(conn, event_ids: list) -> pd.DataFrame:
    """Rows of the given event ids (either kind), for the evidence list."""
    if not event_ids:
        return pd.DataFrame(columns=["event_id", "kind", "article_id", "day", "event_type",
                                     "who", "killed", "outlet", "source", "evidence"])
    ids = [str(x) for x in event_ids]
    return _df(conn, """
        SELECT event_id, 'incident' AS kind, article_id, day, event_type, actor AS who, killed,
               outlet, source, evidence
        FROM v_incidents WHERE list_contains(?::VARCHAR[], event_id)
        UNION ALL
        SELECT event_id, 'diplomacy', article_id, day, event_type, array_to_string(actors, ', '),
               NULL, outlet, NULL, evidence
        FROM v_diplomacy WHERE list_contains(?::VARCHAR[], event_id)
        ORDER BY day NULLS LAST, event_id""", [ids, ids])


def audit(conn, limit: int = 200) -> pd.DataFrame:
    """The review log, newest first."""
    return _df(conn, """SELECT "at", who, kind, action, event_id, field, old_value, new_value
                        FROM reviews ORDER BY "at" DESC LIMIT ?""", [int(limit)])


def store_version(conn) -> tuple:
    """A cheap fingerprint that changes on every ingest or review (cache key)."""
    return tuple(_rows(conn, """
        SELECT (SELECT count(*) FROM articles), (SELECT max(ingested_at) FROM articles)::VARCHAR,
               (SELECT count(*) FROM reviews), (SELECT max("at") FROM reviews)::VARCHAR,
               (SELECT count(*) FROM incidents), (SELECT count(*) FROM diplomacy)""")[0])


# --------------------------------------------------------------------------- dashboard snapshot

# what a snapshot copies: the reviewed views and the small tables, not the article texts
SNAPSHOT_TABLES = {
    "v_incidents": "SELECT v.*, a.published AS reported FROM v_incidents v "
                   "LEFT JOIN articles a ON a.article_id = v.article_id",
    "v_diplomacy": "SELECT v.*, a.published AS reported FROM v_diplomacy v "
                   "LEFT JOIN articles a ON a.article_id = v.article_id",
    "articles": "SELECT * EXCLUDE (text) FROM articles",
    "reviews": "SELECT * FROM reviews",
}


def snapshot(conn):
    """An in-memory DuckDB copy of what the dashboard reads, with the fused events precomputed.

    Every function of this module runs on it unchanged (same table names);
    :func:`fused_cte` then reads ``event_figures`` instead of grouping the
    reports again on each query.  Taken once per store version, it holds no
    lock on the store file (a CLI ingest can run meanwhile) and keeps its
    pages warm in memory.  Article texts stay in the store (:func:`article`).
    """
    import duckdb
    mem = duckdb.connect(":memory:")
    for name, sql in SNAPSHOT_TABLES.items():
        cur = conn.cursor() if hasattr(conn, "cursor") else conn
        try:
            table = cur.sql(sql).to_arrow_table()
        finally:
            if cur is not conn:
                cur.close()
        mem.register("snapshot_source", table)
        mem.execute(f"CREATE TABLE {name} AS SELECT * FROM snapshot_source")
        mem.unregister("snapshot_source")
    mem.execute(f"CREATE TABLE {EVENT_FIGURES} AS {event_figures_sql('v_incidents')}")
    mem.execute(f"CREATE TABLE {EVENT_SOURCES} AS {event_sources_sql('v_incidents')}")
    mem.execute(f"CREATE TABLE {EVENT_SPREAD} AS {event_spread_sql(EVENT_SOURCES)}")
    return mem


def _ingest_only(mem, conn) -> Optional[list]:
    """The articles stored since ``mem`` was taken, when ingests are all that changed the store
    (the same reviews, every article of the snapshot still there); None otherwise."""
    review_state = "SELECT count(*), max(\"at\")::VARCHAR FROM reviews"
    if _rows(mem, review_state) != _rows(conn, review_state):
        return None
    since = _rows(mem, "SELECT max(ingested_at), count(*) FROM articles")[0]
    if since[0] is None:
        return None
    changed = [r[0] for r in _rows(conn, "SELECT article_id FROM articles WHERE ingested_at > ?", [since[0]])]
    known = _rows(mem, "SELECT count(*) FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                  [changed])[0][0]
    total = _rows(conn, "SELECT count(*) FROM articles")[0][0]
    return changed if total == since[1] + len(changed) - known else None


def follow_snapshot(mem, conn) -> bool:
    """Bring a :func:`snapshot` up to date with the store by what ingests changed since it was taken.

    The articles stored since (by ``ingested_at``) and the reports whose fused
    event changed (fusion, incremental, re-fuses a few days) are read again,
    and the fused events they were or are part of are computed again; the rest
    of the snapshot stays as it is. Returns False, leaving ``mem`` as it was,
    when something else changed (reviews, a restored backup): take a new
    :func:`snapshot` then.
    """
    changed = _ingest_only(mem, conn)
    if changed is None:
        return False
    src = conn.cursor()     # its own connection: the store's may hold an unfinished result of an earlier execute()
    try:
        return _follow(mem, src, changed)
    finally:
        src.close()


# reports are compared in buckets of their event_id: only the buckets whose digests differ are read
DIGEST_BUCKETS = 1024
_DIGEST = ("SELECT hash(event_id) % {n} AS bucket, bit_xor(hash(event_id, cluster_id)) AS digest, count(*) "
           "FROM {table} GROUP BY bucket")


def _moved(mem, conn) -> list:
    """The reports of the snapshot whose fused event (``cluster_id``) the store now gives otherwise.

    Reading the (event_id, cluster_id) of every report of the store takes ~0.1-0.5 s at
    340,000 reports; both sides digest them in buckets of event_id first (a hash per
    bucket, computed by DuckDB), and only the reports of the buckets that differ -- a new
    or moved report, or one the snapshot leaves out (rejected in a review) -- are compared.
    """
    n = DIGEST_BUCKETS
    store = {b: (d, c) for b, d, c in conn.execute(_DIGEST.format(n=n, table="incidents")).fetchall()}
    snap = {b: (d, c) for b, d, c in mem.execute(_DIGEST.format(n=n, table="v_incidents")).fetchall()}
    buckets = sorted(b for b in store.keys() | snap.keys() if store.get(b) != snap.get(b))
    if not buckets:
        return []
    pairs = conn.sql(f"SELECT event_id, cluster_id FROM incidents WHERE hash(event_id) % {n} IN "
                     f"(SELECT unnest($1::UBIGINT[]))", params=[buckets]).to_arrow_table()
    mem.register("_fl_pairs", pairs)
    try:
        return [r[0] for r in mem.execute("""
            SELECT p.event_id FROM _fl_pairs p JOIN v_incidents v USING (event_id)
            WHERE p.cluster_id IS DISTINCT FROM v.cluster_id""").fetchall()]
    finally:
        mem.unregister("_fl_pairs")


def _follow(mem, conn, changed: list) -> bool:
    """:func:`follow_snapshot` once the articles stored since the snapshot are known (``changed``)."""
    moved = _moved(mem, conn)
    if not changed and not moved:
        return True                     # nothing the snapshot holds changed
    which = "(article_id IN (SELECT unnest($1::VARCHAR[])) OR event_id IN (SELECT unnest($2::VARCHAR[])))"
    by_article = "article_id IN (SELECT unnest($1::VARCHAR[]))"
    fresh = {
        "v_incidents": (f"SELECT * FROM ({SNAPSHOT_TABLES['v_incidents']}) WHERE {which}", [changed, moved]),
        "v_diplomacy": (f"SELECT * FROM ({SNAPSHOT_TABLES['v_diplomacy']}) WHERE {by_article}", [changed]),
        "articles": (f"SELECT * FROM ({SNAPSHOT_TABLES['articles']}) WHERE {by_article}", [changed]),
    }
    tables = {name: conn.sql(sql, params=params).to_arrow_table() for name, (sql, params) in fresh.items()}
    mem.begin()
    try:
        mem.execute(f"CREATE TEMP TABLE _fl_fids AS SELECT DISTINCT coalesce(cluster_id, event_id) AS fid "
                    f"FROM v_incidents WHERE {which}", [changed, moved])
        mem.execute(f"DELETE FROM v_incidents WHERE {which}", [changed, moved])
        for name in ("v_diplomacy", "articles"):
            mem.execute(f"DELETE FROM {name} WHERE {by_article}", [changed])
        for name, table in tables.items():
            mem.register("_fl_fresh", table)
            mem.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _fl_fresh")
            mem.unregister("_fl_fresh")
        mem.execute(f"INSERT INTO _fl_fids SELECT DISTINCT coalesce(cluster_id, event_id) FROM v_incidents "
                    f"WHERE {which}", [changed, moved])
        mem.execute(f"DELETE FROM {EVENT_FIGURES} WHERE fid IN (SELECT fid FROM _fl_fids)")
        affected = "(SELECT * FROM v_incidents WHERE coalesce(cluster_id, event_id) IN (SELECT fid FROM _fl_fids))"
        mem.execute(f"INSERT INTO {EVENT_FIGURES} BY NAME {event_figures_sql(affected)}")
        for table in (EVENT_SOURCES, EVENT_SPREAD):
            mem.execute(f"DELETE FROM {table} WHERE fid IN (SELECT fid FROM _fl_fids)")
        mem.execute(f"INSERT INTO {EVENT_SOURCES} BY NAME {event_sources_sql(affected)}")
        mem.execute(f"INSERT INTO {EVENT_SPREAD} BY NAME "
                    f"{event_spread_sql(f'(SELECT * FROM {EVENT_SOURCES} WHERE fid IN (SELECT fid FROM _fl_fids))')}")
        mem.execute("DROP TABLE _fl_fids")
        mem.commit()
    except BaseException:
        mem.rollback()
        raise
    return True
