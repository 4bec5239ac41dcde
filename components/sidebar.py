"""The sidebar filters shared by every page, kept in the URL query (shareable views)."""
from __future__ import annotations

import streamlit as st

from frontline.queries import SIDES, Filters

from . import data

# widget key -> Filters field
_KEYS = {"flt_sides": "sides", "flt_types": "event_types", "flt_actors": "actors",
         "flt_outlets": "outlets", "flt_articles": "article_ids", "flt_dtypes": "dip_types",
         "flt_parties": "parties"}


def initial_state(qp: dict, options: dict, known_articles=()) -> dict:
    """Widget values for a new session from the URL query, dropping values the store lacks
    (``known_articles``: those of the query's article ids the store holds)."""
    f = Filters.from_query_params(qp)
    lo, hi = options.get("date_min"), options.get("date_max")
    state = {}
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
    ss = st.session_state
    if "flt_init" not in ss:
        qp = st.query_params.to_dict() | {k: st.query_params.get_all(k) for k in st.query_params}
        wanted = Filters.from_query_params(qp).article_ids
        known = data.q("article_titles", None, article_ids=wanted) if wanted else {}
        for k, v in initial_state(qp, options, known).items():
            ss.setdefault(k, v)
        ss["flt_init"] = True
    sb = st.sidebar
    sb.markdown("### Filters")
    lo, hi = options.get("date_min"), options.get("date_max")
    if lo and hi:
        ss.setdefault("flt_dates", (lo, hi))
        sb.date_input("Dates", min_value=lo, max_value=hi, key="flt_dates",
                      format="YYYY-MM-DD", help="Events by the day they happened")
    sb.multiselect("Side", list(SIDES), key="flt_sides", placeholder="All sides",
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
    if not f.is_empty and sb.button("Clear filters", key="flt_clear"):
        for k in list(_KEYS) + ["flt_dates"]:
            ss.pop(k, None)
        st.query_params.clear()
        st.rerun()
    return f

