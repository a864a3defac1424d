"""The prose of every chapter: a main path of at most 2,600 words, and no number typed by hand.

Both rules and their exact definitions live in the scripts that report them:
``scripts/main_path_words.py`` (words outside folded boxes, solutions and Exercises) and
``scripts/prose_numbers.py`` (literal numbers in prose, captions, alt texts and code comments
that no output, code setting or listed definition accounts for). Computed numbers belong in
``{eval}`du.glued["key"]```.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import main_path_words as mpw  # noqa: E402
import prose_numbers  # noqa: E402

# Chapters held to both rules. The others are being fixed on their own branches; at
# integration the lead moves them here from PENDING, until PENDING is empty.
ENFORCED = [
    "01_introduction",
    "02_discrete_distributions",
    "03_chain_rule_and_independence",
    "04_bayesian_networks",
    "05_generative_vs_discriminative",
    "06_neural_models",
    "07_continuous_variables",
]
PENDING = sorted({p.stem for p in (ROOT / "chapters").glob("*.ipynb")} - set(ENFORCED))


def test_lists_cover_every_chapter():
    # A renamed chapter must not silently drop out of both lists.
    names = {p.stem for p in (ROOT / "chapters").glob("*.ipynb")}
    assert set(ENFORCED) | set(PENDING) == names


def _chapter(name):
    return nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4)


# ---- length of the main path


@pytest.mark.parametrize("name", ENFORCED)
def test_main_path_is_at_most_the_limit(name):
    length = mpw.chapter_length(ROOT / "chapters" / f"{name}.ipynb")
    assert length.main_path <= mpw.LIMIT, (
        f"{name}: the main path has {length.main_path:,} words, more than {mpw.LIMIT:,} "
        f"(longest cell {length.longest_cell}, {length.longest_words:,} words); move depth "
        "into a folded 'Going further' box"
    )


def test_words_are_counted_as_a_reader_sees_them():
    text = (
        'The mean is {eval}`du.glued["m"]` nats, see [chapter 2](02_x.ipynb) and $p(x)$.\n'
        "| a | b |\n| --- | --- |\n\n$$\np(x) = \\sum_k \\pi_k\n$$\n<!-- a note -->"
    )
    # The, mean, is, <eval>, nats, see, chapter, 2, and, <math>, a, b
    assert mpw.count_words(text) == 12


def test_folded_boxes_and_exercises_leave_the_main_path(tmp_path):
    shown = "one two three"
    folded = [
        ":::{admonition} Going further: depth\n:class: dropdown\nfour five six\n:::",
        "::::{dropdown} More\nseven\n:::{note}\neight nine\n:::\n::::",
        "```{solution} ex-1\n:class: dropdown\nten eleven\n```",
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(shown + "\n\n" + "\n\n".join(folded)),
        nbformat.v4.new_markdown_cell(":::{note}\nseen words\n:::\n\n## Exercises\nnot counted"),
        nbformat.v4.new_markdown_cell("after the exercises heading"),
    ]
    path = tmp_path / "toy.ipynb"
    nbformat.write(nb, path)
    length = mpw.chapter_length(path)
    assert length.main_path == 3 + 2  # "one two three" and the open note's "seen words"
    assert length.all_markdown > length.main_path


def test_a_paragraph_typed_into_the_main_path_is_counted(tmp_path):
    # The limit test can fail: a chapter grows by exactly the words added to it.
    path = ROOT / "chapters" / f"{ENFORCED[0]}.ipynb"
    nb = nbformat.read(path, as_version=4)
    before = mpw.chapter_length(path).main_path
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("word " * (mpw.LIMIT + 1)))
    nbformat.write(nb, tmp_path / "grown.ipynb")
    assert mpw.chapter_length(tmp_path / "grown.ipynb").main_path == before + mpw.LIMIT + 1


# ---- numbers typed by hand


@pytest.mark.parametrize("name", ENFORCED)
def test_every_number_in_the_text_is_produced(name):
    strays = prose_numbers.stray_numbers(_chapter(name))
    assert not strays, f"{name}: numbers no output produced (glue them):\n" + "\n".join(
        map(str, strays)
    )


def _figure_cell(nb):
    return next(
        c for c in nb.cells if c.cell_type == "code" and "figure" in c.metadata.get("mystnb", {})
    )


@pytest.mark.parametrize("field", ["caption", "alt"])
def test_a_stale_number_typed_into_a_figure_description_is_caught(field):
    nb = copy.deepcopy(_chapter(ENFORCED[0]))
    cell = _figure_cell(nb)
    meta = cell.metadata["mystnb"]["figure" if field == "caption" else "image"]
    meta[field] += " The model reaches 0.8731 nats."
    before = prose_numbers.stray_numbers(_chapter(ENFORCED[0]))
    added = [s for s in prose_numbers.stray_numbers(nb) if s not in before]
    where = "caption" if field == "caption" else "alt text"
    assert [(s.number, s.where) for s in added] == [("0.8731", where)]


def test_the_same_number_from_an_output_or_glue_passes():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell('glue("m", "0.8731")  # the columns of the table')
    code.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"application/papermill.record/text/plain": "'0.8731'"}
        ),
        nbformat.v4.new_output("stream", text="images: 1347\n"),
    ]
    code.metadata["mystnb"] = {"image": {"alt": "A curve that ends at 0.8731."}}
    nb.cells = [
        code,
        nbformat.v4.new_markdown_cell(
            "There are 1,347 images (see chapter 4 and figure 2); at $n = 5$ and"
            ' $p = 0.25$ the mean is {eval}`du.glued["m"]`, 8×8 pixels, as in (2019).\n\n'
            ":::{exercise}\n:label: ch09-x\nA coin lands heads with probability 0.3.\n:::"
        ),
    ]
    assert prose_numbers.stray_numbers(nb) == []
    nb.cells.append(nbformat.v4.new_markdown_cell("Training took 82 iterations."))
    nb.cells[0].source += "\n# standard error 0.03"
    assert sorted(s.number for s in prose_numbers.stray_numbers(nb)) == ["0.03", "82"]
