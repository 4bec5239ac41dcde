"""``python -m frontline bench``: extraction and ingest throughput against spaCy's tokenizer.

For each corpus -- FA-KES (``../shared/corpora/fa-kes``, when present) and a
synthetic corpus of ``--synthetic N`` articles recombined from its sentences
(:mod:`frontline.synthetic`, streamed, never held in memory) -- it measures on
the same texts:

* ``tokenizer``: spaCy's tokenizer alone (``spacy.blank("en").tokenizer``), a
  fresh one per run: the yardstick of one fast pass over the text;
* ``extract``: ``frontline.extract.extract_article`` alone, in this process
  (one core);
* ``ingest``: extract + store into a temporary DuckDB with fusion, as
  ``python -m frontline ingest`` does it (``--workers``, default as ingest's);

and prints articles/s, MB/s (UTF-8 bytes of article text), the ratio
extract / tokenizer, and peak memory (``getrusage`` ``ru_maxrss`` of this
process and of its largest worker). Loading the extractor's lexicons and
building the tokenizer are done before the clock starts; generating the
synthetic texts is timed apart and not counted in extract or tokenizer time.
``--json`` prints one JSON object instead: the headline keys (``articles``,
``extract_s``, ``tokenizer_s``, ``ratio``, ``ingest_s``, ``peak_rss_mb``) are
FA-KES's, or the synthetic corpus's where FA-KES is absent; ``corpora`` holds
every corpus's details.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import synthetic
from .ingest.pipeline import DUCKDB_MEMORY

DEFAULT_SYNTHETIC = 100_000
QUICK_SYNTHETIC = 200
QUICK_FAKES = 100


def _mb(n_bytes: int) -> float:
    return n_bytes / 1e6


def peak_rss_mb() -> dict:
    """Peak resident memory so far (MB): this process, and its largest finished child."""
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024      # ru_maxrss: KiB on Linux, bytes on macOS
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    return {"self": round(own, 1), "children": round(children, 1), "max": round(max(own, children), 1)}


def _rates(n: int, n_bytes: int, seconds: Optional[float]) -> dict:
    if not seconds or seconds <= 0:
        return {"articles_per_s": None, "mb_per_s": None}
    return {"articles_per_s": round(n / seconds, 1), "mb_per_s": round(_mb(n_bytes) / seconds, 3)}


def time_tokenizer(texts: Iterable[str]) -> float:
    """Seconds of a fresh ``spacy.blank("en")`` tokenizer over ``texts`` (building it not counted)."""
    import spacy
    nlp = spacy.blank("en")
    tokenizer = nlp.tokenizer
    total = 0.0
    clock = time.perf_counter
    for text in texts:
        t = clock()
        tokenizer(text)
        total += clock() - t
    return total


def time_extract(articles: Iterable, extract: Callable) -> tuple:
    """(seconds, incidents, diplomatic events) of ``extract`` over ``articles``."""
    total, n_inc, n_dip = 0.0, 0, 0
    clock = time.perf_counter
    for art in articles:
        t = clock()
        ae = extract(art)
        total += clock() - t
        n_inc += len(ae.incidents)
        n_dip += len(ae.diplomacy)
    return total, n_inc, n_dip


def time_ingest(articles: Iterable, *, workers: Optional[int], total: int, extract: Callable) -> dict:
    """Ingest ``articles`` into a fresh DuckDB file in a temporary folder (fusion included)."""
    from . import store
    from .ingest import pipeline
    with tempfile.TemporaryDirectory(prefix="frontline-bench-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        conn = store.connect(db)
        try:
            report = pipeline.ingest(conn, articles, workers=workers, total=total, extract=extract,
                                     on_error="skip", duckdb_memory=DUCKDB_MEMORY)
            counts = {k: conn.execute(f"SELECT count(*) FROM {k}").fetchone()[0]
                      for k in ("articles", "incidents", "diplomacy", "fused_incidents")}
        finally:
            conn.close()
        seconds = time.perf_counter() - t
        db_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
    return {"ingest_s": round(seconds, 6), "workers": report.workers,
            "write_s": round(report.write_seconds, 6), "fusion_s": round(report.fusion_seconds, 6),
            "rows": counts, "skipped": len(report.skipped), "db_mb": round(db_mb, 1)}


def _measure(name: str, make_articles: Callable, n: int, n_bytes: int, *, extract: Callable, repeat: int,
             workers: Optional[int], skip_ingest: bool, log: Callable) -> dict:
    """Tokenizer, extract and ingest over the articles ``make_articles()`` yields (called once per pass)."""
    out: dict = {"articles": n, "mb": round(_mb(n_bytes), 3)}
    tok, ext = [], []
    for i in range(repeat):
        log(f"{name}: tokenizer pass {i + 1}/{repeat} ...")
        tok.append(time_tokenizer(a.text for a in make_articles()))
        log(f"{name}: extract pass {i + 1}/{repeat} ...")
        seconds, n_inc, n_dip = time_extract(make_articles(), extract)
        ext.append(seconds)
    out["tokenizer_s"] = round(statistics.median(tok), 6)
    out["extract_s"] = round(statistics.median(ext), 6)
    if repeat > 1:
        out["tokenizer_runs_s"] = [round(x, 6) for x in tok]
        out["extract_runs_s"] = [round(x, 6) for x in ext]
    out["ratio"] = round(out["extract_s"] / out["tokenizer_s"], 3) if out["tokenizer_s"] else None
    out["incidents"], out["diplomacy"] = n_inc, n_dip
    out["tokenizer"] = _rates(n, n_bytes, out["tokenizer_s"])
    out["extract"] = _rates(n, n_bytes, out["extract_s"])
    out["rss_after_extract_mb"] = peak_rss_mb()["self"]
    if not skip_ingest:
        log(f"{name}: ingest ...")
        ing = time_ingest(make_articles(), workers=workers, total=n, extract=extract)
        out.update(ing)
        out["ingest"] = _rates(n, n_bytes, ing["ingest_s"])
    else:
        out["ingest_s"] = None
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def fakes_articles(path: Path, limit: Optional[int] = None) -> list:
    from .readers import read_paths
    arts = []
    for a in read_paths([path], warn=lambda m: None):
        arts.append(a)
        if limit and len(arts) >= limit:
            break
    return arts


def run(*, synthetic_n: int = DEFAULT_SYNTHETIC, quick: bool = False, fakes: Optional[Path] = None,
        repeat: Optional[int] = None, workers: Optional[int] = None, seed: int = synthetic.DEFAULT_SEED,
        skip_ingest: bool = False, log: Callable[[str], None] = lambda m: None) -> dict:
    """The benchmark as a dict (what ``--json`` prints)."""
    from .extract import extract_article
    fakes = Path(fakes) if fakes else synthetic.fakes_csv()
    repeat = repeat or (1 if quick else 3)
    result: dict = {"generated": dt.datetime.now().isoformat(timespec="seconds"),
                    "machine": {"python": platform.python_version(), "processors": _cpus(),
                                "platform": platform.platform(terse=True)},
                    "quick": quick, "seed": seed, "corpora": {}}
    # load lexicons and compile the extractor's patterns before any clock starts
    from .models import Article
    extract_article(Article(id="warm-up", text="Air strikes killed 3 people in eastern Aleppo on Monday.",
                            published=dt.date(2016, 10, 13)))

    if fakes is not None and fakes.is_file():
        t = time.perf_counter()
        arts = fakes_articles(fakes, QUICK_FAKES if quick else None)
        read_s = time.perf_counter() - t
        n_bytes = sum(len(a.text.encode("utf-8")) for a in arts)
        res = _measure("fa-kes", lambda: iter(arts), len(arts), n_bytes, extract=extract_article,
                       repeat=repeat, workers=workers, skip_ingest=skip_ingest, log=log)
        res.update(available=True, path=str(fakes), read_s=round(read_s, 3),
                   subset=(f"first {len(arts)} articles (--quick)" if quick else None))
        result["corpora"]["fa-kes"] = res
        del arts
    else:
        result["corpora"]["fa-kes"] = {
            "available": False,
            "note": f"FA-KES not found ({fakes or synthetic.shared_dir() / 'corpora/fa-kes'}): "
                    "set FRONTLINE_SHARED or --fakes; the synthetic corpus uses built-in sample sentences"}

    if synthetic_n > 0:
        pool = synthetic.load_pool(fakes) if fakes is not None and fakes.is_file() else synthetic.builtin_pool()
        t = time.perf_counter()
        n, n_bytes = 0, 0
        for a in synthetic.synthetic_articles(synthetic_n, seed=seed, pool=pool):
            n += 1
            n_bytes += len(a.text.encode("utf-8"))
        gen_s = time.perf_counter() - t

        def make():
            return synthetic.synthetic_articles(synthetic_n, seed=seed, pool=pool)
        res = _measure(f"synthetic {synthetic_n}", make, n, n_bytes, extract=extract_article, repeat=1,
                       workers=workers, skip_ingest=skip_ingest, log=log)
        res.update(sentences_from=pool.origin, pool_sentences=len(pool.sentences), generate_s=round(gen_s, 3),
                   streamed=True)
        result["corpora"]["synthetic"] = res

    head = result["corpora"]["fa-kes"] if result["corpora"]["fa-kes"].get("available") \
        else result["corpora"].get("synthetic", {})
    for key in ("articles", "mb", "extract_s", "tokenizer_s", "ratio", "ingest_s"):
        result[key] = head.get(key)
    result["headline_corpus"] = "fa-kes" if result["corpora"]["fa-kes"].get("available") else "synthetic"
    rss = peak_rss_mb()
    result["peak_rss_mb"] = rss["max"]
    result["peak_rss_self_mb"] = rss["self"]
    result["peak_rss_workers_mb"] = rss["children"]
    return result


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _fmt(v, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def render(result: dict) -> str:
    """The human-readable table."""
    lines = [f"Frontline benchmark ({result['machine']['processors']} processors, Python "
             f"{result['machine']['python']}; extract and tokenizer on one core, ingest with its workers)", ""]
    head = (f"{'corpus':<18}{'articles':>9}{'MB':>8} | {'tokenizer s':>11}{'art/s':>8}{'MB/s':>7} | "
            f"{'extract s':>9}{'art/s':>7}{'MB/s':>6}{'ratio':>7} | {'ingest s':>8}{'wk':>3}{'art/s':>7}"
            f"{'MB/s':>6}{'fusion s':>9}")
    lines += [head, "-" * len(head)]
    for name, c in result["corpora"].items():
        if not c.get("available", True):
            lines.append(f"{name:<18}{c['note']}")
            continue
        label = name if name != "synthetic" else f"synthetic ({c.get('sentences_from')})"
        ing = c.get("ingest") or {}
        lines.append(
            f"{label:<18}{c['articles']:>9}{c['mb']:>8.2f} | {_fmt(c['tokenizer_s'], '.3f'):>11}"
            f"{_fmt(c['tokenizer']['articles_per_s'], '.0f'):>8}{_fmt(c['tokenizer']['mb_per_s'], '.2f'):>7} | "
            f"{_fmt(c['extract_s'], '.3f'):>9}{_fmt(c['extract']['articles_per_s'], '.0f'):>7}"
            f"{_fmt(c['extract']['mb_per_s'], '.2f'):>6}{_fmt(c['ratio'], '.2f'):>7} | "
            f"{_fmt(c.get('ingest_s'), '.2f'):>8}{_fmt(c.get('workers'), 'd'):>3}"
            f"{_fmt(ing.get('articles_per_s'), '.0f'):>7}{_fmt(ing.get('mb_per_s'), '.2f'):>6}"
            f"{_fmt(c.get('fusion_s'), '.2f'):>9}")
    lines.append("")
    for name, c in result["corpora"].items():
        if c.get("available", True) and c.get("rows"):
            r = c["rows"]
            extra = f", generated in {c['generate_s']:.2f} s (not counted)" if "generate_s" in c else ""
            lines.append(f"{name}: {r['incidents']} incidents, {r['diplomacy']} diplomatic events, "
                         f"{r['fused_incidents']} fused; store {c['db_mb']} MB; write {c['write_s']:.2f} s"
                         f"{extra}; peak RSS after it {c['peak_rss_mb']['max']:.0f} MB")
    lines.append(f"ratio = extract s / tokenizer s (headline: {result['headline_corpus']}, "
                 f"{_fmt(result['ratio'], '.2f')})")
    lines.append(f"peak RSS: {result['peak_rss_mb']:.0f} MB (this process {result['peak_rss_self_mb']:.0f} MB, "
                 f"largest worker {result['peak_rss_workers_mb']:.0f} MB)")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m frontline bench",
                                description="Throughput of extraction and ingest against spaCy's tokenizer.")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--synthetic", type=int, metavar="N", default=None,
                   help=f"synthetic articles (default {DEFAULT_SYNTHETIC:,}; {QUICK_SYNTHETIC} with --quick; "
                        "0 to skip)")
    p.add_argument("--quick", action="store_true",
                   help=f"a smoke run: the first {QUICK_FAKES} FA-KES articles, one pass, "
                        f"{QUICK_SYNTHETIC} synthetic articles")
    p.add_argument("--fakes", metavar="CSV", help="the FA-KES CSV (default ../shared/corpora/fa-kes/...)")
    p.add_argument("--repeat", type=int, metavar="R", default=None,
                   help="passes of tokenizer and extract over FA-KES, median reported (default 3; 1 with "
                        "--quick); the synthetic corpus is measured once")
    p.add_argument("--workers", type=int, metavar="N", default=None,
                   help="ingest processes (default: as `ingest`)")
    p.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED, help="synthetic corpus seed")
    p.add_argument("--no-ingest", action="store_true", help="measure tokenizer and extract only")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    n = args.synthetic if args.synthetic is not None else (QUICK_SYNTHETIC if args.quick else DEFAULT_SYNTHETIC)
    if n < 0:
        print("frontline bench: error: --synthetic must be >= 0", file=sys.stderr)
        return 2
    log = (lambda m: None) if args.quiet or args.json else (lambda m: print(f"bench: {m}", file=sys.stderr,
                                                                           flush=True))
    result = run(synthetic_n=n, quick=args.quick, fakes=Path(args.fakes) if args.fakes else None,
                 repeat=args.repeat, workers=args.workers, seed=args.seed, skip_ingest=args.no_ingest, log=log)
    if args.json:
        print(json.dumps(result))
    else:
        print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
