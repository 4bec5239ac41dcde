"""The extractor's quality on every gold file in ../shared/eval/gold (skipped without ../shared).

The floors are what the extractor reaches at the last submission, rounded down (issue 10: the gate
follows the data it reads and is raised as the extractor improves, up to the issue's targets)."""
import importlib.util
import json
import tempfile
from pathlib import Path

import pytest

from frontline.evaluation import eval_articles, write_jsonl

pytestmark = pytest.mark.needs_shared

FLOORS = {
    "incident": {"f1": 0.93, "strict_f1": 0.82, "event_date": 0.93, "event_type": 0.99, "actor": 0.97,
                 "side": 0.96, "killed": 0.97, "injured": 1.0, "children_killed": 1.0},
    "diplomacy": {"f1": 0.97, "strict_f1": 0.95, "event_date": 0.97, "event_type": 1.0, "actors": 1.0},
}
SEED_ID = "000_388484fd9ac85dd6"


def _scorer(shared):
    spec = importlib.util.spec_from_file_location("gold_scorer", shared / "eval" / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    return scorer


@pytest.fixture(scope="module")
def predictions(project_root):
    from conftest import _shared_dir
    shared = _shared_dir()
    gold = shared / "eval" / "gold"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pred.jsonl"
        write_jsonl(eval_articles(gold, shared / "corpora" / "fa-kes" / "FA-KES-Dataset.csv",
                                  project_root / "seeds"), out)
        yield shared, gold, out


@pytest.fixture(scope="module")
def report(predictions):
    shared, gold, out = predictions
    return _scorer(shared).score(str(out), str(gold))


@pytest.mark.parametrize("kind,measure", [(k, m) for k, ms in FLOORS.items() for m in ms])
def test_quality_floor(report, kind, measure):
    got = report[kind][measure] if measure in report[kind] else report[kind]["field_accuracy"][measure]
    assert got >= FLOORS[kind][measure], f"{kind} {measure} {got} below {FLOORS[kind][measure]}"


def test_every_gold_article_is_scored(report, predictions):
    _, gold, out = predictions
    gold_ids = {json.loads(p.read_text())["article_id"] for p in gold.glob("*.json")}
    predicted_ids = {json.loads(line)["article_id"] for line in out.read_text().splitlines() if line.strip()}
    assert report["articles"] == len(gold_ids)
    assert gold_ids - predicted_ids <= {gid for gid in gold_ids
                                        if not json.loads((gold / f"{gid}.json").read_text()).get("incidents")
                                        and not json.loads((gold / f"{gid}.json").read_text()).get("diplomacy")}


def test_the_seed_stays_perfect(predictions, tmp_path):
    shared, gold, out = predictions
    if not (gold / f"{SEED_ID}.json").is_file():
        pytest.skip("the seed's gold file is not in ../shared/eval/gold")
    (tmp_path / f"{SEED_ID}.json").write_text((gold / f"{SEED_ID}.json").read_text())
    seed = _scorer(shared).score(str(out), str(tmp_path))
    for kind in ("incident", "diplomacy"):
        assert seed[kind]["f1"] == 1.0 and seed[kind]["strict_f1"] == 1.0, (kind, seed[kind])
