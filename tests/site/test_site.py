"""Browser test of the built website: every page, as an offline reader's browser shows it.

Serves ``_build/html`` on 127.0.0.1, opens each page in Debian's headless Chromium (driven by
Playwright; no browser is downloaded), blocks every request that would leave the machine
and asserts: math is typeset by the site's own MathJax, every image loads, no request fails,
no JavaScript error outside ``ALLOWED_JS_ERRORS``, explorers respond, exercise solutions
open, and axe-core finds no serious or critical accessibility violation. A screenshot of
each page goes to ``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
# Debian's chromium here; CHROMIUM_PATH elsewhere (e.g. the Chrome on CI runners).
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Known, harmless upstream noise (documented in the README).
ALLOWED_JS_ERRORS = (
    # sphinx-book-theme declares THEBE_JS_URL in two scripts it includes on every page.
    "Identifier 'THEBE_JS_URL' has already been declared",
)

pytestmark = pytest.mark.site


_REFRESH = re.compile(r'http-equiv="refresh"[^>]*url=([^"]+)"', re.IGNORECASE)


def _html_files() -> list[Path]:
    if not SITE.is_dir():
        return []
    skip = ("_static/", "_sources/", "_images/", "vendor/", "_downloads/")
    return sorted(p for p in SITE.rglob("*.html") if not str(p.relative_to(SITE)).startswith(skip))


def _is_redirect(path: Path) -> bool:
    return bool(_REFRESH.search(path.read_text(errors="replace")[:2000]))


PAGES = [str(p.relative_to(SITE)) for p in _html_files() if not _is_redirect(p)]
REDIRECTS = [str(p.relative_to(SITE)) for p in _html_files() if _is_redirect(p)]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server():
    if not SITE.is_dir():
        pytest.fail("No site in _build/html: run `make book` (or `make test`) first.")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium not found: `make test` installs Debian's chromium with apt.")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


class PageVisit:
    """One page loaded with every request, failure and error recorded."""

    def __init__(self, browser, server: str, rel: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.external: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []

        def route(r):
            url = r.request.url
            if url.startswith(server) or url.startswith("data:") or url.startswith("blob:"):
                r.continue_()
            else:
                self.external.append(url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on(
            "requestfailed",
            lambda r: (
                self.failed.append(f"{r.url} ({r.failure})") if r.url.startswith(server) else None
            ),
        )
        self.page.on(
            "response",
            lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None,
        )
        self.page.goto(f"{server}/{rel}", wait_until="load")
        # Wait for MathJax (if the page loads it) to finish typesetting.
        self.page.evaluate(
            "() => (window.MathJax && MathJax.startup && MathJax.startup.promise)"
            " ? MathJax.startup.promise.then(() => true) : true"
        )
        self.page.wait_for_load_state("networkidle")

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not any(a in e for a in ALLOWED_JS_ERRORS)]

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def visits(browser, server):
    cache: dict[str, PageVisit] = {}

    def get(rel: str) -> PageVisit:
        if rel not in cache:
            cache[rel] = PageVisit(browser, server, rel)
        return cache[rel]

    yield get
    for v in cache.values():
        v.close()


def test_site_has_all_pages():
    names = set(PAGES)
    assert "index.html" in names or "intro.html" in names
    chapters = [p for p in names if p.startswith("chapters/")]
    assert len(chapters) == len(list((ROOT / "chapters").glob("*.ipynb"))), chapters
    for ref in ("reference/api.html", "reference/notation.html", "reference/glossary.html"):
        assert ref in names, f"missing {ref}"


@pytest.mark.parametrize("rel", REDIRECTS)
def test_redirect_target_exists(rel):
    target = _REFRESH.search((SITE / rel).read_text())[1].split("#")[0]
    assert (SITE / rel).parent.joinpath(target).is_file(), f"{rel} redirects to missing {target}"


@pytest.mark.parametrize("rel", PAGES)
def test_page(visits, rel):
    v = visits(rel)
    page = v.page
    assert not v.external, f"{rel} requested off-machine URLs: {v.external[:5]}"
    assert not v.failed, f"{rel} had failed requests: {v.failed[:5]}"
    assert not v.unexpected_errors(), f"{rel} had JavaScript errors: {v.unexpected_errors()[:5]}"

    # Math: every math node typeset, no raw TeX delimiters left in the prose.
    n_math = page.locator(".math").count()
    if n_math:
        assert page.locator("mjx-container").count() >= n_math, f"{rel}: math not typeset"
    prose = page.evaluate(
        """() => { const b = document.body.cloneNode(true);
                   b.querySelectorAll('pre, code, script, style, mjx-container, .highlight')
                    .forEach(e => e.remove());
                   return b.innerText; }"""
    )
    for raw in ("$$", "\\(", "\\[", "\\begin{"):
        assert raw not in prose, f"{rel}: raw TeX {raw!r} in the rendered text"

    # Images: every <img> (including explorer frames) decoded.
    broken = page.evaluate(
        """() => Array.from(document.images)
                 .filter(i => !(i.complete && i.naturalWidth > 0))
                 .map(i => i.src.slice(0, 80))"""
    )
    assert not broken, f"{rel}: images that did not load: {broken[:5]}"
    # Every image says what it shows: no missing alt, and not Sphinx's default (the file path).
    undescribed = page.evaluate(
        """() => Array.from(document.images)
                 .map(i => i.getAttribute('alt'))
                 .filter(a => a === null || a.trim().length < 10
                              || /_images\\/|\\.(png|jpe?g|svg|gif)$/i.test(a.trim()))"""
    )
    assert not undescribed, f"{rel}: images without a description: {undescribed[:3]}"

    # No dead widget: every saved widget view is either absent or replaced by a player.
    assert page.locator(".jupyter-widgets-disconnected").count() == 0

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (re.sub(r"[/\\]", "__", rel)[:-5] + ".png")), full_page=True)


@pytest.mark.parametrize("rel", PAGES)
def test_accessibility(visits, rel):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(visits(rel).page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} e.g. {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{rel}: accessibility violations:\n" + "\n".join(bad)


def _chapter_pages() -> list[str]:
    return [p for p in PAGES if p.startswith("chapters/")]


@pytest.mark.parametrize("rel", _chapter_pages())
def test_chapter_explorer_responds(visits, rel):
    """Each chapter has a pre-rendered explorer; moving its slider changes the figure."""
    page = visits(rel).page
    explorers = page.locator(".dgm-explorer")
    assert explorers.count() >= 1, f"{rel}: no explorer on the page"
    first = explorers.first
    first.scroll_into_view_if_needed()
    visible_src = (
        "e => Array.from(e.querySelectorAll('img')).filter(i => !i.hidden).map(i => i.src)"
    )
    before = first.evaluate(visible_src)
    assert len(before) == 1, f"{rel}: expected one visible frame, got {len(before)}"
    slider = first.locator("input[type=range]").first
    maximum = int(slider.get_attribute("max"))
    current = int(slider.input_value())
    target = maximum if current != maximum else 0
    slider.focus()
    # Drive it as a user would: keyboard steps on the focused range input.
    key = "ArrowRight" if target > current else "ArrowLeft"
    for _ in range(abs(target - current)):
        page.keyboard.press(key)
    after = first.evaluate(visible_src)
    assert len(after) == 1 and after != before, f"{rel}: the explorer did not change its figure"
    label = first.locator("output").first.inner_text()
    assert label, f"{rel}: the slider's value label is empty"


@pytest.mark.parametrize("rel", _chapter_pages())
def test_exercise_solutions_open(visits, rel):
    """Each chapter ends with exercises whose solutions are hidden and open on click."""
    page = visits(rel).page
    assert page.locator(".exercise").count() >= 3, f"{rel}: fewer than 3 exercises"
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() >= 1, f"{rel}: no hidden solutions"
    sol = solutions.first
    body = sol.locator(".section, .solution-content, section").first
    assert not body.is_visible(), f"{rel}: the solution is not hidden"
    sol.locator("button.toggle-button, .toggle-button").first.click()
    page.wait_for_timeout(400)
    assert body.is_visible(), f"{rel}: the solution did not open"
