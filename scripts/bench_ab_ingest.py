"""Before and after: the same ingests run by two checkouts of Frontline, alternating, in one sitting.

    git worktree add /tmp/frontline-before <commit>
    python scripts/bench_ab_ingest.py --store /tmp/base100k.duckdb --before /tmp/frontline-before \
        --add /tmp/one.jsonl --add /tmp/week1000.jsonl --runs 2

Each ingest is a new process (``python -m frontline ingest FILE --db COPY --workers 2``, run from
that checkout with its own interpreter path ``.venv/bin/python``) on a fresh copy of ``--store``;
the order of the two checkouts alternates from run to run. Each run prints, as one JSON line, the
wall seconds, the CPU seconds (user + system, workers included: ``os.wait4``), the peak RSS in MB
and the load average when it began: on a shared machine the CPU seconds are the steadier figure.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_incremental import run_ingest  # noqa: E402  -- one way to time an ingest in its own process


def run(code: Path, store: Path, jsonl: str, db: Path, workers: int) -> dict:
    """One ingest of ``jsonl`` by the checkout ``code`` into a fresh copy of ``store``."""
    for old in (db, db.with_name(db.name + ".wal")):
        if old.exists():
            old.unlink()
    shutil.copyfile(store, db)
    python = code / ".venv" / "bin" / "python"
    load = os.getloadavg()[0]
    res = run_ingest(db, jsonl, rebuild=False, workers=workers, code=code,
                     python=str(python if python.exists() else sys.executable))
    return {"wall_s": res["seconds"], "cpu_s": res["cpu_s"], "peak_mb": res["peak_mb"], "load": round(load, 2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="an ingested store (copied, never written)")
    ap.add_argument("--before", required=True, help="the other checkout (a git worktree)")
    ap.add_argument("--after", default=str(ROOT), help="this checkout (default)")
    ap.add_argument("--add", action="append", required=True, metavar="JSONL")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tmp", help="where the copies go (default: a temporary folder)")
    args = ap.parse_args(argv)
    codes = [("before", Path(args.before)), ("after", Path(args.after))]
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for jsonl in args.add:
            for r in range(args.runs):
                for name, code in (codes if r % 2 == 0 else codes[::-1]):
                    res = run(code, Path(args.store), jsonl, Path(tmp) / "ab.duckdb", args.workers)
                    print(json.dumps({"file": Path(jsonl).name, "code": name, "run": r, **res}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
