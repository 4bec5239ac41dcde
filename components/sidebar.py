"""The sidebar filters shared by every page, kept in the URL query (shareable views)."""
from __future__ import annotations

import streamlit as st

import datetime as dt

from frontline.queries import AREAS, SIDES, Filters, _QP

from . import data

# widget key -> Filters field
_KEYS = {"flt_sides": "sides", "flt_types": "event_types", "flt_actors": "actors",
         "flt_outlets": "outlets", "flt_articles": "article_ids", "flt_dtypes": "dip_types",
         "flt_parties": "parties"}


AREA_LABELS = {"aleppo": "Aleppo city and governorate", "syria": "All of Syria and beyond"}
AREA_SHORT = {"aleppo": "Aleppo", "syria": "All Syria"}
SIDE_LABELS = {"east": "East (rebel-held)", "west": "West (government-held)",
               "city": "Aleppo, side unknown", "outside": "Outside the city"}


def _values(v) -> list:
    if isinstance(v, (list, tuple)):
        v = ",".join(str(x) for x in v)
    return [x.strip() for x in str(v or "").split(",") if x.strip()]


def url_notices(qp: dict, options: dict, known_articles=()) -> list:
    """One line per value of the URL query the dashboard cannot use (a bad date, a side or type
    the store does not know...), so a mistyped link does not silently show something else."""
    out = []
    lo, hi = options.get("date_min"), options.get("date_max")
    for key in ("from", "to"):
        if key in qp:
            raw = _values(qp[key])
            raw = raw[0] if raw else ""
            try:
                d = dt.date.fromisoformat(raw)
            except ValueError:
                out.append(f"{key}={raw!s}: not a date (YYYY-MM-DD); ignored")
                continue
            if lo and hi and not (lo <= d <= hi):
                out.append(f"{key}={raw}: outside the store's dates ({lo} to {hi}); clipped")
    allowed = {"side": ("side", list(SIDES)), "type": ("event type", options.get("event_types", [])),
               "actor": ("perpetrator", options.get("actors", [])),
               "outlet": ("outlet", options.get("outlets", [])),
               "article": ("article", list(known_articles)),
               "dtype": ("diplomatic event type", options.get("dip_types", [])),
               "party": ("party", options.get("parties", [])), "area": ("area", list(AREAS))}
    for key, (what, ok) in allowed.items():
        if key in qp:
            bad = [v for v in _values(qp[key]) if v not in ok]
            if bad:
                out.append(f"{key}={','.join(bad)}: no such {what} in the store; ignored")
    unknown = sorted(k for k in qp if k not in set(_QP.values()))
    if unknown:
        out.append(f"{', '.join(unknown)}: not a filter of this dashboard; ignored")
    return out


def initial_state(qp: dict, options: dict, known_articles=(), scope: dict | None = None) -> dict:
    """Widget values for a new session from the URL query, dropping values the store lacks
    (``known_articles``: those of the query's article ids the store holds).  A URL with no
    filter at all opens on ``scope`` (``queries.default_scope``: the theatre and its densest
    period)."""
    f = Filters.from_query_params(qp)
    lo, hi = options.get("date_min"), options.get("date_max")
    state = {}
    if scope and not any(k in qp for k in _QP.values()) and scope.get("date_from"):
        f = f.with_(area="aleppo", date_from=scope["date_from"], date_to=scope["date_to"])
    state["flt_area"] = f.area or "syria"
    if lo and hi:
        a = max(f.date_from or lo, lo)
        b = min(f.date_to or hi, hi)
        if a > b:
            a, b = lo, hi
        state["flt_dates"] = (a, b)
    allowed = {"flt_sides": list(SIDES), "flt_types": options.get("event_types", []),
               "flt_actors": options.get("actors", []), "flt_outlets": options.get("outlets", []),
               "flt_articles": list(known_articles),
               "flt_dtypes": options.get("dip_types", []), "flt_parties": options.get("parties", [])}
    for key, field in _KEYS.items():
        state[key] = [v for v in getattr(f, field) if v in allowed[key]]
    return state


def filters_from_state(state, options: dict) -> Filters:
    """The Filters the widgets describe; the full date range counts as no date filter."""
    kw = {field: tuple(state.get(key) or ()) for key, field in _KEYS.items()}
    kw["area"] = state.get("flt_area") or "syria"
    dates = state.get("flt_dates")
    if dates:
        dates = tuple(dates)
        a = dates[0] if len(dates) > 0 else None
        b = dates[1] if len(dates) > 1 else None
        if a and a != options.get("date_min"):
            kw["date_from"] = a
        if b and b != options.get("date_max"):
            kw["date_to"] = b
    return Filters(**kw)


ARTICLE_MATCHES = 50      # articles offered at once by the article filter's search


def article_filter(sb, options: dict) -> None:
    """Article filter for stores of any size: a search box offers matching articles (never the
    whole list); the chosen ones stay in the selection while the search changes."""
    ss = st.session_state
    chosen = tuple(ss.get("flt_articles") or ())
    n = options.get("n_articles", 0)
    term = sb.text_input("Find articles", key="flt_article_search", placeholder=f"Title or id ({n:,} articles)",
                         help="Type part of a title or id; pick articles below to show only their events")
    found = data.q("article_search", None, term=term or "", limit=ARTICLE_MATCHES)
    titles = data.q("article_titles", None, article_ids=chosen) | dict(zip(found["article_id"], found["title"]))
    offered = list(chosen) + [a for a in found["article_id"] if a not in chosen]
    sb.multiselect("Article", offered, key="flt_articles", placeholder="All articles",
                   format_func=lambda a: (titles.get(a) or a)[:60])


def render() -> Filters:
    """Draw the filters; return the Filters and mirror them into st.query_params."""
    options = data.q("filter_options")
    scope = data.q("default_scope")
    ss = st.session_state
    if "flt_init" not in ss:
        qp = st.query_params.to_dict() | {k: st.query_params.get_all(k) for k in st.query_params}
        wanted = Filters.from_query_params(qp).article_ids
        known = data.q("article_titles", None, article_ids=wanted) if wanted else {}
        for k, v in initial_state(qp, options, known, scope).items():
            ss.setdefault(k, v)
        ss["flt_notices"] = url_notices(qp, options, known)
        ss["flt_init"] = True
    sb = st.sidebar
    lo, hi = options.get("date_min"), options.get("date_max")
    ss.setdefault("flt_area", "syria")
    if ss.get("flt_goto_all"):            # the "All of Syria, all dates" button (before the widgets)
        ss.pop("flt_goto_all")
        ss["flt_area"] = "syria"
        if lo and hi:
            ss["flt_dates"] = (lo, hi)
    if ss.get("flt_goto_theatre") and scope.get("date_from"):
        ss.pop("flt_goto_theatre")
        ss["flt_area"] = "aleppo"
        ss["flt_dates"] = (max(lo, scope["date_from"]), min(hi, scope["date_to"]))
    sb.markdown("### Filters")
    sb.segmented_control("Where", list(AREAS), key="flt_area", format_func=AREA_SHORT.get,
                         help="Aleppo city and governorate (the theatre), or every event in the store")
    if lo and hi:
        ss.setdefault("flt_dates", (lo, hi))
        sb.date_input("Dates", min_value=lo, max_value=hi, key="flt_dates",
                      format="YYYY-MM-DD", help="Events by the day they happened")
    sb.multiselect("Side", list(SIDES), key="flt_sides", placeholder="All sides",
                   format_func=lambda v: SIDE_LABELS.get(v, v),
                   help="east = rebel-held, west = government-held, city = side unknown or "
                        "Sheikh Maqsoud, outside = outside Aleppo city")
    sb.multiselect("Event type", options["event_types"], key="flt_types", placeholder="All types")
    sb.multiselect("Perpetrator", options["actors"], key="flt_actors", placeholder="All actors")
    sb.multiselect("Outlet", options["outlets"], key="flt_outlets", placeholder="All outlets")
    article_filter(sb, options)
    with sb.expander("Diplomacy filters"):
        st.multiselect("Diplomatic event type", options["dip_types"], key="flt_dtypes",
                       placeholder="All types")
        st.multiselect("Party", options["parties"], key="flt_parties", placeholder="All parties")
    f = filters_from_state(ss, options)
    # keep the view in the URL so it can be shared or bookmarked
    wanted = f.to_query_params()
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
    counts = data.q("shown_hidden", f)
    sb.caption(
        f"Showing **{counts['incidents_shown']:,}** of {counts['incidents_total']:,} incident reports "
        f"({counts['incidents_total'] - counts['incidents_shown']:,} hidden) and "
        f"**{counts['diplomacy_shown']:,}** of {counts['diplomacy_total']:,} diplomatic events; "
        f"{counts['articles_total']:,} articles in the store.")
    if not f.is_empty and sb.button("Clear filters", key="flt_clear",
                                    help="Every event in the store: all of Syria, all dates"):
        for k in list(_KEYS) + ["flt_dates"]:
            ss.pop(k, None)
        ss["flt_goto_all"] = True
        st.rerun()
    return f


def scope_line(f: Filters, scope: dict, options: dict) -> str:
    """What the page shows, in words: the area and the period, and why it opened there."""
    where = AREA_LABELS["aleppo"] if f.area == "aleppo" else AREA_LABELS["syria"]
    lo, hi = options.get("date_min"), options.get("date_max")
    a, b = f.date_from or lo, f.date_to or hi
    when = f"{a:%d %b %Y} – {b:%d %b %Y}" if a and b else "all dates"
    line = f"**{where}** · **{when}**"
    sa = max(lo, scope["date_from"]) if lo and scope.get("date_from") else None
    sb = min(hi, scope["date_to"]) if hi and scope.get("date_to") else None
    if f.area == "aleppo" and sa and (a, b) == (sa, sb):
        line += (f" — where the store's Aleppo events are densest: the shortest run of months "
                 f"holding {scope['share']:.0%} of them ({scope['events']:,} of {scope['events_total']:,} events)")
    return line


def banner(f: Filters) -> None:
    """Above every page: what is shown (area, period), one click to everything or back to the
    theatre, and any URL value that could not be used."""
    ss = st.session_state
    options = data.q("filter_options")
    scope = data.q("default_scope")
    # less empty space above the page, so a map or chart and its legend fit one screen
    st.html("<style>[data-testid='stMainBlockContainer']{padding-top:4.6rem}</style>")
    for n in ss.get("flt_notices") or []:
        st.warning(f"Link: {n}", icon=":material/link_off:")
    c = st.columns([6, 1.3], vertical_alignment="center")
    c[0].markdown(scope_line(f, scope, options))
    everything = f.area != "aleppo" and not f.date_from and not f.date_to
    if not everything:
        if c[1].button("All of Syria, all dates", key="flt_all", width="stretch"):
            ss["flt_goto_all"] = True
            st.rerun()
    elif scope.get("date_from"):
        if c[1].button("Back to Aleppo", key="flt_theatre", width="stretch",
                       help="Aleppo city and governorate, in the period its events are densest"):
            ss["flt_goto_theatre"] = True
            st.rerun()

