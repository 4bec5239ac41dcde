"""The dashboard in headless Chromium (Playwright, Debian's /usr/bin/chromium), served on loopback.

Skipped only outside CI when no Chromium is installed; under CI=true it must run.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(Path(__file__).parent))
import fake_store  # noqa: E402
import screenshot  # noqa: E402
from conftest import playwright_or_skip  # noqa: E402

playwright = playwright_or_skip(screenshot.CHROMIUM)



@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where the tests' screenshots go: $FRONTLINE_SCREENSHOTS when set, else a pytest
    temporary folder (nothing lands in docs/screenshots, so runs cause no git churn)."""
    folder = os.environ.get("FRONTLINE_SCREENSHOTS")
    if folder:
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        return out
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = fake_store.make_store(tmp_path_factory.mktemp("browser") / "b.duckdb")
    with screenshot.serve(db) as url:
        yield url, db


@pytest.fixture(scope="module")
def page(app):
    with playwright.sync_playwright() as p:
        browser = screenshot.launch(p)
        pg = browser.new_page(viewport={"width": 1500, "height": 1000})
        yield pg
        browser.close()


def goto(page, url):
    page.goto(url, wait_until="domcontentloaded")
    screenshot.wait_idle(page, settle=1.0)


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^{re.escape(label)}$")))
    return box.first.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_flow_filter_click_evidence(app, page):
    url, _ = app
    goto(page, url + "/?area=syria")
    assert metric(page, "Killed") == "35"
    # the date filter, kept in the URL: from 13 October on
    goto(page, url + "/?from=2016-10-13")
    assert metric(page, "Killed") == "22"
    assert "from=2016-10-13" in page.url
    # click a bar of the casualty chart -> its sentences -> the Evidence page
    goto(page, url + "/casualties?from=2016-10-13")
    bar = page.locator('[data-testid="stPlotlyChart"] .barlayer .point path').first
    bar.click(force=True)
    screenshot.wait_idle(page, settle=1.0)
    page.get_by_role("button", name=re.compile("Open in Evidence")).click()
    screenshot.wait_idle(page, settle=1.0)
    assert "/evidence" in page.url
    text = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
    assert "killed" in text.lower()
    # hostile title shows as literal text
    goto(page, url + "/evidence?article=a4")
    assert "<script>alert(1)</script>" in page.locator('[data-testid="stMainBlockContainer"]').inner_text()


def test_review_edit_changes_casualty_figure(app, page, shots):
    """Correct a killed figure in the Review page's editor; after a reload the casualty page
    shows the corrected total."""
    url, _ = app
    goto(page, url + "/casualties?area=syria")
    assert page.locator("text=/\\d[\\d,]* killed/").first.inner_text().startswith("35 killed")
    goto(page, url + "/review")
    # glide-data-grid draws on a canvas; its accessible cells (glide-cell-<col>-<row>) take focus
    row = page.evaluate("""Array.from(document.querySelectorAll('[id^=glide-cell-2-]'))
                             .find(e => e.textContent === 'a4:i1').id.split('-').pop()""")
    # click the first row's event_id cell (read-only: selecting it changes nothing), then walk
    # with the arrow keys to the killed cell of that row
    page.wait_for_selector("#glide-cell-2-0", state="attached")
    page.wait_for_timeout(500)
    grid = page.locator('[data-testid="stDataFrameResizable"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 110, box["y"] + 35 + 17)
    page.wait_for_timeout(800)                              # a loaded machine (parallel tests) is slow to focus
    for _ in range(int(row)):
        page.keyboard.press("ArrowDown", delay=40)
    for _ in range(6):                                      # event_id (2) -> killed (8)
        page.keyboard.press("ArrowRight", delay=40)
    page.keyboard.press("Enter")                            # open the cell editor
    page.wait_for_timeout(800)
    page.keyboard.press("Control+a")
    page.keyboard.type("60", delay=40)
    page.keyboard.press("Enter")
    screenshot.wait_idle(page, settle=1.0)
    alerts = ""
    for _ in range(30):                                     # the save reruns the page: wait for its message
        alerts = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
        if "Saved 1 change" in alerts:
            break
        page.wait_for_timeout(500)
    assert "Saved 1 change" in alerts
    page.get_by_role("tab", name="Audit log").click()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "review_audit.png"))
    goto(page, url + "/casualties?area=syria")
    page.reload()
    screenshot.wait_idle(page, settle=1.0)
    after = page.locator("text=/\\d[\\d,]* killed/").first.inner_text()
    assert after.startswith("89 killed"), after          # 35 - 6 + 60


@pytest.mark.parametrize("name, path", screenshot.PAGES)
def test_screenshot_every_page(app, page, shots, name, path):
    url, _ = app
    goto(page, f"{url}/{path}")
    assert not page.locator('[data-testid="stException"]').count()
    page.screenshot(path=str(shots / f"test_{name}.png"), full_page=True)


LOOPBACK = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/")


def test_nothing_requested_from_outside(app, page):
    """Every page, both map views and the opening redirect ask only the loopback server (or data:/blob:)
    for anything: no font, icon, tile or script host."""
    url, _ = app
    outside, seen = [], []
    ctx = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        def route(r):
            u = r.request.url
            seen.append(u)
            if LOOPBACK.match(u) or u.startswith(("data:", "blob:")):
                r.continue_()
            else:
                outside.append(u)
                r.abort()
        ctx.route("**/*", route)
        pg = ctx.new_page()
        pg.on("websocket", lambda ws: seen.append(ws.url) if LOOPBACK.match(ws.url) else outside.append(ws.url))
        icons = set()
        for _, path in screenshot.PAGES:
            goto(pg, f"{url}/{path}")
            icons.update(pg.evaluate("""Array.from(document.querySelectorAll("link[rel*='icon']"))
                                        .map(l => l.href)"""))
            if path == "map":
                tabs = pg.get_by_role("tab")
                if tabs.count() > 1:
                    tabs.nth(1).click()
                    pg.wait_for_timeout(1500)
    finally:
        ctx.close()
    assert seen, "no request was seen"
    assert not outside, f"requests to outside hosts: {sorted(set(outside))[:10]}"
    assert icons and all(LOOPBACK.match(i) or i.startswith("data:") for i in icons), icons
