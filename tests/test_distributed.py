"""Dask ingest: a two-worker LocalCluster of processes on 127.0.0.1 extracts partitions
into Parquet, the store loads them, and the tables equal a single-process ingest."""
from __future__ import annotations

import pandas as pd
import pytest

from frontline import store, synthetic
from frontline.readers import read_paths
from frontline.ingest import pipeline

distributed = pytest.importorskip("distributed")
from frontline.ingest import dask as fdist  # noqa: E402

TABLES = ("articles", "incidents", "claims", "diplomacy", "fused_incidents")


def tables_of(conn) -> dict:
    out = {}
    for t in TABLES:
        df = store.read_table(conn, t).drop(columns=["ingested_at"], errors="ignore")
        out[t] = df.sort_values(list(df.columns[:2])).reset_index(drop=True)
    return out


def assert_same(a: dict, b: dict):
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], obj=t)


@pytest.fixture(scope="module")
def articles(project_root):
    """40 articles read: the seed, 38 synthetic ones (built-in sentences), one of them again."""
    seed = list(read_paths([project_root / "seeds"], warn=lambda m: None))
    syn = list(synthetic.synthetic_articles(38, seed=11, pool=synthetic.builtin_pool()))
    return seed + syn + [syn[5]]


@pytest.fixture(scope="module")
def client():
    cluster = fdist.local_cluster(2, processes=True)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.fixture(scope="module")
def single(articles, tmp_path_factory):
    conn = store.connect(tmp_path_factory.mktemp("single") / "one.duckdb")
    report = pipeline.ingest(conn, iter(articles), workers=1)
    yield report, tables_of(conn)
    conn.close()


def test_cluster_is_two_processes_on_loopback(client):
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    assert all(addr.startswith("tcp://127.0.0.1:") for addr in workers)
    pids = set(client.run(lambda: __import__("os").getpid()).values())
    assert len(pids) == 2 and __import__("os").getpid() not in pids


def test_dask_ingest_equals_single_process(client, articles, single, tmp_path):
    report1, expected = single
    parquet = tmp_path / "parquet"
    conn = store.connect(tmp_path / "dask.duckdb")
    try:
        report = fdist.ingest_dask(conn, iter(articles), address=client, partition_size=10, parquet_dir=parquet)
        assert (report.articles, report.incidents, report.diplomacy, report.claims) == \
            (report1.articles, report1.incidents, report1.diplomacy, report1.claims)
        assert report.fused == report1.fused and report.workers == 2
        got = tables_of(conn)
    finally:
        conn.close()
    assert len(articles) == 40
    assert len(expected["articles"]) == 39 and len(expected["incidents"]) > 0
    assert_same(expected, got)
    # one Parquet file per table and partition (40 articles in partitions of 10)
    for table in fdist.TABLES:
        parts = sorted(p.name for p in (parquet / table).glob("*.parquet"))
        assert parts == [f"part-{i:06d}.parquet" for i in range(4)], (table, parts)


def test_parquet_loads_into_another_store(client, articles, single, tmp_path):
    parquet = tmp_path / "pq"
    conn = store.connect(tmp_path / "a.duckdb")
    fdist.ingest_dask(conn, iter(articles), address=client, partition_size=16, parquet_dir=parquet)
    conn.close()
    conn = store.connect(tmp_path / "b.duckdb")
    try:
        fdist.load_parquet(conn, parquet)
        assert_same(single[1], tables_of(conn))
    finally:
        conn.close()


def test_missing_parts_are_a_clear_error(tmp_path):
    conn = store.connect(tmp_path / "c.duckdb")
    try:
        with pytest.raises(fdist.DaskError, match="no Parquet parts"):
            fdist.load_parquet(conn, tmp_path / "nothing")
        with pytest.raises(fdist.DaskError, match="not visible here"):
            fdist.read_parts(conn, tmp_path / "nothing", 0)
    finally:
        conn.close()


def test_cli_dask_local(project_root, tmp_path):
    """``ingest --dask local`` as a whole process equals a plain ingest of the same input."""
    import subprocess
    import sys

    corpus = tmp_path / "syn.jsonl"
    synthetic.write_jsonl(corpus, 24, seed=5, pool=synthetic.builtin_pool())
    env = {k: v for k, v in __import__("os").environ.items() if k != "FRONTLINE_DB"}

    def cli(*args):
        r = subprocess.run([sys.executable, "-m", "frontline", "ingest", str(corpus), *map(str, args)],
                           capture_output=True, text=True, cwd=project_root, env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        return r
    cli("--db", tmp_path / "plain.duckdb", "--quiet", "--workers", "1")
    r = cli("--db", tmp_path / "dask.duckdb", "--dask", "local", "--batch-size", "8",
            "--parquet-dir", tmp_path / "pq")
    assert "24 articles" in r.stdout and "extracting on Dask" in r.stderr
    assert len(list((tmp_path / "pq" / "incidents").glob("part-*.parquet"))) == 3
    plain, dask = store.connect(tmp_path / "plain.duckdb"), store.connect(tmp_path / "dask.duckdb")
    try:
        # fusion is compared in-process above (frontline.fusion is not yet independent of hash seeds)
        for t in ("articles", "incidents", "claims", "diplomacy"):
            a = store.read_table(plain, t).drop(columns=["ingested_at", "cluster_id"], errors="ignore")
            b = store.read_table(dask, t).drop(columns=["ingested_at", "cluster_id"], errors="ignore")
            pd.testing.assert_frame_equal(a, b, obj=t)
    finally:
        plain.close()
        dask.close()
