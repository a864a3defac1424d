"""Browser test of ``make lab``: the student notebooks in JupyterLab *without* jupyterlab-myst.

JupyterLab starts with the configuration ``make lab`` uses (``binder/jupyter``: the
jupyterlab-myst extension and the news pop-up off), on a copy of ``notebooks/``, as plain
JupyterLab, Colab or a download render them. Chromium opens each student notebook:

* the page config really disables jupyterlab-myst and the news (no ``.myst`` element, no
  news question);
* the rendered Markdown has no MyST markup, no warning sign, every number the chapter's prose
  quotes, every figure number, and every code listing non-empty;
* each solution is folded until clicked;
* opening and closing leaves the file byte for byte as it was (nothing autosaved).

Opt-in: ``pytest --lab tests/lab`` (``make test`` runs it).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from labserver import close_page, running_lab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
RAW_MYST = ("{glue", "{cite}", "{cite:", "{numref}", "{eval}", ":::{", "```{", "du.glued[", "⚠")

pytestmark = pytest.mark.lab

_PROSE = """() => Array.from(document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown'))
    .map(c => c.textContent)"""  # textContent: folded solutions too


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab-student")
    root = tmp / "book"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    env = {"JUPYTER_CONFIG_PATH": str(ROOT / "binder" / "jupyter")}
    with running_lab(root, tmp, env=env) as lab:
        yield lab, root


def _page_config(lab) -> dict:
    (base, token), _ = lab
    with urllib.request.urlopen(f"{base}/lab?token={token}") as r:
        html = r.read().decode()
    data = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(data[1])


def test_make_lab_config_turns_myst_and_news_off(lab):
    config = _page_config(lab)
    assert "jupyterlab-myst" in config["disabledExtensions"]
    assert config["news"] == {"disabled": True}


def _expected_numbers(name: str) -> list[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import lab_prose

    chapter = nbformat.read(ROOT / "chapters" / name, as_version=4)
    outputs = lab_prose.glue_outputs(chapter)
    source = "\n".join(c.source for c in chapter.cells if c.cell_type == "markdown")
    return sorted(
        {
            str(ast.literal_eval(lab_prose.result_for(e, outputs)["data"]["text/plain"]))
            for e in re.findall(r"\{eval\}`([^`]+)`", source)
        }
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_notebook_reads_as_prose(browser, lab, name):
    (base, token), root = lab
    path = root / "notebooks" / name
    before = path.read_bytes()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{base}/lab/tree/notebooks/{name}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-MarkdownCell")
        n_cells = page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.content.model.cells.length"
        )
        page.wait_for_function(
            """n => document.querySelectorAll('.jp-Notebook .jp-Cell').length === n
                 && Array.from(document.querySelectorAll('.jp-MarkdownCell'))
                    .every(c => c.querySelector('.jp-RenderedMarkdown')?.childElementCount)""",
            arg=n_cells,
        )
        assert page.locator(".myst").count() == 0, "jupyterlab-myst rendered the notebook"
        text = "\n".join(page.evaluate(_PROSE))
        raw = [t for t in RAW_MYST if t in text]
        assert not raw, f"{name}: raw MyST or warnings in plain JupyterLab: {raw}"
        missing = [v for v in _expected_numbers(name) if v not in text]
        assert not missing, f"{name}: numbers of the prose not shown: {missing}"
        chapter_no = int(name[:2])
        figures = sum(
            1
            for c in nbformat.read(ROOT / "chapters" / name, as_version=4).cells
            if c.metadata.get("mystnb", {}).get("figure")
        )
        for k in range(1, figures + 1):
            assert f"Figure {chapter_no}.{k}" in text
        # Code listings inlined: every code block in the prose has code in it.
        listings = page.evaluate(
            "() => Array.from(document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown pre'))"
            ".map(p => p.textContent)"
        )
        assert all(t.strip() for t in listings), f"{name}: a blank code listing"
        source = (ROOT / "chapters" / name).read_text()
        assert len([t for t in listings if "def " in t]) >= source.count("{literalinclude}")
        # Solutions folded until clicked.
        solutions = page.locator(".jp-MarkdownCell details", has_text="Solution to Exercise")
        assert solutions.count() == source.count(":::{solution}")
        first = solutions.first
        assert first.get_attribute("open") is None
        body = first.locator(":scope > :not(summary)").first
        assert not body.is_visible(), f"{name}: a folded solution's text is visible"
        first.locator("summary").click()
        body.wait_for(state="visible")
        # Nothing to save: the model is clean after opening (and a click on a summary).
        time.sleep(1)
        dirty = page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty")
        assert not dirty, f"{name}: opening the notebook modified it"
        page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
    finally:
        close_page(page, lab[0])
    assert path.read_bytes() == before, f"{name}: the file changed on open and close"
