"""Each Sphinx extension in ``_ext/`` on a tiny book built with the real upstream packages.

Every extension leans on a behaviour of MyST-NB, sphinx-book-theme or pydata-sphinx-theme
(its module docstring names it). These tests build a one-chapter book with the pinned
versions and assert the extension's visible effect, so an upstream change that makes an
extension a silent no-op fails here, loudly.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

PATH = "/home/someone/checkout/dgm_utils/bayesnet.py"
TRACEBACK = [
    "\x1b[0;31mValueError\x1b[0m  Traceback (most recent call last)",
    f"File \x1b[0;32m{PATH}:109\x1b[0m, in \x1b[0;36mcheck\x1b[0;34m(x)\x1b[0m",
    "\x1b[0;31mValueError\x1b[0m: bad x",
]


def _png(width: int = 600, height: int = 100) -> str:
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 255)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _notebook() -> nbformat.NotebookNode:
    glue_out = nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": "'0.4213'"},
        metadata={"scrapbook": {"mime_prefix": "application/papermill.record/", "name": "acc"}},
    )
    cells = [
        nbformat.v4.new_markdown_cell(
            '# A chapter\n\nAccuracy {eval}`du.glued["acc"]`, '
            'rounded {eval}`format(du.glued["acc_f"], ".2f")`.'
        ),
        nbformat.v4.new_code_cell(
            'from dgm_utils import glue\nx = 1\nglue("acc", "0.4213")\nglue("acc_f", 0.4213)',
            outputs=[
                glue_out,
                nbformat.v4.new_output(
                    "display_data",
                    data={"application/papermill.record/text/plain": "0.4213"},
                    metadata={
                        "scrapbook": {
                            "mime_prefix": "application/papermill.record/",
                            "name": "acc_f",
                        }
                    },
                ),
            ],
        ),
        nbformat.v4.new_code_cell(
            "for k in range(3):\n    print(k)",
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text=f"{k}\n") for k in range(3)
            ],
        ),
        nbformat.v4.new_code_cell(
            "plt.show()",
            outputs=[nbformat.v4.new_output("display_data", data={"image/png": _png()})],
        ),
        nbformat.v4.new_code_cell(
            "check(0)",
            metadata={"tags": ["raises-exception"]},
            outputs=[
                nbformat.v4.new_output(
                    "error", ename="ValueError", evalue="bad x", traceback=TRACEBACK
                )
            ],
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A tiny book (one chapter) built with the book's extensions; returns the HTML folder."""
    from sphinx.application import Sphinx

    src = tmp_path_factory.mktemp("book")
    (src / "chapters").mkdir()
    (src / "notebooks").mkdir()
    nb = _notebook()
    nbformat.write(nb, src / "chapters" / "01_a.ipynb")
    nbformat.write(nb, src / "notebooks" / "01_a.ipynb")  # stands in for the student notebook
    (src / "index.md").write_text("# Book\n\n```{toctree}\nchapters/01_a\ncite\napi\n```\n")
    (src / "cite.rst").write_text(
        "Cited\n=====\n\nAs shown [Ng02]_.\n\n.. [Ng02] Ng and Jordan, 2002.\n"
    )
    (src / "api.rst").write_text(
        "API\n===\n\n.. autoclass:: dgm_utils.BernoulliNaiveBayes\n"
        "   :members:\n   :inherited-members:\n"
    )
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_nb', 'eval_glue', 'hide_glue', 'short_paths', 'student_links',"
        " 'a11y_fixes', 'widget_assets', 'explorer_frames', 'figure_sizes', 'palette_png',"
        " 'no_fontawesome', 'search_texts', 'sphinx.ext.autodoc', 'sphinx.ext.napoleon',"
        " 'api_docs']\n"
        "html_theme = 'sphinx_book_theme'\n"
        "nb_execution_mode = 'off'\n"
        "nb_merge_streams = True\n"
        "exclude_patterns = ['notebooks', '_build']\n"
        "html_theme_options = {'repository_url': 'https://github.com/o/r',"
        " 'repository_branch': 'main', 'path_to_docs': '', 'use_download_button': True,"
        " 'use_edit_page_button': True,"
        " 'launch_buttons': {'binderhub_url': 'https://mybinder.org',"
        " 'colab_url': 'https://colab.research.google.com',"
        " 'jupyterhub_url': 'https://hub.example.edu', 'notebook_interface': 'jupyterlab'}}\n"
    )
    out = src / "_build" / "html"
    app = Sphinx(str(src), str(src), str(out), str(src / "_build" / "doctrees"), "html",
                 status=None, warningiserror=True, freshenv=True)  # fmt: skip
    app.build()
    yield out
    shutil.rmtree(src, ignore_errors=True)


def _page(site: Path) -> str:
    return (site / "chapters" / "01_a.html").read_text()


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_eval_glue_shows_the_glued_values(site):
    text = _text(_page(site))
    assert "Accuracy 0.4213, rounded 0.42." in text


def test_eval_glue_and_lab_prose_share_one_parser():
    import eval_glue
    import lab_prose

    assert eval_glue.parse_expression is lab_prose.parse_expression
    with pytest.raises(ValueError, match="is not of the form"):
        lab_prose.parse_expression("du.glued['acc']")  # single quotes: not a form the book writes


def test_hide_glue_keeps_code_drops_glue(site):
    code = _text(_page(site))
    assert "x = 1" in code and 'glue("acc"' not in code


def test_short_paths_leave_no_absolute_path(site):
    page = _page(site)
    assert "/home/someone" not in page
    assert "dgm_utils/bayesnet.py:109" in _text(page)


def test_merged_streams_one_output_box(site):
    page = _page(site)
    boxes = re.findall(
        r'<div class="cell_output docutils container">(.*?)</div>\s*</div>', page, re.S
    )
    streams = [b for b in boxes if "output stream" in b]
    assert len(streams) == 1 and re.search(r"0\s+1\s+2", _text(streams[0]))


def test_student_links_launch_and_download_the_student_notebook(site):
    page = _page(site)
    launch = re.findall(r'href="(https://(?:mybinder|colab|hub)[^"]+)"', page)
    assert len(launch) == 3
    assert all("notebooks" in u and "chapters" not in u for u in launch), launch
    colab = next(u for u in launch if "colab" in u)
    assert colab == "https://colab.research.google.com/github/o/r/blob/main/notebooks/01_a.ipynb"
    edit = re.findall(r'href="(https://github.com/o/r/edit/[^"]+)"', page)
    assert edit == ["https://github.com/o/r/edit/main/chapters/01_a.ipynb"]  # edit the source
    local = [u for u in re.findall(r'href="([^"]+\.ipynb)"', page) if not u.startswith("http")]
    assert local == ["../notebooks/01_a.ipynb"], local  # the download button, nothing else
    assert (site / "notebooks" / "01_a.ipynb").read_bytes() == (
        site.parents[1] / "notebooks" / "01_a.ipynb"
    ).read_bytes()


def test_student_links_fail_loudly_when_the_theme_changes(tmp_path):
    import student_links
    from sphinx.errors import ExtensionError

    buttons = [
        {"label": "download-buttons", "buttons": [{"label": "download-source-button", "url": "x"}]}
    ]
    assert student_links.retarget(buttons, "01_a", "y") == (0, 1)  # no launch link found

    class App:
        srcdir, outdir = ROOT, tmp_path

    context = {"header_buttons": buttons, "pathto": lambda p, r: p}
    with pytest.raises(ExtensionError, match="header buttons changed"):
        student_links._student_buttons(App, "chapters/01_introduction", "page.html", context, None)


def test_ci_tests_pull_requests_and_publishes_only_from_main():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "pull_request" in triggers and "push" in triggers
    assert workflow["jobs"]["build"]["steps"][-2]["run"] == "make test"
    main_only = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert workflow["jobs"]["deploy"]["if"] == main_only
    assert workflow["jobs"]["build"]["steps"][-1]["if"] == main_only
    assert "pages" not in workflow["permissions"]  # a pull request's run cannot publish


def test_makefile_lint_paths_are_the_readme_ones():
    makefile = (ROOT / "Makefile").read_text()
    readme = (ROOT / "README.md").read_text()
    (paths,) = set(re.findall(r"ruff check ([^\n]+)", makefile))
    assert f"ruff check {paths}" in readme


def test_figure_sizes_and_palette(site):
    (img,) = re.findall(r"<img [^>]*_images/[^>]*>", _page(site))
    assert 'width="600" height="100"' in img and "data-dgm-wide" in img
    from PIL import Image

    (png,) = (site / "_images").glob("*.png")
    with Image.open(png) as image:
        assert image.mode == "P"  # opaque RGBA re-encoded with a palette


def test_no_fontawesome_script(site):
    # The theme's stylesheet is still there (it draws the icons), its 1.5 MB script is not.
    page = _page(site)
    assert "fontawesome.js" not in page and "pydata-sphinx-theme.css" in page


def test_search_texts_hold_each_page(site):
    script = (site / "_static" / "dgm-search-texts.js").read_text()
    texts = json.loads(script.removeprefix("window.DGM_SEARCH_TEXTS=").removesuffix(";\n"))
    assert "Accuracy 0.4213" in texts["chapters/01_a"]


def test_a11y_citation_list_without_list_role(site):
    page = (site / "cite.html").read_text()
    assert '<div class="citation-list">' in page and 'role="list"' not in page


def test_api_docs_leave_out_metadata_routing(site):
    page = (site / "api.html").read_text()
    assert "BernoulliNaiveBayes.fit" in page  # the class is documented, with its methods
    assert "set_fit_request" not in page and "get_metadata_routing" not in page
