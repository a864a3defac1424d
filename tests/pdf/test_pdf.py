"""The book as one PDF (``make pdf``), read back with poppler's ``pdftotext``.

What is checked is derived from the sources, not typed in: each chapter's title, each
number the prose quotes (the values stored with its ``{eval}`` roles), one solution per
exercise spec, one numbered figure per captioned figure and per explorer, and no markup or
interactive residue.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "latex" / "book.pdf"
CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))


@pytest.fixture(scope="module")
def pages() -> list[str]:
    if not PDF.exists():
        pytest.fail(f"{PDF} is missing: make pdf builds it.")
    text = subprocess.run(
        ["pdftotext", "-layout", str(PDF), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


def flat(text: str) -> str:
    """Words joined by single spaces, hyphenation at line ends undone."""
    return " ".join(re.sub(r"-\n\s*", "", text).split())


def notebook(path: Path) -> dict:
    return json.loads(path.read_text())


def title(nb: dict) -> str:
    first = "".join(nb["cells"][0]["source"]).splitlines()[0]
    return first.removeprefix("# ").strip()


def start_page(pages: list[str], heading: str) -> int:
    """The page a chapter starts on: "CHAPTER", its number and its title in capitals."""
    found = [
        i
        for i, p in enumerate(pages)
        if p.lstrip().startswith("CHAPTER") and flat(heading).upper() in flat(p)
    ]
    assert len(found) == 1, f"{heading!r} starts {len(found)} chapters"
    return found[0]


def test_page_count(pages):
    # About 25-35 pages a chapter with figures, and the API reference at the end.
    assert 150 <= len(pages) <= 400, len(pages)


def test_chapter_titles_in_order(pages):
    starts = [start_page(pages, title(notebook(path))) for path in CHAPTERS]
    assert starts == sorted(starts), starts
    assert starts[-1] - starts[0] >= 6 * 5, "each chapter is several pages long"


def test_no_markup_or_interactive_residue(pages):
    # The API reference documents the {eval} syntax itself: it is left out here.
    api = start_page(pages, "API reference: dgm_utils")
    end = start_page(pages, "Bibliography")
    text = "\n".join(pages[:api] + pages[end:])
    residues = (
        "{eval}",
        "{glue",
        ":::",
        "{numref}",
        "{cite}",
        "{exercise}",
        "{solution}",
        "Explorer(",
        "Replace None with your answer",
        "<form",
        "du.glued[",
    )
    for residue in residues:
        assert residue not in text, residue


def test_every_quoted_number(pages):
    text = flat("\n".join(pages)).replace("−", "-")
    missing = []
    for path in CHAPTERS:
        for cell in notebook(path)["cells"]:
            for item in cell["metadata"].get("user_expressions", []):
                value = item["result"]["data"]["text/plain"].strip("'\"")
                if value not in text:
                    missing.append((path.stem, item["expression"], value))
    assert not missing, missing


def test_every_exercise_has_its_solution(pages):
    text = flat("\n".join(pages))
    for path in CHAPTERS:
        n = int(path.name[:2])
        specs = json.loads((ROOT / "dgm_utils" / "data" / f"exercises_{n:02d}.json").read_text())
        # Numbered 1.9.2 in the PDF (chapter, section, exercise), 1.2 on the website.
        for k in range(1, len(specs) + 1):
            assert re.search(rf"Exercise {n}\.(\d+\.)?{k}\b", text), (path.stem, k)
            assert re.search(rf"Solution to Exercise {n}\.(\d+\.)?{k}\b", text), (path.stem, k)


def test_numbered_figures(pages):
    """One numbered caption per figure of the sources: captioned outputs, figure directives
    and explorers (printed as their first frame)."""
    expected = {}
    for path in CHAPTERS:
        count = 0
        for cell in notebook(path)["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                count += len(re.findall(r"^(```|:::)\{figure\}", source, re.MULTILINE))
            elif cell["metadata"].get("mystnb", {}).get("figure", {}).get("caption"):
                count += 1
            else:
                count += sum(
                    "dgm-explorer" in "".join(o.get("data", {}).get("text/html", ""))
                    for o in cell.get("outputs", [])
                )
        expected[int(path.name[:2])] = count
    labels = set(re.findall(r"Fig\. (\d+)\.(\d+):", "\n".join(pages)))
    for chapter, count in expected.items():
        got = sorted(int(k) for c, k in labels if int(c) == chapter)
        assert got == list(range(1, count + 1)), (chapter, count, got)
