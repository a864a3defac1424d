"""Browser test of ``make lab``: JupyterLab shows the chapters as prose, not markup.

Starts JupyterLab from this environment (with jupyterlab-myst) on a free port with a token,
on a copy of the chapters in a temporary directory and with a fresh Jupyter data directory
(so every notebook opens untrusted, as a student's download does, and nothing is saved
into the repository). Debian's headless Chromium, driven by Playwright, opens:

* every chapter as saved: no raw MyST (``{glue``, ``{cite}``, ``{numref}``, ``{eval}``,
  ``:::{``, an unevaluated ``du.glued``) in the rendered markdown; exercise solutions are
  folded and open on a click; each explorer player shows exactly one frame, not a stack
  (JupyterLab's sanitizer removes the player's script in an untrusted notebook);
* one chapter (``LAB_RUN_CHAPTER``, chapter 2 by default) again after "Run All", with every
  stored ``{eval}`` result spoiled beforehand: the kernel recomputes each one, and the prose
  then reads exactly as the stored prose did (every number in the text equals the freshly
  computed one), still without raw markup.

Opt-in: ``pytest --lab tests/lab`` (``make test`` runs it after the site test).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from labserver import close_page, running_lab

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
RUN_CHAPTER = os.environ.get("LAB_RUN_CHAPTER", "02_discrete_distributions.ipynb")
RAW_MYST = ("{glue", "{cite}", "{cite:", "{numref}", "{eval}", ":::{", "```{", "du.glued[")

pytestmark = pytest.mark.lab

# Rendered markdown of a notebook: jupyterlab-myst renders into `.myst` inside each cell.
_PROSE = """() => Array.from(document.querySelectorAll('.jp-MarkdownCell'))
    .map(c => (c.querySelector('.myst') || c.querySelector('.jp-RenderedMarkdown') || c)
    .innerText)"""
# Per explorer player in an output: how many of its frames are visible.
_FRAMES = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output .dgm-explorer'))
    .map(e => Array.from(e.querySelectorAll('img'))
    .filter(i => i.offsetWidth > 0 && i.offsetHeight > 0).length)"""


# Replace the stored result of every {eval} in the open notebook by 'STALE'; returns how many.
_SPOIL = """() => {
    let n = 0;
    for (const cell of window.jupyterapp.shell.currentWidget.content.widgets) {
        const ue = cell.model.type === 'markdown' && cell.model.getMetadata('user_expressions');
        if (!ue) continue;
        cell.model.setMetadata('user_expressions', ue.map(e => ({...e,
            result: {...e.result, data: {'text/plain': "'STALE'"}}})));
        n += ue.length;
    }
    return n;
}"""
# True when no {eval} result is the spoiled one any more (each was recomputed by the kernel).
_NO_STALE = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'markdown')
    .every(c => !JSON.stringify(c.model.getMetadata('user_expressions') || []).includes('STALE'))"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, token) of a JupyterLab serving a copy of the chapters."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "book"
    shutil.copytree(ROOT / "chapters", root / "chapters")
    for name in ("dgm_utils", "references.bib", "reference"):  # what chapters point at
        (root / name).symlink_to(ROOT / name)
    args = ("--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    with running_lab(root, tmp, args=args) as lab:
        yield lab


def _open(browser, lab, name):
    base, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(120_000)
    # ?reset: a fresh workspace, so that no other notebook (and its kernel) is restored.
    page.goto(f"{base}/lab/tree/chapters/{name}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-MarkdownCell")
    n_cells = page.evaluate(
        "() => { const p = window.jupyterapp.shell.currentWidget;"
        " return p.content.model.cells.length; }"
    )
    # Every markdown cell rendered by jupyterlab-myst and every stored output attached.
    page.wait_for_function(
        """n => document.querySelectorAll('.jp-Notebook .jp-Cell').length === n
             && Array.from(document.querySelectorAll('.jp-MarkdownCell'))
                .every(c => c.querySelector('.myst'))""",
        arg=n_cells,
    )
    return page


def _glue_keys(name: str) -> list[str]:
    """The notebook's glue keys that cannot be ordinary words (they contain _ or a digit)."""
    import nbformat

    sys.path.insert(0, str(ROOT / "scripts"))
    import lab_prose

    nb = nbformat.read(ROOT / "chapters" / name, as_version=4)
    return [k for k in lab_prose.glue_outputs(nb) if re.search(r"[_0-9]", k)]


def _close(page, lab) -> None:
    close_page(page, lab)


def _raw_markup(prose: list[str], keys: list[str]) -> list[str]:
    """Raw MyST, or a glue key shown instead of its value (an unknown role shows its text)."""
    found = [
        (i, token, text) for i, text in enumerate(prose) for token in RAW_MYST if token in text
    ]
    found += [
        (i, key, text)
        for i, text in enumerate(prose)
        for key in keys
        if re.search(rf"(?<![\w.]){re.escape(key)}(?![\w(])", text)
    ]
    return [
        f"cell {i}: {token!r} in {text[max(0, text.find(token) - 60) :][:160]!r}"
        for i, token, text in found
    ]


@pytest.mark.parametrize("name", CHAPTERS)
def test_saved_chapter_reads_as_prose(browser, lab, name):
    page = _open(browser, lab, name)
    try:
        prose = page.evaluate(_PROSE)
        assert prose and any(p.strip() for p in prose), f"{name}: no rendered markdown"
        raw = _raw_markup(prose, _glue_keys(name))
        assert not raw, f"{name}: raw MyST in JupyterLab: {raw}"
        assert page.locator(".jp-MarkdownCell .myst-exercise").count() >= 1, f"{name}: exercises"

        # Solutions folded until clicked.
        solutions = page.locator(".jp-MarkdownCell details.myst-exercise")
        assert solutions.count() >= 1, f"{name}: no folded solutions"
        first = solutions.first
        assert first.get_attribute("open") is None, f"{name}: a solution is open"
        body = first.locator(":scope > :not(summary)").first
        assert not body.is_visible(), f"{name}: a folded solution's text is visible"
        first.locator("summary").click()
        body.wait_for(state="visible")

        # Explorer players in the untrusted notebook: one frame each, not a stack.
        frames = page.evaluate(_FRAMES)
        assert all(n == 1 for n in frames), f"{name}: visible frames per explorer {frames}"
    finally:
        _close(page, lab)


def test_chapter_after_run_all(browser, lab):
    page = _open(browser, lab, RUN_CHAPTER)
    try:
        before = page.evaluate(_PROSE)
        page.wait_for_function(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel"
            "?.status === 'idle'"
        )
        # Spoil every stored {eval} result: after the run, only the kernel can have put the
        # numbers back.
        spoiled = page.evaluate(_SPOIL)
        assert spoiled > 0, f"{RUN_CHAPTER}: no stored {{eval}} results to recompute"
        assert not page.evaluate(_NO_STALE), "the stored results could not be spoiled"
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # Done when every code cell has an execution count and the kernel is idle again.
        page.wait_for_function(
            """() => {
                const p = window.jupyterapp.shell.currentWidget;
                const cells = Array.from(p.content.model.cells);
                return p.sessionContext.session.kernel.status === 'idle'
                    && cells.filter(c => c.type === 'code').every(c => c.executionCount);
            }""",
            timeout=300_000,
        )
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
        assert not tracebacks, f"{RUN_CHAPTER}: errors when run in JupyterLab: {tracebacks[:2]}"
        # The re-rendered markdown (jupyterlab-myst re-evaluates {eval} in the kernel).
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.jp-MarkdownCell'))"
            ".every(c => c.querySelector('.myst'))"
        )
        page.wait_for_function(_NO_STALE)
        after = page.evaluate(_PROSE)
        raw = _raw_markup(after, _glue_keys(RUN_CHAPTER))
        assert not raw, f"{RUN_CHAPTER}: raw MyST after running: {raw}"
        changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
        assert not changed, f"{RUN_CHAPTER}: prose changed when recomputed: {changed[:2]}"
    finally:
        _close(page, lab)


@pytest.mark.parametrize("name", CHAPTERS)
def test_saved_chapter_answer_boxes_do_not_navigate(browser, lab, name):
    """Before the chapter runs (untrusted: no scripts, no inline handlers), each answer box
    says how to check, and clicking Check or pressing Enter changes nothing: no navigation,
    no reload. Exercises are numbered as on the site ("Exercise 3.1")."""
    page = _open(browser, lab, name)
    try:
        chapter = int(name[:2])
        exercises = page.locator(".jp-MarkdownCell .myst-exercise:not(details)")
        assert exercises.count() >= 3, f"{name}: exercises"
        titles = [exercises.nth(i).inner_text() for i in range(exercises.count())]
        for k, title in enumerate(titles, start=1):
            assert f"Exercise {chapter}.{k}" in title, (name, k, title[:80])
        navigations = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
        page.evaluate("() => { window.__dgmStay = true; }")
        url = page.url
        boxes = page.locator(".jp-OutputArea-output .dgm-check")
        assert boxes.count() >= 3, f"{name}: answer boxes"
        for i in range(boxes.count()):
            box = boxes.nth(i)
            box.scroll_into_view_if_needed()
            assert "run this cell, or check it on the book" in box.inner_text(), name
            field, button = box.locator("input"), box.locator("button")
            if field.count() and field.is_enabled():
                field.fill("0.5")
                field.press("Enter")
            if button.count():
                button.click(force=True)
        page.wait_for_timeout(1000)
        assert page.evaluate("() => window.__dgmStay === true"), f"{name}: the page reloaded"
        assert page.url == url and not navigations, f"{name}: navigated to {navigations}"
        texts = boxes.all_inner_texts()
        assert all("run this cell, or check it on the book" in t for t in texts), name
    finally:
        _close(page, lab)
