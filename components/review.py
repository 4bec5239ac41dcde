"""Review: correct a field, reject an event, add a missed one; every change in the audit log.

Edits are persisted in the data editor's ``on_change`` callback from
``st.session_state[key]["edited_rows"]`` (the editor's output is never fed
back as its input), through ``frontline.store.record_review`` /
``add_event``, and committed before the page says "saved".
"""
from __future__ import annotations

import datetime as dt
import pandas as pd
import streamlit as st

from frontline import labels as L
from frontline.queries import DIPLOMACY_TYPES, INCIDENT_TYPES, SIDES

from . import data
from .common import pager, safe_page

ACTORS = ("government", "russia", "rebels", "isis", "coalition", "kurdish", "turkey")
EDITABLE = {  # field: converter of the editor's value to the stored text
    "day": lambda v: None if v in (None, "") or pd.isna(v) else str(pd.Timestamp(v).date()),
    "event_type": lambda v: v or None, "actor": lambda v: v or None, "side": lambda v: v or None,
    "location": lambda v: (str(v).strip() or None) if v is not None else None,
    "killed": lambda v: None if v is None or pd.isna(v) else int(v),
    "injured": lambda v: None if v is None or pd.isna(v) else int(v),
    "children_killed": lambda v: None if v is None or pd.isna(v) else int(v),
    "implausible": lambda v: bool(v),
    "source": lambda v: (str(v).strip() or None) if v is not None else None,
    "status": lambda v: v or None,
}
COLUMNS = ["reject", "event_id", "day", "event_type", "actor", "side", "location", "killed",
           "injured", "children_killed", "implausible", "source", "outlet", "evidence"]


def changes_from_editor(state: dict, df: pd.DataFrame) -> list:
    """Review actions from a data editor's state: [(action, event_id, field, value)] for edited
    rows, ("add", None, None, record) for added rows.  Unchanged values are dropped."""
    out = []
    for idx, changes in (state or {}).get("edited_rows", {}).items():
        idx = int(idx)
        if not 0 <= idx < len(df):
            continue
        row = df.iloc[idx]
        eid = row["event_id"]
        if changes.get("reject"):
            out.append(("reject", eid, None, None))
            continue
        for fld, val in changes.items():
            if fld not in EDITABLE:
                continue
            new = EDITABLE[fld](val)
            old = row.get(fld)
            old = None if old is None or (not isinstance(old, (list, tuple)) and pd.isna(old)) else old
            if fld == "day" and old is not None:
                old = str(pd.Timestamp(old).date())
            if new != old:
                out.append(("edit", eid, fld, new))
    for rec in (state or {}).get("added_rows", []):
        rec = {k: EDITABLE[k](v) for k, v in rec.items() if k in EDITABLE}
        if any(v not in (None, False) for v in rec.values()):
            out.append(("add", None, None, rec))
    return out


def _who() -> str:
    return (st.session_state.get("review_who") or "").strip() or "analyst"


def _added(row: dict) -> dict:
    """An editor's new row as the store takes it: the shown day is the event date, to the day."""
    rec = dict(row)
    if "day" in rec:
        rec["event_date"] = rec.pop("day")
    if rec.get("event_date"):
        rec["date_precision"] = "day"
    return rec


def _queue(kind: str, actions: list) -> None:
    """The store is held by another process (a command-line ingest): keep the changes in the
    journal beside it (frontline.store.journal), applied as soon as the store is free."""
    from frontline.store import journal
    ss = st.session_state
    for action, eid, fld, val in actions:
        if action == "add":
            journal.queue(data.db_path(), {"op": "add", "kind": kind, "record": _added(val), "who": _who(),
                                           "article_id": "manual"})
        else:
            journal.queue(data.db_path(), {"op": "review", "event_id": eid, "kind": kind, "action": action,
                                           "field": "event_date" if fld == "day" else fld,
                                           "new_value": None if val is None else val, "who": _who()})
    ss["review_msg"] = ("warning", f"The store is in use by another process (a command-line ingest?): your "
                                   f"{len(actions)} change(s) are kept on disk and will be saved as soon as it "
                                   "is free.")
    ss["review_gen"] = ss.get("review_gen", 0) + 1


def _apply(kind: str, editor_key: str, frame_key: str) -> None:
    """on_change callback: write the editor's changes to the store, then forget caches."""
    ss = st.session_state
    df = ss.get(frame_key)
    actions = changes_from_editor(ss.get(editor_key) or {}, df if df is not None else pd.DataFrame())
    if not actions:
        return
    try:
        from frontline.store import add_event, record_review
    except ImportError:
        ss["review_msg"] = ("error", "Saving reviews is not available: the store module is missing.")
        return
    try:
        c = data.conn()
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ != "StoreBusyError":
            ss["review_msg"] = ("error", f"Not saved: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
            return
        _queue(kind, actions)
        return
    done = 0
    try:
        for action, eid, fld, val in actions:
            if action == "add":
                add_event(c, kind, _added(val), who=_who(), article_id="manual")
            else:
                # the store derives `day` from `event_date`
                record_review(c, event_id=eid, kind=kind, action=action,
                              field="event_date" if fld == "day" else fld,
                              new_value=None if val is None else val, who=_who())
            done += 1
        ss["review_msg"] = ("success", f"Saved {done} change(s) at {dt.datetime.now():%H:%M:%S}.")
    except Exception as exc:  # noqa: BLE001  (one line, no traceback)
        ss["review_msg"] = ("error", f"Not saved ({done} of {len(actions)} done): "
                                     f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    finally:
        c.close()
        data.clear()
        # a new editor key so the widget starts from the stored values
        ss["review_gen"] = ss.get("review_gen", 0) + 1


def incident_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The editor's rows: editable fields keep their stored codes (the columns show labels through
    ``format_func``); the read-only outlet is shown by its name."""
    out = df.copy()
    out.insert(0, "reject", False)
    out["day"] = pd.to_datetime(out["day"]).dt.date
    out["implausible"] = out["implausible"].fillna(False).astype(bool)
    if "outlet" in out:
        out["outlet"] = [L.label("outlet", v) for v in out["outlet"]]
    return out[[c for c in COLUMNS if c in out.columns]].reset_index(drop=True)


def coded(kind: str, options, title: str, **kw):
    """A selectbox column whose cells hold codes and show their human labels."""
    return st.column_config.SelectboxColumn(title, options=list(options),
                                            format_func=lambda v, k=kind: L.label(k, v), **kw)


def _title(field: str) -> str:
    return L.label("column", field)


def audit_frame(log: pd.DataFrame) -> pd.DataFrame:
    """The review log for people: labelled columns and actions, blanks for missing values."""
    out = log.copy()
    if "field" in out:
        out["field"] = ["" if L.blank(v) else L.label("column", "day" if v == "event_date" else v)
                        for v in out["field"]]
    for col in ("old_value", "new_value", "who", "event_id"):
        if col in out:
            out[col] = ["" if L.blank(v) else str(v) for v in out[col]]
    if "kind" in out:
        out["kind"] = [{"incident": "Incident", "diplomacy": "Diplomatic event"}.get(v, "" if L.blank(v) else str(v))
                       for v in out["kind"]]
    if "action" in out:
        out["action"] = [{"edit": "Edited", "reject": "Rejected", "add": "Added"}.get(v, "" if L.blank(v) else str(v))
                         for v in out["action"]]
    return out.rename(columns={"at": "When", "who": "Who", "kind": "Kind", "action": "Change", "event_id": "Event",
                               "field": "Field", "old_value": "Was", "new_value": "Now"})


PAGE_ROWS = 200      # rows per page of the review tables


@safe_page
def page(filters) -> None:
    st.title("Review")
    ss = st.session_state
    st.text_input("Your name (recorded with every change)", key="review_who", max_chars=60)
    msg = ss.pop("review_msg", None)
    if msg:
        {"success": st.success, "warning": st.warning}.get(msg[0], st.error)(msg[1])
    gen = ss.get("review_gen", 0)
    tab_i, tab_d, tab_a = st.tabs(["Incidents", "Diplomatic events", "Audit log"])
    with tab_i:
        n_inc = data.q("shown_hidden", filters)["incidents_shown"]
        page_no = pager(n_inc, "review_inc_page", PAGE_ROWS)
        inc = data.q("incidents", filters, limit=PAGE_ROWS, offset=page_no * PAGE_ROWS)
        if inc.empty:
            st.info("No incidents in this period.")
        frame = incident_frame(inc) if not inc.empty else pd.DataFrame(columns=COLUMNS)
        ss["review_inc_frame"] = frame
        key = f"review_inc_{gen}_{page_no}"
        st.caption("Edit a cell to correct it, tick *reject* to hide an event, add a row at the "
                   "bottom for an incident the extractor missed. Changes are saved at once.")
        st.data_editor(
            frame, key=key, hide_index=True, width="stretch", num_rows="dynamic", height=480, placeholder="",
            on_change=_apply, args=("incident", key, "review_inc_frame"),
            disabled=["event_id", "outlet", "evidence"],
            column_config={
                "reject": st.column_config.CheckboxColumn("Reject", width="small"),
                "event_id": st.column_config.TextColumn(_title("event_id")),
                "day": st.column_config.DateColumn(_title("day"), format="YYYY-MM-DD"),
                "event_type": coded("event_type", INCIDENT_TYPES, _title("event_type"), width=130),
                "actor": coded("actor", ACTORS, _title("actor"), width=140),
                "side": coded("side", SIDES, _title("side"), width=170),
                "location": st.column_config.TextColumn(_title("location")),
                "killed": st.column_config.NumberColumn(_title("killed"), min_value=0, step=1, format="localized"),
                "injured": st.column_config.NumberColumn(_title("injured"), min_value=0, step=1, format="localized"),
                "children_killed": st.column_config.NumberColumn("Children", min_value=0, step=1),
                "implausible": st.column_config.CheckboxColumn("Implausible"),
                "source": st.column_config.TextColumn(_title("source")),
                "outlet": st.column_config.TextColumn(_title("outlet")),
                "evidence": st.column_config.TextColumn(_title("evidence"), width="large"),
            })
    with tab_d:
        n_dip = data.q("shown_hidden", filters)["diplomacy_shown"]
        dpage = pager(n_dip, "review_dip_page", PAGE_ROWS)
        dip = data.q("diplomacy_events", filters, limit=PAGE_ROWS, offset=dpage * PAGE_ROWS)
        if dip.empty:
            st.info("No diplomatic events in this period.")
        else:
            dframe = dip[["event_id", "day", "event_type", "actors", "location", "status", "evidence"]].copy()
            dframe.insert(0, "reject", False)
            dframe["day"] = pd.to_datetime(dframe["day"]).dt.date
            dframe = dframe.reset_index(drop=True)
            ss["review_dip_frame"] = dframe
            dkey = f"review_dip_{gen}_{dpage}"
            st.data_editor(
                dframe, key=dkey, hide_index=True, width="stretch", height=420, placeholder="",
                on_change=_apply, args=("diplomacy", dkey, "review_dip_frame"),
                disabled=["event_id", "actors", "evidence"],
                column_config={
                    "reject": st.column_config.CheckboxColumn("Reject", width="small"),
                    "event_id": st.column_config.TextColumn(_title("event_id")),
                    "day": st.column_config.DateColumn(_title("day"), format="YYYY-MM-DD"),
                    "event_type": coded("dip_type", DIPLOMACY_TYPES, _title("event_type")),
                    "actors": st.column_config.TextColumn(_title("actors")),
                    "location": st.column_config.TextColumn(_title("location")),
                    "status": coded("status", ("happened", "scheduled", "cancelled"), _title("status")),
                    "evidence": st.column_config.TextColumn(_title("evidence"), width="large"),
                })
    with tab_a:
        log = data.q("audit", None, limit=500)
        if log.empty:
            st.info("No changes yet.")
        else:
            st.dataframe(audit_frame(log), hide_index=True, placeholder="", width="stretch", key="review_audit")
