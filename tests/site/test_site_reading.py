"""The website read closely: paths, output boxes, search, phones, launch and download links.

Run on the built site (``_build/html``) in Debian's Chromium: ``pytest --site tests/site``.

* No absolute path of a machine in any page (deliberate tracebacks show
  ``dgm_utils/bayesnet.py``, ``_ext/short_paths.py``).
* One output box per printed table (MyST-NB's ``nb_merge_streams``).
* Search results, served over HTTP and opened from ``file://``: snippets are prose (no maths
  source ``\\(``, no launch or download menu text), the query is highlighted as whole words
  ("d-separation" does not mark every "d"), and the magnifier does not cover the query.
* At 390 px every multi-panel figure and explorer frame lies within the screen's width;
  at desktop width the sliders of a page's explorers line up.
* Each chapter's launch links (Binder, JupyterHub, Colab) and its download button give the
  student notebook (``notebooks/``), the very file in the repository.
"""

from __future__ import annotations

import functools
import http.server
import re
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
PHONE = {"width": 390, "height": 844}
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
MENU_TEXT = ("Binder", "JupyterHub", "Colab", "Suggest edit", "Open issue", "Print to PDF")
# An absolute path (POSIX or Windows) into the package, site-packages or this checkout.
ABSOLUTE = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][\w.-]+)+[/\\](?:dgm_utils|site-packages)[/\\]")

pytestmark = pytest.mark.site


def _pages() -> list[Path]:
    skip = ("_static/", "_sources/", "_images/", "vendor/", "_downloads/")
    return sorted(p for p in SITE.rglob("*.html") if not str(p.relative_to(SITE)).startswith(skip))


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture(scope="module")
def server():
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_no_machine_path_in_any_page():
    assert _pages(), "build the site first"
    for page in _pages():
        text = _text(page.read_text())
        assert str(ROOT) not in text and sys.prefix not in text, page.name
        found = ABSOLUTE.findall(text)
        assert not found, f"{page.relative_to(SITE)}: {found[:3]}"
    # The deliberate tracebacks still name the package's file.
    assert re.search(
        r"dgm_utils/bayesnet/\w+\.py", (SITE / "chapters" / "04_bayesian_networks.html").read_text()
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_one_output_box_per_printed_table(chapter):
    html = (SITE / "chapters" / f"{chapter}.html").read_text()
    outputs = html.split('<div class="cell_output docutils container">')[1:]
    assert outputs
    for out in outputs:
        cell = out.split('<div class="cell docutils container"', 1)[0]
        streams = re.findall(r'<div class="output (stream|stderr)', cell)
        assert streams.count("stream") <= 1, f"{chapter}: {len(streams)} boxes: {_text(cell)[:200]}"


def _search(browser, url: str, query: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}?q={query}", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=20_000)
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results p.context').length >= 3", timeout=20_000
    )
    page.wait_for_timeout(500)  # the last snippets and their highlighting
    return page


@pytest.mark.parametrize("where", ["http", "file"])
def test_search_snippets_are_prose_and_whole_words_are_highlighted(browser, server, where):
    url = f"{server}/search.html" if where == "http" else (SITE / "search.html").as_uri()
    page = _search(browser, url, "d-separation")
    try:
        snippets = page.locator("#search-results p.context").all_text_contents()
        marked = page.locator("#search-results .highlighted").all_text_contents()
        assert any("d-separation" in s for s in snippets)
        assert marked and {m.lower() for m in marked} <= {"d-separation", "separation"}, marked
        # The magnifier sits left of the typed query.
        boxes = page.evaluate(
            """() => Array.from(document.querySelectorAll('form.bd-search'))
                .map(f => [f.querySelector('i'), f.querySelector('input')])
                .filter(([i, inp]) => inp.getBoundingClientRect().width > 0)
                .map(([i, inp]) => [i.getBoundingClientRect().right,
                     inp.getBoundingClientRect().left + parseFloat(getComputedStyle(inp).paddingLeft),
                     inp.value])"""
        )
        assert boxes
        for icon_right, text_left, value in boxes:
            assert value == "d-separation"
            assert text_left >= icon_right, (
                f"the magnifier covers the query ({icon_right} > {text_left})"
            )
    finally:
        page.close()
    page = _search(browser, url, "parameters")
    try:
        for snippet in page.locator("#search-results p.context").all_text_contents():
            assert "\\(" not in snippet and "\\[" not in snippet, snippet
            assert not [m for m in MENU_TEXT if m in snippet], snippet
    finally:
        page.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_phone_figures_within_the_screen(browser, chapter):
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page.goto((SITE / "chapters" / f"{chapter}.html").as_uri(), wait_until="load")
        figures = page.evaluate(
            """() => Array.from(document.querySelectorAll(
                        '.cell_output img[data-dgm-wide], .dgm-explorer img'))
                     .filter(i => i.offsetWidth > 0)
                     .map(i => { const r = i.getBoundingClientRect();
                       return {src: i.getAttribute('src').slice(-24), left: r.left, right: r.right,
                               scale: r.width / i.naturalWidth}; })"""
        )
        outside = [f for f in figures if f["left"] < 0 or f["right"] > PHONE["width"] + 0.5]
        assert not outside, f"{chapter}: panels off screen at 390 px: {outside[:3]}"
    finally:
        page.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_explorer_sliders_line_up(browser, chapter):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((SITE / "chapters" / f"{chapter}.html").as_uri(), wait_until="load")
        lefts = page.evaluate(
            """() => Array.from(document.querySelectorAll('.dgm-explorer-control input[type=range]'))
                     .filter(i => i.offsetWidth > 0)
                     .map(i => Math.round(i.getBoundingClientRect().left
                                          - i.closest('.dgm-explorer').getBoundingClientRect().left))"""
        )
        # Measured from each explorer's own left edge: an explorer inside a folded box is
        # indented with the box, and its sliders still line up with every other explorer's.
        assert len(set(lefts)) <= 1, f"{chapter}: sliders start at {sorted(set(lefts))}"
    finally:
        page.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_and_download_give_the_student_notebook(chapter):
    html = (SITE / "chapters" / f"{chapter}.html").read_text()
    student = f"notebooks/{chapter}.ipynb"
    launch = re.findall(r'href="(https://(?:mybinder\.org|colab\.research|hub\.)[^"]+)"', html)
    assert len(launch) == 3, launch
    for url in launch:
        assert student in url and f"chapters/{chapter}" not in url, url
    local = [u for u in re.findall(r'href="([^"]+\.ipynb)"', html) if not u.startswith("http")]
    assert local == [f"../{student}"], local
    assert (SITE / student).read_bytes() == (ROOT / student).read_bytes()


def _plain(caption: str) -> list[str]:
    """A caption's first words, without Sphinx's typographic quotes and dashes."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "--", "—": "---"})
    return caption.translate(table).split()[:4]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_notebook_numbers_figures_and_exercises_as_the_site(chapter):
    import html as html_lib

    import nbformat

    page = (SITE / "chapters" / f"{chapter}.html").read_text()
    site = [
        (m[1].replace("Fig.", "Figure").strip(), _plain(html_lib.unescape(_text(m[2]))))
        for m in re.finditer(
            r'<span class="caption-number">([^<]*)</span>\s*<span class="caption-text">(.*?)</span>'
            r'\s*(?:<a class="headerlink"|</p>|</div>)',
            page,
            re.S,
        )
    ]
    nb = nbformat.read(ROOT / "notebooks" / f"{chapter}.ipynb", as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    student = [
        (m[1], _plain(m[2])) for m in re.finditer(r"\*\*(Figure \d+\.\d+)\.\*\* (.*)", prose)
    ]
    assert student and student == [s for s in site if s[0].startswith("Figure")]
    exercises = re.findall(r"\*\*(Exercise \d+\.\d+)\*\*", prose)
    assert exercises == sorted(
        {n for n in re.findall(r"Exercise \d+\.\d+", page)}, key=lambda e: int(e.split(".")[-1])
    )
