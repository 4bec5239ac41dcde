"""Extraction to JSON lines without a store (``extract --jsonl``, ``eval``, the benchmark): one line
per event with its deterministic id, written whole or not at all; and the articles scored against the gold."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


class OutputError(ValueError):
    """An output path that cannot be written (a folder given for a file)."""


def _default_extract():
    from .extract import extract_article
    return extract_article


class ExtractionError(RuntimeError):
    """An article the extractor could not read (a defect of the extractor, named by its article)."""


def event_lines(articles, extract, on_error=None):
    """JSON lines of the events of ``articles``. An article whose extraction raises is passed to
    ``on_error(article_id, error)`` and skipped when that is given; otherwise it stops the run, named."""
    from .readers import unique_ids
    from .models import event_to_record
    from .store.rows import event_ids
    # one article per id: a repeated row once, a second text under one id as <id>~2 (as ingest does;
    # read_paths already does it, this covers any other iterable)
    for art in unique_ids(articles):
        try:
            ae = extract(art)
        except Exception as err:        # noqa: BLE001 - any defect of one article is reported by its id
            if on_error is None:
                raise ExtractionError(f"article {art.id}: extraction failed ({type(err).__name__}: {err})") from err
            on_error(art.id, err)
            continue
        for kind, evs in (("incident", ae.incidents), ("diplomacy", ae.diplomacy)):
            for ev, eid in zip(evs, event_ids(art.id, kind, len(evs))):
                rec = event_to_record(ev)
                rec["article_id"] = art.id
                rec["event_id"] = eid
                yield json.dumps(rec, ensure_ascii=False, default=str)


def write_jsonl(articles, out, extract=None, on_error=None) -> int:
    """Extract ``articles`` into a JSON-lines file (written whole or not at all); ``on_error`` as for
    :func:`event_lines`."""
    if extract is None:
        extract = _default_extract()
    n = 0
    if str(out) == "-":
        for line in event_lines(articles, extract, on_error):
            sys.stdout.write(line + "\n")
            n += 1
        return n
    out = Path(out)
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; give a file name for --jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for line in event_lines(articles, extract, on_error):
                fh.write(line + "\n")
                n += 1
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def eval_articles(gold_dir: Path, corpus: Path, seeds: Path):
    """The FA-KES articles that have a gold file, then every seed article."""
    from .readers import read_paths
    gold_ids = {p.stem for p in gold_dir.glob("*.json")}
    quiet = lambda m: None  # noqa: E731
    if corpus.is_file():
        for art in read_paths([corpus], warn=quiet):
            if art.id in gold_ids:
                yield art
    if seeds.is_dir():
        yield from read_paths([seeds], warn=quiet)
