"""How long each chapter's main path is, in words: the read a course assigns.

Usage::

    python scripts/main_path_words.py [chapters/*.ipynb]

prints, per chapter, the main-path words, all markdown words, and the longest main-path
markdown cell. ``tests/test_main_path_words.py`` holds the chapters to ``LIMIT`` words.

Definition of the main path. It is the text of a chapter's markdown cells, in order, with
three kinds of text left out:

* the section "Exercises": from a level-2 heading ``## Exercises`` to the end of the
  notebook (the words of its cell before the heading still count);
* folded blocks: every directive that the page shows closed, with all its content,
  nested directives included. A directive is folded when it is a ``{dropdown}`` or a
  ``{solution}``, or has the option ``:class: dropdown`` (the book's "Going further"
  admonitions). Fences of colons (``:::{name}``) and backticks (```` ```{name} ````) are
  both recognised; a fence closes at the next line of the same fence characters at least
  as long;
* what is not prose: display maths (``$$ ... $$`` and ``{math}`` directives), code blocks,
  HTML comments, directive option lines (``:label: ...``) and their fence lines.

Words are counted after inline markup is reduced to what the reader sees: a role
(``{eval}`...```, ``{numref}`...```, ``{cite}`...```) is one word, inline maths ``$...$``
one word, a link ``[text](target)`` its text, a code span one word. A word is then a
whitespace-separated token with at least one letter or digit, so table rules and lone
punctuation do not count.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

LIMIT = 2_600  # hard limit of the main path; the target is about 2,500 words (30 minutes)
EXERCISES = re.compile(r"^## Exercises\s*$", re.M)
FENCE_OPEN = re.compile(r"^\s*(:{3,}|`{3,})\s*(\{([\w:-]+)\})?(.*)$")
FOLDED_NAMES = {"dropdown", "solution"}
ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
INLINE_MATH = re.compile(r"(?<!\$)\$[^$\n]+\$(?!\$)")
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
CODE_SPAN = re.compile(r"`[^`\n]+`")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
COMMENT = re.compile(r"<!--.*?-->", re.S)
WORD = re.compile(r"\w")


def _blocks(lines: list[str], start: int, close: str | None):
    """Split lines from ``start`` into ("text", line) and ("block", name, folded, body).

    Returns the parsed items and the index after the closing fence ``close`` (or the end).
    """
    items, i = [], start
    while i < len(lines):
        line = lines[i]
        if close is not None and re.match(rf"^\s*{re.escape(close[0])}{{{len(close)},}}\s*$", line):
            return items, i + 1
        m = FENCE_OPEN.match(line)
        if m and (m.group(2) or m.group(1).startswith("`")):
            fence, name = m.group(1), (m.group(3) or "")
            body, j = _blocks(lines, i + 1, fence)
            options = [item[1] for item in body if item[0] == "text" and item[1].startswith(":")]
            folded = name in FOLDED_NAMES or any(
                re.match(r"^:class:.*\bdropdown\b", o) for o in options
            )
            items.append(("block", name, folded, body))
            i = j
            continue
        items.append(("text", line))
        i += 1
    return items, i


def _visible_text(items, keep_folded: bool = False) -> list[str]:
    """The prose lines of parsed items: code and maths left out, folded blocks too
    unless ``keep_folded``."""
    out = []
    for item in items:
        if item[0] == "text":
            out.append(item[1])
            continue
        _, name, folded, body = item
        if (folded and not keep_folded) or name in {"", "code", "code-cell", "math"}:
            continue
        out.extend(ln for ln in _visible_text(body, keep_folded) if not re.match(r"^:[\w-]+:", ln))
    return out


def main_path_text(source: str, keep_folded: bool = False) -> str:
    """The main-path text of one markdown cell's source (Exercises not handled here)."""
    items, _ = _blocks(source.splitlines(), 0, None)
    return "\n".join(_visible_text(items, keep_folded))


def count_words(text: str) -> int:
    """Words a reader reads in ``text`` (see the module docstring)."""
    text = COMMENT.sub(" ", text)
    text = DISPLAY_MATH.sub(" ", text)
    text = ROLE.sub(" W ", text)
    text = INLINE_MATH.sub(" W ", text)
    text = LINK.sub(r" \1 ", text)
    text = CODE_SPAN.sub(" W ", text)
    return sum(1 for token in text.split() if WORD.search(token))


@dataclass
class ChapterLength:
    name: str
    main_path: int
    all_markdown: int
    longest_cell: int  # index of the longest main-path markdown cell
    longest_words: int


def chapter_length(path: Path) -> ChapterLength:
    """Main-path and total markdown words of one chapter notebook."""
    nb = nbformat.read(path, as_version=4)
    main, total, longest = 0, 0, (-1, 0)
    in_exercises = False
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        total += count_words(main_path_text(source, keep_folded=True))
        if in_exercises:
            continue
        if m := EXERCISES.search(source):
            source, in_exercises = source[: m.start()], True
        words = count_words(main_path_text(source))
        main += words
        if words > longest[1]:
            longest = (i, words)
    return ChapterLength(path.stem, main, total, *longest)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    paths = [Path(p) for p in argv] or sorted((root / "chapters").glob("*.ipynb"))
    print(f"{'chapter':<36}{'main path':>10}{'markdown':>10}  longest main-path cell")
    for path in paths:
        c = chapter_length(path)
        flag = "  over the limit" if c.main_path > LIMIT else ""
        print(
            f"{c.name:<36}{c.main_path:>10,}{c.all_markdown:>10,}  "
            f"cell {c.longest_cell}: {c.longest_words:,} words{flag}"
        )
    print(f"(main path: markdown outside folded boxes and Exercises; limit {LIMIT:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
