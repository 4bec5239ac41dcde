"""Adding to a large store: one article, then a thousand, with incremental fusion and with the
whole store fused again (what every ingest did before), side by side, in one run.

    python scripts/bench_incremental.py --store /tmp/base100k.duckdb \
        --add /tmp/new1.jsonl --add /tmp/new1000-recent.jsonl --add /tmp/new1000-spread.jsonl

``--store`` is an ingested store (fused by this release: ``python -m frontline fuse --rebuild``
once); it is only read: each case runs on a fresh copy of it, as its own process
(``python -m frontline ingest FILE --db COPY``), so the times are end to end, imports
included, and the peak memory is that process's (``os.wait4``). For each file the
incremental ingest and the one fusing the whole store again (``--rebuild-fusion``)
run on copies of the same store, and their fused tables are compared: they must be
equal. ``--json`` prints the figures as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {1: (2.0, 300), 1000: (15.0, None)}     # articles -> (seconds, MB) the issue asks for


def run_ingest(db: Path, jsonl: str, *, rebuild: bool, workers: int, code: Path = ROOT,
               python: str = sys.executable) -> dict:
    """Ingest ``jsonl`` into ``db`` in a new process run from the checkout ``code``: wall seconds, CPU seconds
    (user + system, workers included), peak RSS (MB), its summary line."""
    cmd = [python, "-m", "frontline", "ingest", jsonl, "--db", str(db), "--workers", str(workers)]
    if rebuild:
        cmd.append("--rebuild-fusion")
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=code, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({' '.join(cmd)}): {err.strip().splitlines()[-1:]}")
    return {"seconds": round(seconds, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024), "summary": out.strip()}


def fused_tables(db: Path):
    import duckdb
    with duckdb.connect(str(db), read_only=True) as c:
        return (c.execute("SELECT * FROM fused_incidents ORDER BY cluster_id").df(),
                c.execute("SELECT event_id, cluster_id FROM incidents ORDER BY event_id").df())


def bench(store: Path, files: list, workers: int, tmp: Path, log=print) -> list:
    rows = []
    for jsonl in files:
        n = sum(1 for line in open(jsonl, encoding="utf-8") if line.strip())
        res = {"file": jsonl, "articles": n}
        copies = {}
        for case, rebuild in (("incremental", False), ("whole store fused again", True)):
            db = tmp / f"{case.split()[0]}.duckdb"
            for old in tmp.glob("*.duckdb*"):
                if old.name.startswith(db.stem):
                    old.unlink()
            shutil.copyfile(store, db)
            res[case] = run_ingest(db, jsonl, rebuild=rebuild, workers=workers)
            copies[case] = db
            log(f"{n} article(s) from {jsonl}, {case}: {res[case]['seconds']:.1f} s, "
                f"{res[case]['peak_mb']} MB peak")
        a, b = (fused_tables(copies[c]) for c in ("incremental", "whole store fused again"))
        res["same_fused_tables"] = bool(a[0].equals(b[0]) and a[1].equals(b[1]))
        res["fused_events"] = len(a[0])
        rows.append(res)
    return rows


def render(rows: list, store: Path) -> str:
    lines = [f"Adding articles to {store} (one process per ingest, imports included)", "",
             f"{'articles':>8}  {'incremental':>22}  {'whole store fused again':>24}  {'same fused':>10}  target",
             f"{'':>8}  {'s':>10} {'peak MB':>11}  {'s':>12} {'peak MB':>11}"]
    for r in rows:
        inc, full = r["incremental"], r["whole store fused again"]
        target = TARGETS.get(r["articles"])
        goal = "" if not target else f"< {target[0]:.0f} s" + (f", < {target[1]} MB" if target[1] else "")
        lines.append(f"{r['articles']:>8}  {inc['seconds']:>10.1f} {inc['peak_mb']:>11}  {full['seconds']:>12.1f} "
                     f"{full['peak_mb']:>11}  {'yes' if r['same_fused_tables'] else 'NO':>10}  {goal}  "
                     f"({Path(r['file']).name}, {r['fused_events']:,} fused events)")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="an ingested store (copied, never written)")
    ap.add_argument("--add", action="append", required=True, metavar="JSONL", help="articles to add (repeat)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tmp", help="where the copies go (default: a temporary folder)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    store = Path(args.store)
    if not store.exists():
        ap.error(f"{store}: no such store")
    log = (lambda m: print(m, file=sys.stderr, flush=True))
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        rows = bench(store, args.add, args.workers, Path(tmp), log=log)
    print(json.dumps(rows) if args.json else render(rows, store))
    return 0 if all(r["same_fused_tables"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
