"""Serve the dashboard on loopback and save a screenshot of every page.

    .venv/bin/python scripts/screenshot.py [--db PATH] [--out docs/screenshots] [--synthetic N]

Without ``--db`` it builds a temporary store: the hand-made rows of
tests/fake_store.py plus N synthetic incidents (default 300), or, with
``--seed``, the seed article ingested through the real pipeline.
Uses Debian's /usr/bin/chromium through Playwright; no network but loopback.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("FRONTLINE_CHROMIUM", "/usr/bin/chromium")
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
PAGES = [("overview", ""), ("map", "map"), ("casualties", "casualties"), ("diplomacy", "diplomacy"),
         ("evidence", "evidence"), ("ingest", "ingest"), ("review", "review"), ("export", "export")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(db: Path, port: int | None = None, timeout: float = 60):
    """Run ``streamlit run app.py`` on 127.0.0.1 with FRONTLINE_DB=db; yield the base URL."""
    port = port or free_port()
    env = dict(os.environ, FRONTLINE_DB=str(db), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        t0 = time.time()
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() - t0 > timeout:
                log.seek(0)
                raise RuntimeError("streamlit did not start:\n" + log.read()[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        os.unlink(log.name)


def wait_idle(page, timeout: float = 30_000, settle: float = 1.0) -> None:
    """Wait until Streamlit has finished running the script: the app is there, the
    'Running…' status and element skeletons are gone, three checks in a row."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout)
    t0, calm = time.time(), 0
    while time.time() - t0 < timeout / 1000 and calm < 3:
        busy = page.locator('[data-testid="stStatusWidget"]').count() + \
            page.locator('[data-testid="stSkeleton"]').count() + \
            page.locator('[data-stale="true"]').count()
        calm = 0 if busy else calm + 1
        page.wait_for_timeout(250)
    page.wait_for_timeout(int(settle * 1000))


def launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)


def build_store(args, tmp: Path) -> Path:
    if args.db:
        return Path(args.db)
    db = tmp / "screens.duckdb"
    if args.seed:
        from frontline.readers import read_paths
        from frontline.ingest.pipeline import ingest
        from frontline.store import connect
        c = connect(db)
        ingest(c, read_paths([ROOT / "seeds"]))
        c.close()
        return db
    sys.path.insert(0, str(ROOT / "tests"))
    import fake_store
    return fake_store.make_store(db, n_random=args.synthetic)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db")
    ap.add_argument("--seed", action="store_true", help="ingest seeds/ through the real pipeline")
    ap.add_argument("--synthetic", type=int, default=300)
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    ap.add_argument("--pages", default=",".join(n for n, _ in PAGES))
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--query", default="", help="URL query for every page, e.g. from=2016-10-01&to=2016-10-31")
    ap.add_argument("--url", help="an already running dashboard (e.g. http://127.0.0.1:8612): no server is started")
    ap.add_argument("--suffix", default="", help="added to every file name, e.g. -1920")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    wanted = set(args.pages.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="frontline_shots_"))
    try:
        running = contextlib.nullcontext(args.url.rstrip("/")) if args.url else serve(build_store(args, tmp))
        with running as url, sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            for name, path in PAGES:
                if name not in wanted:
                    continue
                page.goto(f"{url}/{path}" + (f"?{args.query}" if args.query else ""), wait_until="domcontentloaded")
                wait_idle(page, settle=2.5 if name in ("map", "casualties", "diplomacy") else 1.0)
                target = out / f"{name}{args.suffix}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
