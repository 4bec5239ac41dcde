"""Shared pieces of the pages: colours, error wrapper, selection mapping, evidence jumps.

The pure helpers here (selection → event ids, highlighted HTML) are tested
without a browser in tests/test_app.py.
"""
from __future__ import annotations

import functools
import html
import logging
from typing import Any, Callable, Iterable, Optional

import streamlit as st

from frontline import labels as _labels

log = logging.getLogger("frontline.app")

# colour-blind friendly, readable on a projector
SIDE_COLOURS = {"east": "#c0392b", "west": "#1f5fa8", "city": "#7d3c98", "outside": "#6e7781",
                "unknown": "#b0b7bf", "all": "#14171a"}
# one palette for actors and sources (frontline.labels), the same in the briefing
ACTOR_COLOURS = {a: _labels.colour(a) for a in ("government", "russia", "rebels", "isis", "coalition",
                                                 "kurdish", "turkey", "unknown")}
FIELD_COLOURS = {"date": "#fde2a7", "killed": "#f7b5b0", "injured": "#fbd3a6",
                 "children": "#f5b3d8", "actor": "#bcd8f5", "place": "#c8ecc1",
                 "source": "#e3d3f5", "sentence": "#f2f4f7"}
DIPLO_SYMBOLS = {"meeting": "circle", "call": "diamond", "un_action": "square",
                 "visit": "triangle-up", "agreement": "star", "proposal": "pentagon",
                 "accusation": "x", "other": "hexagon"}


# every text the pages draw may hold a word of thousands of letters (a title, a place, a source):
# it wraps anywhere instead of stretching the page (tables and charts clip or cut on their own)
WRAP_CSS = """<style>
.stMain, .stSidebar, [data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"],
[data-testid="stText"], [data-testid="stAlert"], [data-testid="stExpander"], [data-testid="stMetric"],
[data-testid="stHeading"], [data-testid="stHtml"], .stMain h1, .stMain h2, .stMain h3, .stMain p,
.stMain li, .stMain td, .stMain th, .stMain label, .stMain mark {
  overflow-wrap: anywhere; word-break: break-word; min-width: 0;
}
/* a table's own "Download as CSV" writes cells as they are (a text starting with = runs as a formula
   in a spreadsheet): the Export page's CSV buttons write the same data neutralised */
[data-testid="stElementToolbar"] button[aria-label="Download as CSV"] { display: none !important; }
</style>"""


_FROZEN: list = []


def freeze_startup_objects() -> None:
    """Once per process, after the app's imports: move the objects alive then (modules, classes,
    plotly's validators: some hundred thousand) out of the garbage collector's full passes
    (``gc.freeze``). They live as long as the process anyway; without this every full pass walks
    them again, 50-80 ms landing in whichever rerun it falls on (measured at 100,000 incidents)."""
    if not _FROZEN:
        import gc
        gc.freeze()
        _FROZEN.append(gc.get_freeze_count())


def import_frozen(*names: str) -> None:
    """Import the modules ``names`` (once per process) and, when that made new ones, move what
    they made out of the collector's full passes as :func:`freeze_startup_objects` does for the
    app's own imports: the extractor, imported when a page first needs it, makes as many objects
    as plotly's validators, which every later full pass would walk again."""
    import importlib
    import sys
    new = [n for n in names if n not in sys.modules]
    for n in new:
        importlib.import_module(n)
    if new:
        import gc
        gc.collect()          # the garbage of the moment is not frozen with them
        gc.freeze()


def wrap_long_words() -> None:
    """The page-wide rule that wraps unbroken words (drawn once per run by app.py)."""
    st.html(WRAP_CSS)


def short(value: Any, limit: int = 80) -> str:
    """``value`` as text of at most ``limit`` characters, cut with an ellipsis: for tooltips and
    chart labels, which do not wrap."""
    if value is None:
        return ""
    s = " ".join(str(value).split())
    return s if len(s) <= limit else s[:max(1, limit - 1)].rstrip() + "…"


def hex_rgb(colour: str, alpha: int = 255) -> list:
    c = colour.lstrip("#")
    return [int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), alpha]


def _store_problem(exc: BaseException):
    """``frontline.store.explain_error`` for the dashboard's store (None if not a store problem)."""
    try:
        from frontline import store
        return store.explain_error(exc, store.default_db_path())
    except Exception:  # noqa: BLE001
        return None


def safe_page(fn: Callable) -> Callable:
    """Run a page body; an exception becomes one st.error line (logged), never a traceback."""
    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except Exception as exc:  # noqa: BLE001  (the page must not show a traceback)
            if type(exc).__name__ in ("RerunException", "StopException"):
                raise
            log.exception("page %s failed", fn.__name__)
            problem = _store_problem(exc)
            if problem is not None:       # a damaged store, a lock: the store's own one line
                st.error(str(problem).splitlines()[0])
                return
            st.error(f"This page could not be drawn: {type(exc).__name__}: "
                     f"{str(exc).splitlines()[0][:200] if str(exc) else 'no detail'}")
    return wrapper


# ----------------------------------------------------------------- selection → event ids

def _split_ids(v: Any) -> list:
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        out = []
        for x in v:
            out.extend(_split_ids(x))
        return out
    s = str(v)
    return [x for x in s.split("|") if x] if s and s != "nan" else []


BAR = "bar"   # first customdata item of an aggregate bar: ["bar", period start, side]


def _points(selection: Any) -> list:
    if not selection:
        return []
    sel = selection.get("selection", selection) if hasattr(selection, "get") else {}
    return (sel.get("points") if hasattr(sel, "get") else None) or []


def _customdata(p: dict) -> Any:
    return p.get("customdata", p.get("custom_data"))


def bar_key(period, side: str) -> list:
    """The customdata of an aggregate bar (its events are looked up when it is clicked)."""
    return [BAR, str(period)[:10], side]


def plotly_selected_keys(selection: Any, tag: str) -> list:
    """The (item 1, item 2) of every selected point whose customdata is ``[tag, a, b]``, once each."""
    out = []
    for p in _points(selection):
        cd = _customdata(p)
        if isinstance(cd, (list, tuple)) and len(cd) >= 3 and cd[0] == tag:
            key = (str(cd[1]), str(cd[2]))
            if key not in out:
                out.append(key)
    return out


def plotly_selected_bars(selection: Any) -> list:
    """(period start, side) of the aggregate bars selected in a plotly chart (see :func:`bar_key`)."""
    return plotly_selected_keys(selection, BAR)


def plotly_selected_ids(selection: Any) -> list:
    """Event ids of the points selected in a plotly chart.

    Traces carry ``customdata`` whose first item is an event id or a
    ``|``-joined list of ids; aggregate bars (:func:`bar_key`) are left to
    :func:`plotly_selected_bars`.
    """
    ids: list = []
    for p in _points(selection):
        cd = _customdata(p)
        if isinstance(cd, (list, tuple)):
            if cd and cd[0] == BAR:
                continue
            cd = cd[0] if cd else None
        for i in _split_ids(cd):
            if i not in ids:
                ids.append(i)
    return ids


def pydeck_selected_ids(selection: Any, layers: Iterable[str] = ()) -> list:
    """Event ids of the objects selected on a pydeck map (``objects[layer][i]['event_ids']``)."""
    if not selection:
        return []
    sel = selection.get("selection", selection) if hasattr(selection, "get") else {}
    objects = (sel.get("objects") if hasattr(sel, "get") else None) or {}
    ids: list = []
    wanted = set(layers)
    for layer, objs in objects.items():
        if wanted and layer not in wanted:
            continue
        for o in objs or []:
            for i in _split_ids(o.get("event_ids") or o.get("event_id")):
                if i not in ids:
                    ids.append(i)
    return ids


def dataframe_selected_ids(selection: Any, df, column: str = "event_id") -> list:
    """Event ids of the rows selected in st.dataframe(on_select=...)."""
    if not selection or df is None or len(df) == 0:
        return []
    sel = selection.get("selection", selection) if hasattr(selection, "get") else {}
    rows = (sel.get("rows") if hasattr(sel, "get") else None) or []
    ids = []
    for r in rows:
        if 0 <= r < len(df):
            ids.extend(_split_ids(df.iloc[r][column]))
    return ids


def open_evidence(ids: list, *, switch: bool = False, force: bool = False) -> None:
    """Remember the events to show on the Evidence page and go there if ``switch`` (only when
    the selection is new, so a table's standing selection does not trap the user) or ``force``."""
    if not ids:
        return
    changed = force or st.session_state.get("evidence_event_ids") != list(ids)
    st.session_state["evidence_event_id"] = ids[0]
    st.session_state["evidence_event_ids"] = list(ids)
    if switch and changed and "pages" in st.session_state.get("_frontline", {}):
        st.switch_page(st.session_state["_frontline"]["pages"]["evidence"])


def evidence_panel(events_df, *, key: str, title: str = "Evidence") -> None:
    """A compact list of the selected events' sentences with a button to the Evidence page."""
    if events_df is None or events_df.empty:
        return
    with st.container(border=True):
        st.markdown(f"**{title}** · {len(events_df)} event(s)")
        for _, r in events_df.head(8).iterrows():
            incident = r.get("kind", "incident") == "incident"
            day = r.get("day")
            what = " · ".join(x for x in (
                "" if _labels.blank(day) else str(day)[:10],
                _labels.label("event_type" if incident else "dip_type", r.get("event_type")),
                _labels.label("actor", r.get("who")) if incident else ("" if _labels.blank(r.get("who")) else str(r.get("who"))),
                _labels.label("outlet", r.get("outlet")) or ("" if _labels.blank(r.get("source")) else str(r.get("source"))))
                if x)
            st.caption(_labels.md(what))
            st.text(str(r.get("evidence") or ""))
        if st.button("Open in Evidence", key=f"{key}_open_evidence", icon=":material/article:"):
            open_evidence(list(events_df["event_id"]), switch=True, force=True)


# ----------------------------------------------------------------- long tables

def pager(n_rows: int, key: str, rows: int) -> int:
    """A page chooser when ``n_rows`` need more than one page of ``rows``; returns the 0-based page."""
    pages = max(1, -(-int(n_rows) // rows))
    if pages == 1:
        st.session_state.pop(key, None)
        return 0
    c = st.columns([1, 4], vertical_alignment="center")
    no = c[0].number_input("Page", min_value=1, max_value=pages, step=1, key=key)
    first = (int(no) - 1) * rows
    c[1].caption(f"Rows {first + 1:,}–{min(first + rows, n_rows):,} of {n_rows:,}, in day order; "
                 "narrow the filters to find an event sooner.")
    return int(no) - 1


# ----------------------------------------------------------------- highlighted article text

def highlight_segments(text: str, marks: list) -> list:
    """Split ``text`` into (segment, labels) pieces by the character ranges in ``marks``.

    ``marks`` is a list of ``(start, end, label)``; overlapping ranges give a
    piece the labels of all ranges covering it.  Out-of-range marks are clipped.
    """
    n = len(text)
    cuts = {0, n}
    clean = []
    for s, e, label in marks:
        s, e = max(0, int(s)), min(n, int(e))
        if s < e:
            clean.append((s, e, label))
            cuts.update((s, e))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        labels = [lab for s, e, lab in clean if s <= a and b <= e]
        out.append((text[a:b], labels))
    return out


def highlight_html(text: str, marks: list, *, selected: Optional[tuple] = None) -> str:
    """Escaped HTML of ``text`` with ``marks`` wrapped in coloured <mark> tags.

    Every text segment goes through :func:`html.escape`; only the tags this
    function writes are markup, so article text can never inject HTML.
    ``selected``: a (start, end) range outlined (the event jumped to).
    """
    parts = []
    for seg, labels in highlight_segments(text, marks):
        body = html.escape(seg).replace("\n", "<br>")
        if not labels:
            parts.append(body)
            continue
        # the most specific label (the last) decides the colour
        label = labels[-1]
        colour = FIELD_COLOURS.get(label.split(":")[0], "#eeeeee")
        title = html.escape(", ".join(dict.fromkeys(labels)), quote=True)
        parts.append(f'<mark style="background:{colour};padding:0 1px;border-radius:2px" '
                     f'title="{title}">{body}</mark>')
    out = "".join(parts)
    return ('<div style="font-size:1.05rem;line-height:1.7;max-width:60rem;'
            'white-space:normal">' + out + "</div>")


def legend_html() -> str:
    items = "".join(
        f'<span style="background:{c};padding:1px 6px;margin-right:6px;border-radius:3px">'
        f'{html.escape(k)}</span>' for k, c in FIELD_COLOURS.items())
    return f'<div style="font-size:0.9rem">{items}</div>'
