"""The store's schema: every table's columns (the single source of the DDL, the Arrow schemas and
docs/SCHEMA.md), the reviewed views, and creating them idempotently."""
from __future__ import annotations

from typing import Sequence

import pyarrow as pa

from .errors import rollback


# (column, SQL type, meaning); the single source of the DDL, the Arrow schemas
# and docs/SCHEMA.md (see schema_markdown()).

_EVENT_DATE_COLUMNS = [
    ("event_date", "VARCHAR", "when it happened: YYYY-MM-DD, YYYY-MM, or NULL if unresolved"),
    ("date_precision", "VARCHAR", "day | month | unknown"),
    ("day", "DATE", "event_date as a date when it is day-precise, else NULL"),
]
_EVIDENCE_COLUMNS = [
    ("evidence", "VARCHAR", "the sentence(s) the event was read from, joined by spaces"),
    ("evidence_start", "INTEGER", "character offset of the first evidence sentence in the article text"),
    ("evidence_end", "INTEGER", "end offset (exclusive) of the first evidence sentence"),
    ("evidence_spans", "JSON", "every evidence sentence as [[start, end], ...] offsets into the article text"),
]

SCHEMA: dict = {
    "articles": [
        ("article_id", "VARCHAR PRIMARY KEY", "the file's stem, FA-KES unit_id, or the id column"),
        ("title", "VARCHAR", "headline (metadata, else the first line of the text)"),
        ("source", "VARCHAR", "publishing outlet (CNN, sana, alaraby, ...)"),
        ("url", "VARCHAR", "where it was published, if known"),
        ("published", "DATE", "publication date; NULL when unknown (relative dates then stay unresolved)"),
        ("published_from", "VARCHAR", "where published came from: dateline (the text's own), metadata, or empty"),
        ("n_chars", "INTEGER", "length of the text in characters"),
        ("content_hash", "VARCHAR", "sha256 of the normalised text (NFKC, case-folded, white space collapsed)"),
        ("duplicate_of", "VARCHAR", "article_id of an earlier article with the same text, else NULL"),
        ("text", "VARCHAR", "the article text; evidence offsets index into it"),
        ("ingested_at", "TIMESTAMP DEFAULT current_timestamp", "when the article was last ingested"),
        ("source_id", "VARCHAR", "the id in the input; article_id is <source_id>~2, ~3 ... for a second, "
                                 "third different text under one id in one ingest"),
    ],
    "incidents": [
        ("event_id", "VARCHAR PRIMARY KEY", "<article_id>:i<n>, n = 1, 2, ... in extraction order"),
        ("article_id", "VARCHAR", "the article it was read from"),
        ("outlet", "VARCHAR", "the article's source (publishing outlet)"),
        *_EVENT_DATE_COLUMNS,
        ("event_type", "VARCHAR", "airstrike | shelling | bombing | clashes | chemical | violence_against_civilians | other"),
        ("actor", "VARCHAR", "perpetrator: government | russia | rebels | isis | coalition | kurdish | turkey | NULL"),
        ("side", "VARCHAR", "east | west | city | outside | NULL (where, relative to Aleppo's front line)"),
        ("location", "VARCHAR", "the most precise place named (canonical gazetteer name)"),
        ("place_id", "VARCHAR", "gazetteer id of location"),
        ("lat", "DOUBLE", "latitude (WGS84) of location"),
        ("lon", "DOUBLE", "longitude (WGS84) of location"),
        ("geo_precision", "VARCHAR", "neighbourhood | site | town | side | city | governorate | country"),
        ("killed", "BIGINT", "people killed (best figure); NULL when not stated or vague"),
        ("killed_low", "BIGINT", "lower bound of killed"),
        ("killed_high", "BIGINT", "upper bound of killed (NULL when open-ended)"),
        ("killed_qualifier", "VARCHAR", "exact | at_least | more_than | up_to | nearly | about | vague"),
        ("injured", "BIGINT", "people injured (best figure)"),
        ("injured_low", "BIGINT", "lower bound of injured"),
        ("injured_high", "BIGINT", "upper bound of injured"),
        ("children_killed", "BIGINT", "children among the killed"),
        ("women_killed", "BIGINT", "women among the killed"),
        ("source", "VARCHAR", "who the article attributes the figures to (SOHR, White Helmets, SANA, ...)"),
        ("implausible", "BOOLEAN", "a toll too large to be one incident: kept, flagged, not summed"),
        *_EVIDENCE_COLUMNS,
        ("cluster_id", "VARCHAR", "fused event this report belongs to (same incident across articles)"),
    ],
    "claims": [
        ("event_id", "VARCHAR", "the incident the claim belongs to"),
        ("claim_no", "INTEGER", "1, 2, ... within the incident"),
        ("article_id", "VARCHAR", "the article it was read from"),
        ("source", "VARCHAR", "who gives these figures"),
        ("killed", "BIGINT", "killed according to this source"),
        ("killed_low", "BIGINT", "lower bound"),
        ("killed_high", "BIGINT", "upper bound"),
        ("killed_qualifier", "VARCHAR", "exact | at_least | more_than | up_to | nearly | about | vague"),
        ("injured", "BIGINT", "injured according to this source"),
        ("injured_low", "BIGINT", "lower bound"),
        ("injured_high", "BIGINT", "upper bound"),
        ("children_killed", "BIGINT", "children among the killed"),
        ("women_killed", "BIGINT", "women among the killed"),
        ("evidence", "VARCHAR", "the sentence stating the figures"),
        ("evidence_start", "INTEGER", "its start offset in the article text"),
        ("evidence_end", "INTEGER", "its end offset (exclusive)"),
    ],
    "diplomacy": [
        ("event_id", "VARCHAR PRIMARY KEY", "<article_id>:d<n>, n = 1, 2, ... in extraction order"),
        ("article_id", "VARCHAR", "the article it was read from"),
        ("outlet", "VARCHAR", "the article's source (publishing outlet)"),
        *_EVENT_DATE_COLUMNS,
        ("event_type", "VARCHAR", "meeting | call | un_action | visit | agreement | proposal | accusation"),
        ("actors", "VARCHAR[]", "the parties, normalised (United States, Russia, United Nations, ...)"),
        ("location", "VARCHAR", "city where it happens, if stated"),
        ("status", "VARCHAR", "happened | scheduled | cancelled"),
        *_EVIDENCE_COLUMNS,
        ("cluster_id", "VARCHAR", "fused diplomatic event (same event across articles), if computed"),
    ],
    "fused_incidents": [
        ("cluster_id", "VARCHAR PRIMARY KEY", "id of the fused event"),
        ("day", "DATE", "day of the event"),
        ("event_type", "VARCHAR", "event type agreed by the reports"),
        ("actor", "VARCHAR", "perpetrator agreed by the reports (contested: see grade)"),
        ("side", "VARCHAR", "east | west | city | outside"),
        ("location", "VARCHAR", "most precise place named by the reports"),
        ("lat", "DOUBLE", "latitude"),
        ("lon", "DOUBLE", "longitude"),
        ("killed_low", "BIGINT", "lowest killed figure across claims"),
        ("killed_best", "BIGINT", "best killed figure across claims"),
        ("killed_high", "BIGINT", "highest killed figure across claims"),
        ("injured_low", "BIGINT", "lowest injured figure"),
        ("injured_best", "BIGINT", "best injured figure"),
        ("injured_high", "BIGINT", "highest injured figure"),
        ("children_killed", "BIGINT", "children among the killed (best)"),
        ("n_articles", "INTEGER", "number of articles reporting it"),
        ("n_outlets", "INTEGER", "number of distinct outlets reporting it"),
        ("outlets", "VARCHAR[]", "the outlets"),
        ("grade", "VARCHAR", "single source | corroborated | contested (in the spirit of Airwars)"),
        ("event_ids", "VARCHAR[]", "the per-article incidents fused into it"),
    ],
    "reviews": [
        ("review_id", "BIGINT PRIMARY KEY", "1, 2, ... in the order reviews were made"),
        ("event_id", "VARCHAR NOT NULL", "the reviewed event (extracted or added)"),
        ("kind", "VARCHAR NOT NULL", "incident | diplomacy"),
        ("action", "VARCHAR NOT NULL", "edit | reject | restore | add"),
        ("field", "VARCHAR", "edited field (edit only)"),
        ("old_value", "VARCHAR", "the value before the edit (as shown, reviews applied), as text"),
        ("new_value", "VARCHAR", "the new value as text (lists as JSON; added events: the record as JSON)"),
        ("who", "VARCHAR NOT NULL", "the analyst"),
        ("at", "TIMESTAMP NOT NULL DEFAULT current_timestamp", "when"),
    ],
}
_ADDED_EXTRA = [("added_by", "VARCHAR", "analyst who added the event"),
                ("added_at", "TIMESTAMP DEFAULT current_timestamp", "when it was added")]
SCHEMA["added_incidents"] = list(SCHEMA["incidents"]) + _ADDED_EXTRA
SCHEMA["added_diplomacy"] = list(SCHEMA["diplomacy"]) + _ADDED_EXTRA

# the store's own bookkeeping (frontline.store.migrations): not data, not exported, not counted
META_SCHEMA: dict = {
    "schema_version": [
        ("version", "INTEGER NOT NULL", "schema version reached by this step (frontline.store.migrations)"),
        ("applied_at", "TIMESTAMP", "when the step ran"),
        ("note", "VARCHAR", "what the step did"),
    ],
    "store_state": [
        ("key", "VARCHAR PRIMARY KEY", "ddl: fingerprint of the schema the store was set up with; "
                                       "fusion_pending: an ingest wrote articles whose fusion has not run; "
                                       "fusion_seeds: fusion_seeds covers every fused incident"),
        ("value", "VARCHAR", "its value"),
    ],
    "fusion_seeds": [
        ("event_id", "VARCHAR", "an incident (incidents.event_id)"),
        ("seed", "VARCHAR", "when fusion reached the incident's day: the first event_id of the reports "
                            "already joined to it (frontline.fusion.store_fusion fuses again from there)"),
        ("seed_next", "VARCHAR", "the same when fusion reached the next day, if a report of that day was "
                                 "joined to it by then"),
    ],
    "fusion_stale": [
        ("cluster_id", "VARCHAR", "a fused event that lost reports (their article was stored again) since "
                                  "the last fusion, which fuses its days again and empties this table"),
    ],
}

INDEXES = [("incidents", "day"), ("incidents", "side"), ("incidents", "article_id"),
           ("claims", "event_id"), ("claims", "article_id"),
           ("diplomacy", "day"), ("diplomacy", "article_id"), ("articles", "content_hash")]
EVENT_TABLES = ("incidents", "claims", "diplomacy")
VIEWS = ("v_incidents", "v_incidents_all", "v_diplomacy", "v_diplomacy_all")
READABLE = tuple(SCHEMA) + VIEWS

_ARROW = {"VARCHAR": pa.string(), "JSON": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
          "DOUBLE": pa.float64(), "DATE": pa.date32(), "BOOLEAN": pa.bool_(),
          "VARCHAR[]": pa.list_(pa.string()), "TIMESTAMP": pa.timestamp("us")}


def _base_type(sql_type: str) -> str:
    return sql_type.split(" ")[0]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def arrow_schema(table: str, skip: Sequence = ()) -> pa.Schema:
    return pa.schema([(n, _ARROW[_base_type(t)]) for n, t, _ in SCHEMA[table] if n not in skip])


def schema_markdown() -> str:
    """docs/SCHEMA.md: one table per store table (column, type, meaning)."""
    out = ["# Frontline data schema", "",
           "Generated from `frontline.store.SCHEMA` (`python -c 'from frontline.store import "
           "schema_markdown; print(schema_markdown())'`).", "",
           "Views: `v_incidents` / `v_diplomacy` are `incidents` / `diplomacy` plus the analyst-added "
           "events, with the latest edit of each field applied and rejected events hidden; they add the "
           "columns `added` (analyst-added) and `reviewed` (has an edit). `v_incidents_all` / "
           "`v_diplomacy_all` keep rejected events, flagged `rejected`.", ""]
    for table, cols in {**SCHEMA, **META_SCHEMA}.items():
        out += [f"## `{table}`", "", "| column | type | meaning |", "|---|---|---|"]
        for name, sql_type, meaning in cols:
            cell = meaning.replace("|", "&#124;").replace("<", "&lt;").replace(">", "&gt;")
            out.append(f"| `{name}` | {_base_type(sql_type)} | {cell} |")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- views

# editable fields and their SQL types (the view casts the review's text to them)
EDITABLE = {
    "incident": {n: _base_type(t) for n, t, _ in SCHEMA["incidents"]
                 if n not in ("event_id", "article_id", "outlet", "day", "evidence", "evidence_start",
                              "evidence_end", "evidence_spans", "cluster_id")},
    "diplomacy": {n: _base_type(t) for n, t, _ in SCHEMA["diplomacy"]
                  if n not in ("event_id", "article_id", "outlet", "day", "evidence", "evidence_start",
                               "evidence_end", "evidence_spans", "cluster_id")},
}
KIND_TABLE = {"incident": "incidents", "diplomacy": "diplomacy"}
ACTIONS = ("edit", "reject", "restore", "add")


def _cast(expr: str, sql_type: str) -> str:
    if sql_type == "VARCHAR":
        return expr
    if sql_type == "VARCHAR[]":
        return f"TRY_CAST(TRY_CAST({expr} AS JSON) AS VARCHAR[])"
    return f"TRY_CAST({expr} AS {sql_type})"


def _view_sql(kind: str) -> str:
    table = KIND_TABLE[kind]
    cols = [n for n, _, _ in SCHEMA[table]]
    editable = EDITABLE[kind]
    pivots = ",\n".join(
        f"bool_or(field = '{f}') AS {_q('has_' + f)}, "
        f"max(new_value) FILTER (WHERE field = '{f}') AS {_q('nv_' + f)}" for f in editable)
    select = []
    for c in cols:
        if c in editable:
            select.append(f"CASE WHEN p.{_q('has_' + c)} THEN {_cast('p.' + _q('nv_' + c), editable[c])} "
                          f"ELSE u.{_q(c)} END AS {_q(c)}")
        elif c == "day":
            select.append("CASE WHEN p.has_event_date THEN TRY_CAST(CASE WHEN length(p.nv_event_date) = 10 "
                          "THEN p.nv_event_date END AS DATE) ELSE u.day END AS day")
        else:
            select.append(f"u.{_q(c)}")
    # an edited date without an edited precision gets the precision its form implies
    select = [s if not s.endswith('AS "date_precision"') else
              "CASE WHEN p.has_date_precision THEN p.nv_date_precision "
              "WHEN p.has_event_date THEN CASE length(coalesce(p.nv_event_date, '')) WHEN 10 THEN 'day' "
              "WHEN 7 THEN 'month' ELSE 'unknown' END ELSE u.date_precision END AS date_precision"
              for s in select]
    col_list = ", ".join(_q(c) for c in cols)
    return f"""
    WITH u AS (
        SELECT {col_list}, FALSE AS added FROM {table}
        UNION ALL
        SELECT {col_list}, TRUE AS added FROM added_{table}
    ), latest_edit AS (
        SELECT event_id, field, new_value,
               row_number() OVER (PARTITION BY event_id, field ORDER BY review_id DESC) AS rn
        FROM reviews WHERE kind = '{kind}' AND action = 'edit'
    ), p AS (
        SELECT event_id,
        {pivots}
        FROM latest_edit WHERE rn = 1 GROUP BY event_id
    ), status AS (
        SELECT event_id, arg_max(action, review_id) = 'reject' AS rejected
        FROM reviews WHERE kind = '{kind}' AND action IN ('reject', 'restore') GROUP BY event_id
    )
    SELECT {", ".join(select)}, u.added, (p.event_id IS NOT NULL) AS reviewed,
           coalesce(s.rejected, FALSE) AS rejected
    FROM u LEFT JOIN p ON p.event_id = u.event_id LEFT JOIN status s ON s.event_id = u.event_id
    """


# --------------------------------------------------------------------------- connect

def _ddl(table: str) -> str:
    cols = ", ".join(f"{_q(n)} {t}" for n, t, _ in {**SCHEMA, **META_SCHEMA}[table])
    return f"CREATE TABLE IF NOT EXISTS {table} ({cols})"


def create_tables(conn) -> None:
    """Create missing tables, columns and indexes (in the caller's transaction; nothing dropped)."""
    tables = {**SCHEMA, **META_SCHEMA}
    for table in tables:
        conn.execute(_ddl(table))
    existing = {}
    for t, c in conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                             "WHERE table_schema = 'main' AND table_catalog = current_database()").fetchall():
        existing.setdefault(t, set()).add(c)
    for table, cols in tables.items():
        for name, sql_type, _ in cols:
            if name not in existing.get(table, {name}):
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {_q(name)} "
                             f"{sql_type.replace(' PRIMARY KEY', '').replace(' NOT NULL', '')}")
    for table, col in INDEXES:
        conn.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_{col} ON {table}({_q(col)})")


def create_views(conn) -> None:
    """(Re)create the reviewed views (in the caller's transaction)."""
    for kind in KIND_TABLE:
        table = KIND_TABLE[kind]
        conn.execute(f"CREATE OR REPLACE VIEW v_{table}_all AS {_view_sql(kind)}")
        conn.execute(f"CREATE OR REPLACE VIEW v_{table} AS "
                     f"SELECT * EXCLUDE (rejected) FROM v_{table}_all WHERE NOT rejected")


def ensure_schema(conn) -> None:
    """Create missing tables, columns, indexes, and (re)create the views, in one transaction
    (what :func:`frontline.store.migrations.upgrade` runs when the code's schema changed)."""
    conn.begin()
    try:
        create_tables(conn)
        create_views(conn)
        conn.commit()
    except BaseException:
        rollback(conn)
        raise

