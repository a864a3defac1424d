"""The student notebooks (notebooks/*.ipynb) read right in plain Jupyter and match the chapters.

Each is rendered by markdown-it-py as CommonMark with maths and HTML, as Colab, GitHub and
JupyterLab without jupyterlab-myst do, and checked against its source chapter (parsed
independently here): no MyST role or directive survives, every number, listing, reference and
citation appears as text, each solution is folded, and the code cells and their outputs are
the chapter's own.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import lab_prose  # noqa: E402
import student_notebooks as sn  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
MD = MarkdownIt("commonmark", {"html": True}).use(dollarmath_plugin).enable("table")
MYST_LEFT = re.compile(r"\{[\w:-]+\}`|^(:{3,}|`{3,})\{[\w:-]+\}", re.M)


def _pair(path: Path):
    return nbformat.read(path, as_version=4), nbformat.read(ROOT / sn.OUT / path.name, as_version=4)


def _rendered_text(nb) -> tuple[str, str]:
    """(HTML of all Markdown cells, their text outside maths and code)."""
    html, text = [], []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        tokens = MD.parse(cell.source)
        html.append(MD.renderer.render(tokens, MD.options, {}))
        for tok in tokens:
            for child in tok.children or []:
                if child.type == "text":
                    text.append(child.content)
    return "\n".join(html), "\n".join(text)


def test_committed_notebooks_are_current():
    assert sn.write_all(check=True) == [], "run python scripts/student_notebooks.py"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_same_code_cells_and_outputs(path):
    chapter, student = _pair(path)
    want = [(c.source, c.outputs) for c in chapter.cells if c.cell_type == "code"]
    got = [(c.source, c.outputs) for c in student.cells if c.cell_type == "code"]
    assert got == want
    first_code = next(c for c in student.cells if c.cell_type == "code")
    assert first_code.source.startswith("# Install the book's package")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_myst_left_and_everything_as_text(path):
    chapter, student = _pair(path)
    html, text = _rendered_text(student)
    raw = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
    assert not MYST_LEFT.findall(raw)
    assert "{eval}" not in text and "{numref}" not in text and "{cite" not in text

    source = "\n".join(c.source for c in chapter.cells if c.cell_type == "markdown")
    outputs = lab_prose.glue_outputs(chapter)
    # Every number the prose quotes, from the glue output it names.
    for expr in set(re.findall(r"\{eval\}`([^`]+)`", source)):
        value = ast.literal_eval(lab_prose.result_for(expr, outputs)["data"]["text/plain"])
        assert str(value) in text, expr
    # Every listing, as a code block holding the package's code.
    for target, name in re.findall(r"```\{literalinclude\} (\S+)\n:pyobject: (\S+)", source):
        module = ".".join(Path(target).with_suffix("").parts[1:])
        obj = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
        code = textwrap.dedent(inspect.getsource(obj)).rstrip("\n")
        assert f'<pre><code class="language-python">{escapeHtml(code)}\n</code></pre>' in html, name
    # Every figure and exercise reference as "Figure c.n" / "Exercise c.n".
    chapter_no = int(path.stem[:2])
    figures = [
        c.metadata["mystnb"]["figure"]["name"]
        for c in chapter.cells
        if c.metadata.get("mystnb", {}).get("figure", {}).get("name")
    ]
    exercises = re.findall(r":::\{exercise\}.*\n:label: (\S+)", source)
    expected = {name: f"Figure {chapter_no}.{k}" for k, name in enumerate(figures, 1)}
    expected |= {name: f"Exercise {chapter_no}.{k}" for k, name in enumerate(exercises, 1)}
    for label in re.findall(r"\{numref\}`([^`]+)`", source):
        assert re.search(rf"\b{re.escape(expected[label])}\b", text), label
    for k in range(1, len(figures) + 1):
        assert f"Figure {chapter_no}.{k}." in text  # its caption, below the figure
    # Citations as "(Author, year)" and a reference list.
    keys = {
        k.strip() for ks in re.findall(r"\{cite(?::t)?\}`([^`]+)`", source) for k in ks.split(",")
    }
    if keys:
        assert "References" in text
        for key in keys:
            year = re.search(rf"@\w+\{{{key},.*?year = \{{(\d+)\}}", BIB, re.S)[1]
            assert year in text, key
    # Each solution folded, under the numbered exercise it answers.
    n_ex = source.count(":::{exercise}")
    n_sol = source.count(":::{solution}")
    assert html.count("<details>\n<summary>Solution to Exercise") == n_sol
    for k in range(1, n_ex + 1):
        assert f"Exercise {chapter_no}.{k}" in text


BIB = (ROOT / "references.bib").read_text()


# ------------------------------------------------------------------------- the renderer


def _book(**kw):
    return sn.Book(chapter=3, numbers={"fig-a": "Figure 3.1", "ex-a": "Exercise 3.1"}, **kw)


def test_nested_directives_and_dropdowns():
    src = (
        "Text {numref}`fig-a`.\n\n"
        ":::{exercise}\n:label: ex-a\nDo it.\n:::\n\n"
        "::::{solution} ex-a\nAnswer.\n\n:::{admonition} Aside\n:class: dropdown\nInner.\n:::\n::::\n"
        "After."
    )
    out = sn.render_markdown(src, _book(), ROOT / "chapters")
    assert "Figure 3.1" in out and "**Exercise 3.1**" in out
    html = MD.render(out)
    # The aside is folded inside the folded solution; "After." is a paragraph after both.
    assert html.index("<summary>Solution to Exercise 3.1</summary>") < html.index(
        "<summary>Aside</summary>"
    )
    assert "<p>After.</p>" in html and html.rindex("</details>") < html.index("<p>After.</p>")


def test_code_blocks_are_left_alone():
    src = "```python\nx = '{eval}`no`'\n```"
    assert sn.render_markdown(src, _book(), ROOT) == src


@pytest.mark.parametrize(
    "src, match",
    [
        ("{numref}`fig-missing`", "unknown label 'fig-missing'"),
        ("{doc}`intro`", r"role \{doc\}"),
        (":::{glossary}\nx\n:::", r"directive \{glossary\}"),
        (":::{exercise}\nno label\n:::", "without :label:"),
        (":::{note}\nnever closed", "never closed"),
    ],
)
def test_unknown_myst_is_an_error_not_raw_markup(src, match):
    with pytest.raises(sn.StudentNotebookError, match=match):
        sn.render_markdown(src, _book(), ROOT)


def test_citations_short_and_listed():
    book = _book(bib=sn.load_bib(ROOT / "references.bib"))
    assert sn.render_markdown("{cite}`bishop2006prml`", book, ROOT) == "(Bishop, 2006)"
    assert sn.render_markdown("{cite:t}`ng2002discriminative`", book, ROOT) == (
        "Ng and Jordan (2002)"
    )
    assert book.cited == ["bishop2006prml", "ng2002discriminative"]
