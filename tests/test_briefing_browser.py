"""The one-file HTML briefing opens offline in headless Chromium (all network blocked).

Skipped only outside CI when no Chromium is installed; under CI=true it must run.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
import screenshot  # noqa: E402
from conftest import playwright_or_skip  # noqa: E402

from frontline import queries as q  # noqa: E402
from frontline.exports import briefing  # noqa: E402
from frontline.queries import Filters  # noqa: E402

playwright = playwright_or_skip(screenshot.CHROMIUM)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from frontline.readers import read_paths
    from frontline.ingest.pipeline import ingest
    from frontline.store import connect
    tmp = tmp_path_factory.mktemp("briefing")
    conn = connect(tmp / "seed.duckdb")
    try:
        ingest(conn, read_paths([ROOT / "seeds"]))
        f = Filters()
        head = q.headline_for(q.headline(conn, f), "all")
        out = briefing.write(conn, f, tmp / "briefing.html")
    finally:
        conn.close()
    return out, head


def test_briefing_renders_offline(seeded):
    path, head = seeded
    assert head["incidents"] > 0, "the seed produced no incidents"
    requested, blocked, errors = [], [], []
    with playwright.sync_playwright() as p:
        browser = screenshot.launch(p)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            def route(r):
                url = r.request.url
                requested.append(url)
                if url.startswith(("file://", "data:")):
                    r.continue_()
                else:
                    blocked.append(url)
                    r.abort()

            page.route("**/*", route)
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_selector("svg rect, svg circle", timeout=20_000)

            nums = {el.get_attribute("data-field"): el.inner_text().strip()
                    for el in page.locator(".card .num").all()}
            text = page.inner_text("body")
            n_plots = page.locator("section svg").count()
            n_svg = page.locator("svg").count()
        finally:
            browser.close()

    assert not blocked, f"the briefing needed the network: {blocked[:5]}"
    assert requested and all(u.startswith(("file://", "data:")) for u in requested)
    assert not errors, errors
    assert nums["incidents"] == f"{head['incidents']:,}"
    # killed card is "N" or "N (lo–hi)"
    killed = re.match(r"[\d,]+", nums["killed"]).group(0)
    assert killed == f"{head['killed']:,}"
    if head["killed_low"] != head["killed_high"]:
        assert f"{head['killed_low']:,}–{head['killed_high']:,}" in nums["killed"]
    assert "Frontline briefing" in text
    assert n_plots >= 1 and n_svg >= 2
