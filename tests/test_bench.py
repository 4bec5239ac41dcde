"""``python -m frontline bench``: the JSON it prints (keys, positive figures), with and
without ../shared. No timing is asserted: benchmarks are commands, not tests."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import frontline
from frontline import bench

HEADLINE = ("articles", "extract_s", "tokenizer_s", "ratio", "ingest_s", "peak_rss_mb")
PER_CORPUS = ("articles", "mb", "extract_s", "tokenizer_s", "ratio", "ingest_s", "workers", "fusion_s",
              "write_s", "rows", "peak_rss_mb", "tokenizer", "extract", "ingest")


def run_bench(*args, env=None):
    e = dict(os.environ)
    e.pop("FRONTLINE_DB", None)
    e.update(env or {})
    r = subprocess.run([sys.executable, "-m", "frontline", "bench", *args], capture_output=True, text=True,
                       cwd=os.path.dirname(frontline.__path__[0]), env=e, timeout=300)
    assert r.returncode == 0, r.stderr
    return r


def positive(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0


def check_corpus(c: dict, n: int):
    for key in PER_CORPUS:
        assert key in c, key
    assert c["articles"] == n
    for key in ("mb", "extract_s", "tokenizer_s", "ratio", "ingest_s"):
        assert positive(c[key]), (key, c[key])
    for stage in ("tokenizer", "extract", "ingest"):
        assert positive(c[stage]["articles_per_s"]) and positive(c[stage]["mb_per_s"]), stage
    assert c["ratio"] == pytest.approx(c["extract_s"] / c["tokenizer_s"], rel=0.02)
    assert c["rows"]["articles"] <= n and c["rows"]["articles"] >= 1
    assert c["workers"] >= 1 and c["peak_rss_mb"]["max"] > 0


@pytest.mark.needs_shared
def test_bench_quick_json_with_fakes():
    r = run_bench("--quick", "--json", "--synthetic", "12")
    out = json.loads(r.stdout)                 # one JSON object, nothing else on stdout
    for key in HEADLINE:
        assert positive(out[key]), (key, out.get(key))
    fakes = out["corpora"]["fa-kes"]
    assert fakes["available"] is True and out["headline_corpus"] == "fa-kes"
    check_corpus(fakes, bench.QUICK_FAKES)
    assert out["articles"] == fakes["articles"] and out["ratio"] == fakes["ratio"]
    syn = out["corpora"]["synthetic"]
    check_corpus(syn, 12)
    assert syn["sentences_from"] == "fa-kes" and syn["streamed"] is True
    assert out["peak_rss_mb"] >= max(fakes["peak_rss_mb"]["self"], syn["peak_rss_mb"]["self"])


def test_bench_without_shared_uses_builtin_sentences(tmp_path):
    r = run_bench("--quick", "--json", "--synthetic", "8", env={"FRONTLINE_SHARED": str(tmp_path / "none")})
    out = json.loads(r.stdout)
    assert out["corpora"]["fa-kes"]["available"] is False
    assert "not found" in out["corpora"]["fa-kes"]["note"]
    assert out["headline_corpus"] == "synthetic"
    check_corpus(out["corpora"]["synthetic"], 8)
    assert out["corpora"]["synthetic"]["sentences_from"] == "built-in"
    for key in HEADLINE:
        assert positive(out[key]), key


def test_bench_table_in_process(monkeypatch, capsys, tmp_path):
    """The human-readable table names every measure (in process, built-in sentences, no ingest)."""
    monkeypatch.setenv("FRONTLINE_SHARED", str(tmp_path / "none"))
    assert bench.main(["--synthetic", "5", "--no-ingest", "--quiet"]) == 0
    out = capsys.readouterr().out
    for word in ("tokenizer s", "extract s", "ratio", "ingest s", "peak RSS", "synthetic (built-in)",
                 "FA-KES not found"):
        assert word in out, word


def test_bench_refuses_negative_sizes(capsys):
    assert bench.main(["--synthetic", "-1"]) == 2
    assert "--synthetic" in capsys.readouterr().err
