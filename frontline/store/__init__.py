"""The DuckDB store: schema and migrations, connections, events as rows, writing, reading, reviews,
backup and restore; it never imports ingest, exports, queries, the command line or the dashboard.

One :func:`connect` creates the file and the schema idempotently. A batch of
extracted articles is written in one transaction (:func:`write_tables`): the
articles' previous rows are deleted and the new ones bulk-inserted, so
re-ingesting an article replaces its events.

Analyst reviews live apart from extracted rows (table ``reviews``, keyed by
the deterministic event id ``<article_id>:i<n>`` / ``:d<n>``; analyst-added
events in ``added_incidents`` / ``added_diplomacy``), so they survive
re-ingest. The views ``v_incidents`` / ``v_diplomacy`` apply them: the latest
edit of each (event, field) overlays the field, rejected events are hidden,
added events are appended. ``v_incidents_all`` / ``v_diplomacy_all`` keep the
rejected rows with ``rejected = TRUE``.

This package re-exports the API its callers use; each name lives in one module.
"""
from __future__ import annotations

from .backups import backup
from .connection import (DEFAULT_DB, NOTICE_HANDLERS, PROJECT_ROOT, apply_queued_reviews, checkpoint, connect,
                         default_db_path, lock_wait_seconds, memory_limit, notify, release_memory)
from .errors import (DamagedStoreError, DiskFullError, StoreBusyError, StoreError, explain_error,
                     is_damage_error, is_disk_full_error, is_lock_error, rollback)
from .reading import read_table, row_counts, stored_fingerprints
from .restoring import restore
from .reviews import add_event, record_review
from .rows import event_ids, events_to_frames, events_to_tables
from .schema import (ACTIONS, EDITABLE, EVENT_TABLES, KIND_TABLE, META_SCHEMA, READABLE, SCHEMA, VIEWS,
                     arrow_schema, create_tables, create_views, ensure_schema, schema_markdown)
from .writing import fusion_pending, write_events, write_tables

__all__ = ["ACTIONS", "DEFAULT_DB", "DamagedStoreError", "DiskFullError", "EDITABLE", "EVENT_TABLES",
           "KIND_TABLE", "META_SCHEMA", "NOTICE_HANDLERS", "PROJECT_ROOT", "READABLE", "SCHEMA",
           "StoreBusyError", "StoreError", "VIEWS", "add_event", "apply_queued_reviews", "arrow_schema",
           "backup", "checkpoint", "connect", "create_tables", "create_views", "default_db_path", "ensure_schema",
           "event_ids", "events_to_frames", "events_to_tables", "explain_error", "fusion_pending",
           "is_damage_error", "is_disk_full_error", "is_lock_error", "lock_wait_seconds", "memory_limit",
           "notify", "read_table", "record_review", "release_memory", "restore", "rollback", "row_counts",
           "schema_markdown", "stored_fingerprints", "write_events", "write_tables"]
