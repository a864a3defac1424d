"""Numbers typed into a chapter's text that no output of the chapter produced.

Usage::

    python scripts/prose_numbers.py [chapters/*.ipynb]   # list them; exit 1 if any

The book promises that every number a reader sees is computed: prose quotes results as
``{eval}`du.glued["key"]```, whose value strict nbval re-checks. A number typed by hand
goes stale silently when a re-execution changes the result. This script scans, per
chapter, the text a reader reads or hears: markdown cells (folded boxes and solutions
included), figure captions and alt texts (``mystnb`` cell metadata), and comments in
code cells. A literal number there is accepted only when

1. an output of the same notebook shows it: a text output, a printed table, or a glued
   value (so it is the computed number, as of the last execution); or
2. it is a numeric literal of the notebook's code (not of a comment or a string): the
   settings of an experiment, such as 30 components or 10 labels per class, which the
   prose names and which cannot change on re-execution; or
3. the same cell's maths writes it: the sentence restates a number that a formula defines
   or a worked derivation computes ("each of the other 62 factors" next to
   ``$4 \\cdot 62$``); or
4. it is a definition or a reference, which the short allow-list below names.

Left out before scanning, with the reason:

* ``{eval}`...``` and every other role (``{numref}``, ``{cite}``): computed or a label;
* maths (``$...$``, ``$$...$$``, ``{math}``): in this book it defines the problem
  (a formula, a toy example's parameters), and a derivation is checked by its solution
  cell, not by an output;
* code spans and code blocks: code, shown as written; link targets and directive
  options (file names, labels);
* the statement of an exercise (``{exercise}`` directive): its numbers are the givens
  of the problem, and the exercise's checker verifies the answer.

The allow-list (``ALLOWED``): references to chapters, figures, sections, exercises,
equations and lectures ("chapter 6", "chapters 2 and 3"); an image size written as
"8×8" or "8 by 8"; a year in parentheses or after "in" (citations in prose). Numbers
compare as written, thousands separators removed ("1,347" matches "1347").
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat

MATH = re.compile(r"\$\$.*?\$\$|(?<!\$)\$(?!\$)[^$]+?\$|\\\(.*?\\\)", re.S)
EXERCISE = re.compile(r"^(:{3,}|`{3,})\{exercise\}.*?^\1\s*$", re.S | re.M)
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
STRIP = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"^(`{3,}|:{3,})\{(code|code-cell|math)\}.*?^\1\s*$", re.S | re.M),
    re.compile(r"^`{3,}.*?^`{3,}\s*$", re.S | re.M),  # code blocks
    re.compile(r"\$\$.*?\$\$", re.S),
    re.compile(r"\\\(.*?\\\)", re.S),
    re.compile(r"(?<!\$)\$(?!\$)[^$]+?\$"),  # inline maths, also wrapped over lines
    re.compile(r"\{[\w:-]+\}`[^`]*`"),  # roles: eval, numref, cite, ...
    re.compile(r"`[^`\n]+`"),
    re.compile(r"^\s*(:{3,}|`{3,}).*$", re.M),  # directive fences and their arguments
    re.compile(r"^:[\w-]+:.*$", re.M),  # directive options (:label:, :class:)
    re.compile(r"\]\([^)]*\)"),  # link targets
]
# Definitions and references a reader needs and no output produces.
ALLOWED = [
    re.compile(
        r"\b(?:chapters?|figures?|fig\.|sections?|exercises?|equations?|eq\.|lectures?|"
        r"parts?|steps?)\s+\d+(?:\.\d+)?(?:\s*(?:,|and|or|to|–|-)\s*\d+(?:\.\d+)?)*",
        re.I,
    ),
    re.compile(r"\b\d+\s*(?:×|x|by)\s*\d+\b"),  # image sizes: 8×8, 8 by 8
    re.compile(r"\((?:19|20)\d\d\)|\bin (?:19|20)\d\d\b"),  # years of publications
]


def _normal(number: str) -> str:
    return number.replace(",", "")


def _numbers(text: str) -> set[str]:
    return {_normal(m.group()) for m in NUMBER.finditer(text)}


def _python_tokens(source: str) -> tuple[list[str], list[str]]:
    """Numeric literals and comments of a code cell (IPython magics skipped)."""
    code = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines())
    literals, comments = [], []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
            if tok.type == tokenize.NUMBER:
                literals.append(tok.string.replace("_", ""))
            elif tok.type == tokenize.COMMENT:
                comments.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return literals, comments


def _output_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        for mime, value in out.get("data", {}).items():
            if mime == "text/plain" or mime.endswith("/text/plain"):
                parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def reader_text(text: str) -> str:
    """``text`` with maths, roles, code and markup removed (see the module docstring)."""
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    return text


@dataclass(frozen=True)
class Stray:
    cell: int
    where: str  # "markdown", "caption", "alt text" or "code comment"
    number: str
    context: str

    def __str__(self) -> str:
        return f"cell {self.cell} {self.where}: {self.number!r} in ...{self.context}..."


def stray_numbers(nb) -> list[Stray]:
    """Every number of the notebook's text that no output, code literal or rule accounts for."""
    produced: set[str] = set()
    texts: list[tuple[int, str, str]] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            texts.append((i, "markdown", cell.source))
            continue
        if cell.cell_type != "code":
            continue
        literals, comments = _python_tokens(cell.source)
        produced |= {_normal(x) for x in literals}
        produced |= _numbers(_output_text(cell))
        texts += [(i, "code comment", c) for c in comments]
        meta = cell.metadata.get("mystnb", {})
        if caption := meta.get("figure", {}).get("caption"):
            texts.append((i, "caption", caption))
        if alt := meta.get("image", {}).get("alt"):
            texts.append((i, "alt text", alt))
    found = []
    for i, where, text in texts:
        # Numbers of the cell's own maths (a definition or a worked derivation, restated).
        in_maths = {x for m in MATH.finditer(text) for x in _numbers(m.group())}
        text = reader_text(EXERCISE.sub(" ", text))
        for pattern in ALLOWED:
            text = pattern.sub(" ", text)
        for m in NUMBER.finditer(text):
            if _normal(m.group()) not in produced | in_maths:
                context = " ".join(text[max(0, m.start() - 40) : m.end() + 40].split())
                found.append(Stray(i, where, m.group(), context))
    return found


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    paths = [Path(p) for p in argv] or sorted((root / "chapters").glob("*.ipynb"))
    total = 0
    for path in paths:
        strays = stray_numbers(nbformat.read(path, as_version=4))
        total += len(strays)
        print(f"{path.stem}: {len(strays)} number(s) no output produced")
        for s in strays:
            print(f"  {s}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
