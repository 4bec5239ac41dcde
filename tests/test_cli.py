"""``python -m frontline``: in-process runs with the fake extractor, subprocess runs
for bad input (one line on stderr, exit 2, store unchanged) and, with the real
extractor, the seed end to end."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import types

import pytest

import frontline
import frontline.__main__ as cli
from conftest import SAMPLE_TEXTS, fake_extract
from frontline import store
from frontline.ingest import pipeline


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(cli, "_extractor", lambda: fake_extract)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for k, v in SAMPLE_TEXTS.items():
        (folder / f"{k}.txt").write_text(f"Title {k}\n\n{v}\n", encoding="utf-8")
        (folder / f"{k}.meta.json").write_text(json.dumps({"source": "CNN", "published": "2016-10-13"}))
    return folder


def counts(db):
    conn = store.connect(db)
    try:
        return store.row_counts(conn)
    finally:
        conn.close()


def run(*args, env=None, cwd=None):
    e = dict(os.environ)
    e.pop("FRONTLINE_DB", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "frontline", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or frontline.__path__[0] + "/..", env=e, timeout=300)


# --------------------------------------------------------------------------- in process (fake extractor)

def test_ingest_export_backup_restore(fake, corpus, tmp_db, tmp_path, capsys):
    assert cli.main(["ingest", str(corpus), "--db", str(tmp_db)]) == 0
    assert "3 articles: 2 incidents, 1 diplomatic events" in capsys.readouterr().out
    assert cli.main(["ingest", str(corpus / "a1.txt"), "--db", str(tmp_db), "--quiet"]) == 0
    c = counts(tmp_db)
    assert (c["articles"], c["incidents"], c["diplomacy"]) == (3, 2, 1)
    assert cli.main(["export", "--format", "csv", "--out", str(tmp_path / "x"), "--db", str(tmp_db),
                     "--side", "west"]) == 0
    assert (tmp_path / "x" / "incidents.csv").read_text().count("\n") == 2       # header + a1:i1
    assert cli.main(["backup", str(tmp_path / "b.duckdb"), "--db", str(tmp_db)]) == 0
    assert cli.main(["ingest", str(corpus), "--db", str(tmp_db)]) == 0
    assert cli.main(["restore", str(tmp_path / "b.duckdb"), "--db", str(tmp_db)]) == 0
    assert counts(tmp_db) == c


@pytest.mark.parametrize("area,expected", [
    (None, {"a1:i1", "a2:i1", "h1:i1"}),           # default: everything, as before
    ("syria", {"a1:i1", "a2:i1", "h1:i1"}),
    ("aleppo", {"a1:i1", "a2:i1"}),                # the theatre: a side of Aleppo's front line
    ("ALEPPO", {"a1:i1", "a2:i1"}),
])
def test_export_area_like_the_dashboard(fake, corpus, tmp_db, tmp_path, area, expected):
    (corpus / "h1.txt").write_text("Title h1\n\n5 people were killed in a blast in Homs.\n", encoding="utf-8")
    assert cli.main(["ingest", str(corpus), "--db", str(tmp_db), "--quiet"]) == 0
    out = tmp_path / "x"
    assert cli.main(["export", "--format", "json", "--out", str(out), "--db", str(tmp_db)]
                    + (["--area", area] if area else [])) == 0
    rows = json.loads((out / "incidents.json").read_text())
    assert {r["event_id"] for r in rows} == expected
    # the same scope as the dashboard's filter
    from frontline import queries
    conn = store.connect(tmp_db, read_only=True)
    try:
        dash = queries.incidents(conn, queries.Filters(area=(area or "syria").lower()))
    finally:
        conn.close()
    assert set(dash["event_id"]) == expected


def test_ingest_with_workers_and_env_db(fake, corpus, tmp_path, monkeypatch):
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("FRONTLINE_DB", str(db))
    assert cli.main(["ingest", str(corpus), "--workers", "2", "--quiet"]) == 0
    assert counts(db)["incidents"] == 2


def test_extract_jsonl_with_published_override(fake, corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    assert cli.main(["extract", str(corpus), "--published", "2016-10-01", "--jsonl", str(out)]) == 0
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["article_id"], r["kind"], r["event_id"]) for r in recs] == [
        ("a1", "incident", "a1:i1"), ("a1", "diplomacy", "a1:d1"), ("a2", "incident", "a2:i1")]
    assert {r["event_date"] for r in recs} == {"2016-10-01"}
    for field in ("actor", "side", "killed", "injured", "children_killed", "evidence", "evidence_spans"):
        assert field in recs[0]
    assert recs[2]["children_killed"] == 4


def test_extract_skips_repeated_rows(fake, tmp_path):
    csv = tmp_path / "rep.csv"
    csv.write_text('id,text\nr1,"3 killed in east Aleppo."\nr1,"3 killed in east Aleppo."\n')
    out = tmp_path / "o.jsonl"
    assert cli.main(["extract", str(csv), "--jsonl", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 1


def test_eval_with_a_stub_scorer(fake, tmp_path, capsys):
    gold = tmp_path / "eval" / "gold"
    gold.mkdir(parents=True)
    (gold / "a1.json").write_text(json.dumps({"article_id": "a1", "published": "2016-10-13"}))
    (tmp_path / "eval" / "score.py").write_text(
        "import json\n"
        "def score(pred, gold_dir, verbose=False):\n"
        "    n = sum(1 for _ in open(pred))\n"
        "    r = {'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'strict_f1': 1.0, 'gold': n, 'matched': n,\n"
        "         'predicted_scored': n, 'field_accuracy': {'event_date': 1.0}}\n"
        "    return {'articles': 1, 'incident': r, 'diplomacy': r}\n")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a1.txt").write_text(SAMPLE_TEXTS["a1"])
    assert cli.main(["eval", "--gold", str(gold), "--seeds", str(seeds), "--corpus", str(tmp_path / "none.csv")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "articles scored: 1"
    assert "incident  P 1.000  R 1.000  F1 1.000  strict F1 1.000  (gold 2, matched 2, predicted 2)" in out


def test_bench_gets_its_arguments(monkeypatch):
    seen = {}
    fake_bench = types.SimpleNamespace(main=lambda argv: seen.setdefault("argv", argv) and 0)
    monkeypatch.setitem(sys.modules, "frontline.bench", fake_bench)
    monkeypatch.setattr(frontline, "bench", fake_bench, raising=False)
    assert cli.main(["bench", "--json", "--articles", "10"]) == 0
    assert seen["argv"] == ["--json", "--articles", "10"]


def test_extractor_failure_is_reported_not_raised(monkeypatch, corpus, tmp_db, capsys):
    def broken(article):
        if article.id == "a2":
            raise RuntimeError("bad rule")
        return fake_extract(article)
    monkeypatch.setattr(cli, "_extractor", lambda: broken)
    assert cli.main(["ingest", str(corpus), "--db", str(tmp_db), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "article a2: extraction failed (RuntimeError: bad rule)" in err
    assert counts(tmp_db)["articles"] == 2


def test_extract_reports_a_failed_article_and_keeps_the_others(monkeypatch, corpus, tmp_path, capsys):
    def broken(article):
        if article.id == "a2":
            raise ValueError("bad rule")
        return fake_extract(article)
    monkeypatch.setattr(cli, "_extractor", lambda: broken)
    out = tmp_path / "events.jsonl"
    assert cli.main(["extract", str(corpus), "--jsonl", str(out)]) == 1
    err = capsys.readouterr().err
    assert "article a2: extraction failed (ValueError: bad rule)" in err
    assert "1 article(s) failed extraction" in err
    ids = {json.loads(line)["article_id"] for line in out.read_text().splitlines()}
    assert "a2" not in ids and ids


def test_eval_names_the_article_whose_extraction_failed(tmp_path):
    from frontline.evaluation import ExtractionError, write_jsonl
    from frontline.models import Article

    def broken(article):
        raise ValueError("bad rule")
    with pytest.raises(ExtractionError, match="article x: extraction failed"):
        write_jsonl([Article("x", "Text.")], tmp_path / "out.jsonl", broken)
    assert not (tmp_path / "out.jsonl").exists()


# --------------------------------------------------------------------------- subprocess: bad input

BAD = [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", bytes(range(256)) * 8, "binary file"),
    ("scan.pdf", b"%PDF-1.5\n%\xb5\xed\xae\xfb\n4 0 obj\n<< /Length 5 >>", "PDF"),
    ("cols.csv", b"title,words\na,b\n", "missing required column"),
    ("quote.csv", b'id,text\n1,"never closed\n2,x\n', "broken CSV quoting"),
    ("missing.txt", None, "no such file or folder"),
]


@pytest.mark.parametrize("name,data,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_one_line_exit_2_store_unchanged(tmp_path, tmp_db, fake_articles, name, data, message):
    conn = store.connect(tmp_db)
    pipeline.ingest(conn, fake_articles, extract=fake_extract)
    conn.close()
    before = counts(tmp_db)
    good = tmp_path / "good.txt"
    good.write_text("5 people were killed in east Aleppo.")
    bad = tmp_path / name
    if data is not None:
        bad.write_bytes(data)
    r = run("ingest", good, bad, "--db", tmp_db)          # a good file with a bad one: nothing written
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("frontline: error: ") and message in lines[0] and name in lines[0]
    assert "Traceback" not in r.stderr
    assert counts(tmp_db) == before


def test_export_bad_area_says_which(tmp_path):
    r = run("export", "--format", "csv", "--out", tmp_path / "o", "--db", tmp_path / "db", "--area", "mars")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].endswith(
        "error: argument --area: not an area: 'mars' (aleppo = Aleppo city and governorate, syria = everything)")
    assert not (tmp_path / "o").exists()



@pytest.mark.parametrize("args,message", [
    (["export", "--format", "csv", "--out", "OUT", "--db", "NODB"], "no such database"),
    (["backup", "OUT", "--db", "NODB"], "no such database"),
    (["restore", "NOFILE", "--db", "DB"], "no such backup file"),
    (["extract", "NOFILE", "--jsonl", "OUT"], "no such file or folder"),
])
def test_other_errors_are_one_line(tmp_path, args, message):
    args = [str(tmp_path / a) if a in ("OUT", "NODB", "NOFILE", "DB") else a for a in args]
    r = run(*args)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and message in r.stderr, r.stderr


# --------------------------------------------------------------------------- subprocess: real extractor

def test_seed_end_to_end_with_real_extractor(project_root, tmp_path, tmp_db):
    """Needs frontline.extract (the lead's); ingest, export and extract the seed."""
    r = run("ingest", project_root / "seeds", "--db", tmp_db)
    assert r.returncode == 0, r.stderr
    c = counts(tmp_db)
    assert c["articles"] == 1 and c["incidents"] >= 1 and c["diplomacy"] >= 1
    r = run("export", "--format", "json", "--out", tmp_path / "j", "--db", tmp_db)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "j" / "incidents.json").read_text())
    out = tmp_path / "seed.jsonl"
    r = run("extract", project_root / "seeds" / "000_388484fd9ac85dd6.txt", "--published", "2016-10-13",
            "--jsonl", out)
    assert r.returncode == 0, r.stderr
    assert all(json.loads(line)["article_id"] == "000_388484fd9ac85dd6" for line in out.read_text().splitlines())


@pytest.mark.needs_shared
def test_eval_with_real_extractor_and_scorer(project_root, shared_dir):
    r = run("eval", "--json", cwd=project_root)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["articles"] == len(list((shared_dir / "eval" / "gold").glob("*.json")))
    assert report["incident"]["gold"] > 0 and report["diplomacy"]["gold"] > 0
