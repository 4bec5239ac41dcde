"""The extractor's quality on ../shared/eval/gold, held to issue 3's targets (skipped without ../shared)."""
import importlib.util
import tempfile
from pathlib import Path

import pytest

from frontline.__main__ import eval_articles, write_jsonl

pytestmark = pytest.mark.needs_shared

TARGETS = {
    "incident": {"f1": 0.90, "strict_f1": 0.75, "event_date": 0.90, "side": 0.90, "killed": 0.90},
    "diplomacy": {"f1": 0.80, "strict_f1": 0.65},
}


@pytest.fixture(scope="module")
def report(project_root):
    from conftest import _shared_dir
    shared = _shared_dir()
    gold = shared / "eval" / "gold"
    spec = importlib.util.spec_from_file_location("gold_scorer", shared / "eval" / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pred.jsonl"
        write_jsonl(eval_articles(gold, shared / "corpora" / "fa-kes" / "FA-KES-Dataset.csv",
                                  project_root / "seeds"), out)
        return scorer.score(str(out), str(gold))


@pytest.mark.parametrize("kind,measure", [(k, m) for k, ms in TARGETS.items() for m in ms])
def test_quality_target(report, kind, measure):
    got = report[kind][measure] if measure in report[kind] else report[kind]["field_accuracy"][measure]
    assert got >= TARGETS[kind][measure], f"{kind} {measure} {got} below {TARGETS[kind][measure]}"


def test_every_gold_article_is_scored(report):
    assert report["articles"] == 19
