"""``python -m frontline``: ingest, extract, export, eval, backup, restore, bench, synthetic.

Every store command takes ``--db PATH`` (default ``$FRONTLINE_DB`` or
``data/frontline.duckdb``). Bad input gives one line
``frontline: error: <message>`` on stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

from .readers import InputError
from .ingest.pipeline import DUCKDB_MEMORY

PROG = "frontline"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
FAKES_CSV = Path("corpora") / "fa-kes" / "FA-KES-Dataset.csv"
PROGRESS_THRESHOLD = 20


class CLIError(ValueError):
    """An expected problem reported as one line (exit 2)."""


def shared_dir() -> Path:
    """``$FRONTLINE_SHARED``, else ``../shared`` beside the project."""
    env = os.environ.get("FRONTLINE_SHARED")
    return Path(env) if env else PROJECT_ROOT.parent / "shared"


def _date_arg(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {s!r}") from None


AREA_CHOICES = {"aleppo": "aleppo", "syria": "syria", "all": "syria"}


def _area_arg(s: str) -> str:
    """The dashboard's scope: ``aleppo`` (the theatre: Aleppo city and governorate) or ``syria``."""
    v = AREA_CHOICES.get(str(s).strip().lower())
    if v is None:
        raise argparse.ArgumentTypeError(
            f"not an area: {s!r} (aleppo = Aleppo city and governorate, syria = everything)")
    return v


def _positive(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1: {s!r}")
    return n


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _warn(msg: str) -> None:
    _stderr(f"{PROG}: warning: {msg}")


def _note(msg: str) -> None:
    _stderr(f"{PROG}: note: {msg}")


# --------------------------------------------------------------------------- commands

def cmd_ingest(args) -> int:
    from . import store
    from .readers import IdLedger, count_articles, read_paths
    n = count_articles(args.paths, warn=_warn)          # validates everything before writing
    if n == 0:
        raise CLIError("no articles to ingest")
    progress = not args.quiet and n > PROGRESS_THRESHOLD
    ledger = IdLedger()
    conn = store.connect(args.db)
    try:
        since = conn.execute("SELECT current_timestamp::TIMESTAMP").fetchone()[0]
        articles = read_paths(args.paths, warn=lambda m: None, ledger=ledger)
        if args.dask:
            from .ingest import dask
            report = dask.ingest_dask(
                conn, articles, address=args.dask, workers=args.workers, total=n,
                partition_size=args.batch_size, parquet_dir=args.parquet_dir,
                db_path=args.db or store.default_db_path(), on_error="skip", progress=progress,
                extract=_extractor(), log=None if args.quiet else _stderr, duckdb_memory=args.duckdb_memory,
                skip_unchanged=not args.force, rebuild_fusion=args.rebuild_fusion)
        else:
            from .ingest import pipeline
            report = pipeline.ingest(conn, articles, progress=progress, total=n,
                                     workers=args.workers, batch_size=args.batch_size, on_error="skip",
                                     extract=_extractor(), duckdb_memory=args.duckdb_memory,
                                     skip_unchanged=not args.force, rebuild_fusion=args.rebuild_fusion)
        _warn_implausible(conn, since)
        # reviews an analyst saved in the dashboard while this ingest held the store
        store.apply_queued_reviews(conn, args.db or store.default_db_path())
        store.checkpoint(conn, args.db or store.default_db_path(), report.articles)
    finally:
        conn.close()
    for new, old in report.duplicates[:10]:
        _stderr(f"{PROG}: note: article {new} has the same text as {old} (stored, marked duplicate_of)")
    if len(report.duplicates) > 10:
        _stderr(f"{PROG}: note: ... and {len(report.duplicates) - 10} more duplicates")
    for old, new in ledger.renamed[:10]:
        _stderr(f"{PROG}: note: article id {old} occurs again with a different text; that text is stored "
                f"as {new}")
    if len(ledger.renamed) > 10:
        _stderr(f"{PROG}: note: ... and {len(ledger.renamed) - 10} more ids given to a second text")
    for aid, err in report.skipped:
        _stderr(f"{PROG}: error: article {aid}: extraction failed ({err}); not stored")
    if not args.quiet:
        print(f"ingested {report.summary(len(ledger.repeated), len(ledger.renamed))} "
              f"into {args.db or store.default_db_path()}")
    return 1 if report.skipped else 0


def _bring_up_to_date(conn) -> None:
    """An ingest killed before its fusion left the fused events behind: fuse now, and say so."""
    from . import store
    since = store.fusion_pending(conn)
    if since:
        from .fusion.store_fusion import bring_up_to_date
        n = bring_up_to_date(conn)
        _note(f"an ingest (from {since}) ended before fusing its incidents; fused events brought up "
              f"to date ({n} events)")


def _warn_implausible(conn, since, limit: int = 10) -> None:
    """One warning per incident of this run flagged implausible (kept, not summed)."""
    from .store.reading import implausible_since
    rows = implausible_since(conn, since, limit + 1)
    for aid, killed, injured in rows[:limit]:
        toll = f"{killed:,} killed" if killed is not None else f"{injured or 0:,} injured"
        _warn(f"article {aid}: a toll of {toll} is implausible for one incident; "
              "kept and flagged implausible, not counted in totals")
    if len(rows) > limit:
        _warn("... and more incidents flagged implausible")


def cmd_synthetic(args) -> int:
    from . import synthetic
    pool = synthetic.load_pool(args.corpus) if args.corpus else synthetic.load_pool()
    n_bytes = synthetic.write_jsonl(args.out, args.articles, seed=args.seed, pool=pool)
    _stderr(f"{PROG}: wrote {args.articles} synthetic articles ({n_bytes / 1e6:.1f} MB of text, "
            f"sentences from {pool.origin}, seed {args.seed}) to {args.out}")
    return 0


def _extractor():
    """The extraction function (a seam for tests)."""
    from .extract import extract_article
    return extract_article


def cmd_extract(args) -> int:
    from .readers import read_paths
    from .evaluation import write_jsonl
    failed: list = []
    n = write_jsonl(read_paths(args.paths, warn=_warn, published=args.published), args.jsonl, _extractor(),
                    on_error=lambda aid, err: failed.append((aid, err)))
    for aid, err in failed:
        _stderr(f"{PROG}: error: article {aid}: extraction failed ({type(err).__name__}: {err}); no events written")
    if str(args.jsonl) != "-":
        _stderr(f"{PROG}: wrote {n} events to {args.jsonl}"
                + (f"; {len(failed)} article(s) failed extraction" if failed else ""))
    return 1 if failed else 0


def filters_from_args(args):
    from .queries import Filters
    return Filters(date_from=args.date_from, date_to=args.date_to, sides=args.side or (),
                   event_types=args.event_type or (), actors=args.actor or (),
                   outlets=args.outlet or (), article_ids=args.article or (),
                   area=getattr(args, "area", None) or "syria")


def cmd_export(args) -> int:
    from . import exports, store
    if not Path(args.db or store.default_db_path()).exists():
        raise CLIError(f"{args.db or store.default_db_path()}: no such database; run `python -m frontline ingest` first")
    conn = store.connect(args.db)
    try:
        _bring_up_to_date(conn)
        paths = exports.export_tables(conn, args.out, args.format, filters_from_args(args))
    finally:
        conn.close()
    for p in paths:
        print(p)
    return 0


def _load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("frontline_eval_score", path)
    if spec is None or spec.loader is None:
        raise CLIError(f"{path}: cannot load the scorer")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def print_report(report: dict) -> None:
    """The scorer's report, printed as ``score.py`` prints it."""
    print(f"articles scored: {report['articles']}")
    for kind in ("incident", "diplomacy"):
        r = report[kind]
        print(f"{kind:9s} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}"
              f"  strict F1 {r['strict_f1']:.3f}"
              f"  (gold {r['gold']}, matched {r['matched']}, predicted {r['predicted_scored']})")
        for f, acc in r["field_accuracy"].items():
            print(f"    {f:16s} {'-' if acc is None else f'{acc:.3f}'}")


def cmd_eval(args) -> int:
    shared = shared_dir()
    gold = Path(args.gold) if args.gold else shared / "eval" / "gold"
    if not gold.is_dir():
        raise CLIError(f"{gold}: gold folder not found: the FA-KES corpus and eval gold are needed "
                       "(../shared, or set FRONTLINE_SHARED / --gold)")
    scorer = next((p for p in (gold.parent / "score.py", shared / "eval" / "score.py") if p.is_file()), None)
    if scorer is None:
        raise CLIError(f"score.py not found beside {gold} or in {shared / 'eval'}")
    corpus = Path(args.corpus) if args.corpus else shared / FAKES_CSV
    seeds = Path(args.seeds) if args.seeds else PROJECT_ROOT / "seeds"
    from .evaluation import eval_articles, write_jsonl
    mod = _load_scorer(scorer)
    with tempfile.TemporaryDirectory(prefix="frontline-eval-") as tmp:
        jsonl = Path(tmp) / "predictions.jsonl"
        write_jsonl(eval_articles(gold, corpus, seeds), jsonl, _extractor())
        if args.keep:
            Path(args.keep).write_bytes(jsonl.read_bytes())
        report = mod.score(str(jsonl), str(gold), args.verbose)
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report)
    return 0


def cmd_fuse(args) -> int:
    """Bring the fused events up to date (only what changed), or fuse the whole store again."""
    import time

    from . import store
    from .fusion.store_fusion import refresh_fusion
    db = Path(args.db) if args.db else store.default_db_path()
    if not db.exists():
        raise CLIError(f"{db}: no such database")
    conn = store.connect(db)
    try:
        t = time.perf_counter()
        with store.memory_limit(conn, DUCKDB_MEMORY):     # as an ingest: DuckDB's pool kept small
            store.release_memory(conn)
            n = refresh_fusion(conn, rebuild=args.rebuild)
    finally:
        conn.close()
    if n is None:
        raise CLIError("fusion is unavailable (frontline.fusion.clusters could not be imported)")
    how = "fused again from scratch" if args.rebuild else "brought up to date"
    print(f"{n} fused events in {db}, {how} ({time.perf_counter() - t:.1f} s)")
    return 0


def cmd_backup(args) -> int:
    from . import store
    db = Path(args.db) if args.db else store.default_db_path()
    if not db.exists():
        raise CLIError(f"{db}: no such database")
    out = store.backup(db, args.out)
    print(f"backed up {db} to {out}")
    return 0


def cmd_restore(args) -> int:
    from . import store
    db = store.restore(args.infile, args.db)
    print(f"restored {db} from {args.infile}")
    return 0


def cmd_bench(args) -> int:
    try:
        from . import bench
    except ImportError:
        raise CLIError("the benchmark (frontline/bench.py) is not available in this version") from None
    rc = bench.main(list(args.bench_args))
    return int(rc or 0)


# --------------------------------------------------------------------------- parser

class _ExportFormats:
    """The export formats, read from frontline.exports only when needed (it imports
    pandas, which ``ingest`` should not pay for before its workers start)."""

    def _names(self) -> list:
        from .exports import WRITERS
        return sorted(WRITERS)

    def __contains__(self, value) -> bool:
        return value in self._names()

    def __iter__(self):
        return iter(self._names())


def _memory_size(s: str) -> str:
    import re
    if not re.fullmatch(r"\d+(?:\.\d+)?\s*(?:[KMGT]i?B|B)?", s.strip(), re.IGNORECASE):
        raise argparse.ArgumentTypeError(f"not a memory size such as 256MB or 1GB: {s!r}")
    return s.strip()


def _dask_address(s: str) -> str:
    if s == "local" or "://" in s or ":" in s:
        return s
    raise argparse.ArgumentTypeError(f"not a scheduler address (tcp://HOST:8786) or 'local': {s!r}")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH",
                        help="the DuckDB store (default: $FRONTLINE_DB or data/frontline.duckdb)")
    p = argparse.ArgumentParser(prog="python -m frontline",
                                description="Frontline: extract, store, export and score war-reporting events.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    s = sub.add_parser("ingest", parents=[common], help="extract articles into the store")
    s.add_argument("paths", nargs="+", metavar="PATH", help="text/markdown/HTML files, folders, CSV or JSONL")
    s.add_argument("--workers", type=_positive, default=None,
                   help="extraction processes (default: 1 for up to one batch, else one per processor, "
                        "at most 4; with --dask local: the cluster's workers, default 2)")
    s.add_argument("--batch-size", type=_positive, default=200,
                   help="articles per transaction (and per Dask partition)")
    s.add_argument("--dask", metavar="ADDRESS", type=_dask_address,
                   help="extract on a Dask cluster: tcp://SCHEDULER:8786, or 'local' for a LocalCluster "
                        "on this machine")
    s.add_argument("--parquet-dir", metavar="DIR",
                   help="with --dask: where the workers write Parquet (default: parquet/<run> beside the "
                        "database; must be visible to the workers and to this machine)")
    s.add_argument("--duckdb-memory", metavar="SIZE", default=DUCKDB_MEMORY, type=_memory_size,
                   help=f"DuckDB's memory limit while ingesting (default {DUCKDB_MEMORY}; keeps a long "
                        "ingest's memory flat)")
    s.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    s.add_argument("--force", action="store_true",
                   help="extract again articles already stored with the same text and metadata "
                        "(by default they are skipped, so running an interrupted ingest again resumes it)")
    s.add_argument("--rebuild-fusion", action="store_true",
                   help="fuse the whole store again after this ingest (by default only the events the new "
                        "articles reach are fused again; the result is the same)")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("synthetic", help="write a synthetic corpus (recombined FA-KES sentences) as JSONL")
    s.add_argument("articles", type=_positive, metavar="N", help="number of articles")
    s.add_argument("--out", required=True, metavar="FILE", help="the JSON-lines file to write")
    s.add_argument("--seed", type=int, default=2016, help="random seed (default 2016)")
    s.add_argument("--corpus", metavar="CSV",
                   help="FA-KES CSV to take sentences from (default ../shared/...; built-in samples "
                        "when absent)")
    s.set_defaults(func=cmd_synthetic)

    s = sub.add_parser("extract", help="extract events to JSON lines (no store)")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--published", type=_date_arg, metavar="YYYY-MM-DD",
                   help="publication date of every article read (overrides datelines and metadata)")
    s.add_argument("--jsonl", required=True, metavar="OUT", help="output file ('-' for stdout)")
    s.set_defaults(func=cmd_extract)

    s = sub.add_parser("export", parents=[common], help="export the (reviewed) store")
    # an explicit metavar: argparse would list (and so import) the formats when the parser is built
    s.add_argument("--format", choices=_ExportFormats(), default="csv", metavar="FORMAT",
                   help="one of %(choices)s (default %(default)s)")
    s.add_argument("--out", required=True, metavar="PATH", help="folder (csv, json) or file")
    s.add_argument("--from", dest="date_from", type=_date_arg, metavar="YYYY-MM-DD")
    s.add_argument("--to", dest="date_to", type=_date_arg, metavar="YYYY-MM-DD")
    s.add_argument("--area", type=_area_arg, default="syria", metavar="AREA",
                   help="aleppo: only Aleppo city and governorate, the dashboard's 'Aleppo' scope (events on a "
                        "side of the city's front line or at a place of the governorate); syria: everything "
                        "(default)")
    s.add_argument("--side", action="append", help="east, west, city, outside (repeat or comma-separate)")
    s.add_argument("--event-type", action="append")
    s.add_argument("--actor", action="append")
    s.add_argument("--outlet", action="append")
    s.add_argument("--article", action="append", help="article id")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("eval", help="extract the gold articles and score them")
    s.add_argument("--gold", metavar="DIR", help="gold folder (default ../shared/eval/gold)")
    s.add_argument("--corpus", metavar="CSV", help="FA-KES CSV (default ../shared/corpora/fa-kes/...)")
    s.add_argument("--seeds", metavar="DIR", help="seed articles (default seeds/)")
    s.add_argument("--verbose", action="store_true", help="list every miss")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s.add_argument("--keep", metavar="JSONL", help="also keep the predictions in this file")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("fuse", parents=[common], help="bring the fused events up to date")
    s.add_argument("--rebuild", action="store_true",
                   help="fuse the whole store again from scratch (an ingest fuses only what it changed; "
                        "the result is the same)")
    s.set_defaults(func=cmd_fuse)

    s = sub.add_parser("backup", parents=[common], help="copy the whole store to one file")
    s.add_argument("out", metavar="OUT")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", parents=[common], help="replace the store by a backup")
    s.add_argument("infile", metavar="IN")
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser("bench", add_help=False, help="throughput benchmark (see bench --help)")
    s.add_argument("bench_args", nargs=argparse.REMAINDER)
    s.set_defaults(func=cmd_bench)
    return p


def _expected_errors() -> tuple:
    """Errors reported as one line; ExportError only if export was imported (it
    imports pandas, which most commands do not need)."""
    from .evaluation import ExtractionError, OutputError
    from .store import StoreError
    errors = (InputError, StoreError, CLIError, OutputError, ExtractionError)
    export = sys.modules.get(f"{__package__ or 'frontline'}.exports")
    if export is not None and hasattr(export, "ExportError"):
        errors += (export.ExportError,)
    return errors


def _store_problem(exc: BaseException, args) -> "Exception | None":
    """A damaged store (or another process's lock) met in the middle of a command, as the
    store's one-line error naming the file; None for anything else."""
    store = sys.modules.get(f"{__package__ or 'frontline'}.store")
    if store is None or args is None or not hasattr(args, "db"):
        return None
    return store.explain_error(exc, args.db or store.default_db_path())


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = None
    if not os.environ.get("FRONTLINE_DEBUG"):
        # an error already reported in one line can leave a library's half-run generator behind
        # (openpyxl's sheet writer on a full disk); its "Exception ignored in ..." is not printed
        sys.unraisablehook = lambda unraisable: None
    from . import store as _store
    if _note not in _store.NOTICE_HANDLERS:
        _store.NOTICE_HANDLERS.append(_note)
    try:
        if argv and argv[0] == "bench":      # everything after "bench" belongs to bench.main
            return cmd_bench(argparse.Namespace(bench_args=argv[1:]))
        args = build_parser().parse_args(argv)
        return args.func(args)
    except _expected_errors() as e:
        _stderr(f"{PROG}: error: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
        return 2
    except KeyboardInterrupt:
        _stderr(f"{PROG}: interrupted")
        return 130
    except BrokenPipeError:
        return 1
    except Exception as e:
        problem = _store_problem(e, args)
        if problem is not None:
            _stderr(f"{PROG}: error: {str(problem).splitlines()[0]}")
            return 2
        if os.environ.get("FRONTLINE_DEBUG"):
            raise
        first = str(e).splitlines()[0] if str(e) else ""
        _stderr(f"{PROG}: error: unexpected {type(e).__name__}: {first} "
                "(set FRONTLINE_DEBUG=1 for the traceback)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
