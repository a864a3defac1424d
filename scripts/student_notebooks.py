"""Student notebooks: each chapter in portable Markdown, for plain Jupyter front ends.

The chapters (``chapters/*.ipynb``) are written in MyST and the website is built from them.
Colab, Kaggle, VS Code, GitHub's preview and JupyterLab without jupyterlab-myst render
CommonMark with maths and HTML, not MyST: there a role or directive shows as raw markup.
This script writes, for every chapter, ``notebooks/<chapter>.ipynb`` whose code cells and
outputs are the chapter's own, byte for byte, and whose Markdown reads as the website does:

* ``{eval}`du.glued["key"]``` -> the stored number (the chapter's glue output);
* ``{numref}`` of a figure or an exercise -> "Figure 5.3", "Exercise 5.2" (numbered as on the
  site: chapter number from ``_toc.yml``, then order of appearance); each figure's caption is
  written below it as "**Figure 5.3.** ...";
* ``{cite}`` -> "(Bishop, 2006)", ``{cite:t}`` -> "Ng and Jordan (2002)", with the cited
  works listed under "References" at the end;
* ``{literalinclude}`` with ``:pyobject:`` -> the package's code, inlined as a code block;
* exercises -> "**Exercise 5.1**", each solution folded in ``<details>``; a dropdown
  admonition -> ``<details>``, any other admonition -> a block quote;
* links to the book's Markdown pages -> their rendered page on the repository.

The install cell stays the first code cell, with its source shown collapsed.

Usage::

    python scripts/student_notebooks.py           # write notebooks/*.ipynb
    python scripts/student_notebooks.py --check   # exit 1 if any is missing or stale

Committed (not only published with the site): Colab and Binder open a notebook from the
repository's branch, so the launch buttons need the file in the repository; a fork's
buttons then work before it publishes anything. ``tests/test_student_notebooks.py`` keeps
them equal to the chapters (same code cells, same outputs, current prose).
"""

from __future__ import annotations

import ast
import copy
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_prose  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = "notebooks"

ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
FENCE_OPEN = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
TARGET = re.compile(r"^\([\w-]+\)=\s*$")
MD_LINK = re.compile(r"\]\((?!https?:|#)([^)\s]+\.md)(#[^)]*)?\)")


class StudentNotebookError(ValueError):
    """A chapter uses MyST that has no portable rendering here."""


@dataclass
class Book:
    """What a chapter's Markdown refers to: numbers of figures and exercises, citations."""

    chapter: int
    numbers: dict[str, str] = field(default_factory=dict)
    bib: dict[str, dict] = field(default_factory=dict)
    cited: list[str] = field(default_factory=list)
    repository: str = ""
    outputs: dict[str, str] = field(default_factory=dict)  # glue key -> stored value (repr)


# ---------------------------------------------------------------------------- bibliography


def _last_names(person) -> str:
    return " ".join(person.prelast_names + person.last_names).replace("{", "").replace("}", "")


def load_bib(path: Path) -> dict[str, dict]:
    """key -> {"authors": "Ng and Jordan", "year": "2002", "entry": "a reference line"}."""
    from pybtex.database import parse_file

    out = {}
    for key, entry in parse_file(str(path)).entries.items():
        people = entry.persons.get("author", [])
        names = [_last_names(p) for p in people]
        if len(names) == 1:
            short = names[0]
        elif len(names) == 2:
            short = f"{names[0]} and {names[1]}"
        else:
            short = f"{names[0]} et al."
        fields = {k: v.replace("{", "").replace("}", "") for k, v in entry.fields.items()}
        full = ", ".join(
            " ".join(p.first_names + p.middle_names + [_last_names(p)]) for p in people
        )
        venue = (
            fields.get("journal")
            or fields.get("booktitle")
            or fields.get("publisher")
            or fields.get("institution")
            or ""
        )
        year = fields.get("year", "n.d.")
        line = f"{full} ({year}). *{fields.get('title', key)}*."
        if venue:
            line += f" {venue}."
        out[key] = {"authors": short, "year": year, "entry": line}
    return out


def cite(keys: str, book: Book, textual: bool) -> str:
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in book.bib:
            raise StudentNotebookError(f"{{cite}}`{key}`: no entry {key!r} in references.bib")
        if key not in book.cited:
            book.cited.append(key)
        ref = book.bib[key]
        parts.append(
            f"{ref['authors']} ({ref['year']})" if textual else f"{ref['authors']}, {ref['year']}"
        )
    return "; ".join(parts) if textual else f"({'; '.join(parts)})"


# -------------------------------------------------------------------------------- numbers


def chapter_numbers(toc: Path) -> dict[str, int]:
    """Chapter file stem -> its number on the site (order in the numbered parts of _toc.yml)."""
    import yaml

    numbers: dict[str, int] = {}
    for part in yaml.safe_load(toc.read_text())["parts"]:
        if not part.get("numbered"):
            continue
        for chapter in part["chapters"]:
            numbers[Path(chapter["file"]).name] = len(numbers) + 1
    return numbers


def number_targets(nb, chapter: int) -> dict[str, str]:
    """Label -> "Figure 5.3" / "Exercise 5.1" for every numbered figure and exercise."""
    numbers: dict[str, str] = {}
    figures = exercises = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            name = cell.metadata.get("mystnb", {}).get("figure", {}).get("name")
            if name:
                figures += 1
                numbers[name] = f"Figure {chapter}.{figures}"
        elif cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            for i, line in enumerate(lines):
                m = FENCE_OPEN.match(line)
                if not (m and m["name"] == "exercise"):
                    continue
                exercises += 1
                label = _options(lines[i + 1 :])[0].get("label")
                text = f"Exercise {chapter}.{exercises}"
                numbers[label or f"_exercise{exercises}"] = text
    return numbers


# ------------------------------------------------------------------------------ the prose


def _options(lines: list[str]) -> tuple[dict[str, str], int]:
    """The ``:key: value`` lines that open a directive's body, and how many there are."""
    options, n = {}, 0
    for line in lines:
        m = OPTION.match(line)
        if not m:
            break
        options[m[1]] = m[2].strip()
        n += 1
    return options, n


def _block(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing the directive opened at ``start`` (nesting respected)."""
    stack = [fence]  # a closing line closes the innermost open fence of its kind and length
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if m := FENCE_OPEN.match(stripped):
            stack.append(m["fence"])
            continue
        inner = stack[-1]
        if stripped and set(stripped) == {inner[0]} and len(stripped) >= len(inner):
            stack.pop()
            if not stack:
                return i
    raise StudentNotebookError(f"directive opened with {fence!r} is never closed")


def _pyobject(path: Path, name: str) -> str:
    """The source of ``Class.method`` or ``function`` in ``path``, dedented (as Sphinx)."""
    source = path.read_text()
    nodes = ast.parse(source).body
    node = None
    for part in name.split("."):
        node = next(
            (
                n
                for n in nodes
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and n.name == part
            ),
            None,
        )
        if node is None:
            raise StudentNotebookError(f"literalinclude: no {name!r} in {path.name}")
        nodes = node.body
    lines = source.splitlines()
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return textwrap.dedent("\n".join(lines[first - 1 : node.end_lineno]))


def _details(summary: str, body: str) -> str:
    # Blank lines around the body: CommonMark then parses it as Markdown inside the HTML.
    return f"<details>\n<summary>{summary}</summary>\n\n{body.strip()}\n\n</details>"


def _quote(body: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in body.strip().splitlines())


def render_directive(name: str, arg: str, options: dict, body: str, book: Book, here: Path):
    if name == "literalinclude":
        path = (here / arg).resolve()
        if "pyobject" in options:
            code = _pyobject(path, options["pyobject"])
        elif not options.keys() - {"language"}:
            code = path.read_text().rstrip("\n")
        else:
            raise StudentNotebookError(f"literalinclude options {sorted(options)} not supported")
        lang = options.get("language", "python")
        return f"```{lang}\n{code}\n```"
    if name == "exercise":
        label = options.get("label")
        number = book.numbers[label] if label else None
        if number is None:
            raise StudentNotebookError("an exercise without :label: cannot be numbered")
        title = f"**{number}**" + (f" ({arg.strip()})" if arg.strip() else "")
        return f"{title}\n\n{render_markdown(body, book, here)}"
    if name == "solution":
        target = arg.strip()
        if target not in book.numbers:
            raise StudentNotebookError(f"solution to unknown exercise {target!r}")
        return _details(f"Solution to {book.numbers[target]}", render_markdown(body, book, here))
    if name in {"admonition", "note", "tip", "important", "warning", "seealso", "hint"}:
        title = arg.strip() or name.capitalize()
        inner = render_markdown(body, book, here)
        if "dropdown" in options.get("class", "").split():
            return _details(title, inner)
        return _quote(f"**{title}**\n\n{inner}")
    if name in {"math"}:
        return f"$$\n{body.strip()}\n$$"
    raise StudentNotebookError(f"no portable rendering for the directive {{{name}}}")


def render_role(name: str, content: str, book: Book, outputs: dict[str, str]) -> str:
    if name == "eval":
        return _eval_text(content, outputs)
    if name in {"numref", "ref"}:
        m = re.fullmatch(r"(.*?)\s*<([\w-]+)>", content, re.S)
        label = m[2] if m else content
        if label not in book.numbers:
            raise StudentNotebookError(f"{{{name}}}`{content}`: unknown label {label!r}")
        number = book.numbers[label]
        if m and m[1]:
            return m[1].replace("%s", number.split()[-1]).replace("{number}", number.split()[-1])
        return number
    if name in {"cite", "cite:p", "cite:ps"}:
        return cite(content, book, textual=False)
    if name in {"cite:t", "cite:ts"}:
        return cite(content, book, textual=True)
    raise StudentNotebookError(f"no portable rendering for the role {{{name}}}")


def _eval_text(expr: str, outputs: dict[str, str]) -> str:
    result = lab_prose.result_for(expr.strip(), outputs)["data"]["text/plain"]
    value = ast.literal_eval(result)
    return str(value)


def _inline(text: str, book: Book) -> str:
    def sub(m: re.Match) -> str:
        return render_role(m[1], m[2], book, book.outputs)

    text = ROLE.sub(sub, text)
    if book.repository:
        base = book.repository.rstrip("/") + "/blob/main/"
        text = MD_LINK.sub(lambda m: f"]({base}{_book_path(m[1])}{m[2] or ''})", text)
    return text


def _book_path(relative: str) -> str:
    # Links are written relative to chapters/; the notebooks link to the repository's copy.
    return (Path("chapters") / relative).as_posix().replace("chapters/../", "")


def render_markdown(source: str, book: Book, here: Path) -> str:
    """A chapter's Markdown cell as portable CommonMark (maths and HTML allowed)."""
    lines = source.splitlines()
    out: list[str] = []
    plain: list[str] = []
    i = 0
    in_code = None

    def flush():
        if plain:
            out.append(_inline("\n".join(plain), book))
            plain.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if in_code is not None:  # inside an ordinary code block: leave as written
            out[-1] += "\n" + line
            if stripped.startswith(in_code) and set(stripped) == {in_code[0]}:
                in_code = None
            i += 1
            continue
        m = FENCE_OPEN.match(stripped)
        if m:
            flush()
            end = _block(lines, i, m["fence"])
            body = lines[i + 1 : end]
            options, n = _options(body)
            out.append(
                render_directive(m["name"], m["arg"], options, "\n".join(body[n:]), book, here)
            )
            i = end + 1
            continue
        if code := re.match(r"^(`{3,}|~{3,})", stripped):
            flush()
            in_code = code[1]
            out.append(line)
            i += 1
            continue
        if TARGET.match(stripped):
            i += 1
            continue
        plain.append(line)
        i += 1
    flush()
    # Blocks apart by a blank line: an HTML block (<details>) ends only at one.
    return "\n\n".join(part.strip("\n") for part in out if part.strip())


# ------------------------------------------------------------------------------ notebooks


def student_notebook(path: Path, root: Path = ROOT):
    """The student notebook of the chapter at ``path`` (a new notebook object)."""
    nb = nbformat.read(path, as_version=4)
    numbers = chapter_numbers(root / "_toc.yml")
    if path.stem not in numbers:
        raise StudentNotebookError(f"{path.name} is not a numbered chapter in _toc.yml")
    chapter = numbers[path.stem]
    import install_cell

    book = Book(
        chapter=chapter,
        numbers=number_targets(nb, chapter),
        bib=load_bib(root / "references.bib"),
        repository=install_cell.repository_url(),
        outputs=lab_prose.glue_outputs(nb),
    )
    cells = []
    install_seen = False
    for cell in nb.cells:
        new = copy.deepcopy(cell)
        if cell.cell_type == "markdown":
            new.source = render_markdown(cell.source, book, path.parent)
            new.metadata.pop("user_expressions", None)
            cells.append(new)
            continue
        if cell.cell_type == "code" and not install_seen:
            install_seen = True
            new.metadata.setdefault("jupyter", {})["source_hidden"] = True
        cells.append(new)
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if figure.get("name"):
            number = book.numbers[figure["name"]]
            caption = _inline(figure.get("caption", ""), book)
            cells.append(
                nbformat.v4.new_markdown_cell(
                    f"**{number}.** {caption}", id=f"{cell.get('id', 'c')}-caption"[:64]
                )
            )
    if book.cited:
        refs = "\n".join(f"* {book.bib[k]['entry']}" for k in sorted(book.cited))
        cells.append(
            nbformat.v4.new_markdown_cell(f"## References\n\n{refs}", id="student-references")
        )
    nb.cells = cells
    site = f"Chapter {chapter} of the book, for any Jupyter front end"
    nb.metadata["dgm_student_notebook"] = {"source": f"chapters/{path.name}", "note": site}
    return nb


def write_all(check: bool = False, root: Path = ROOT) -> list[str]:
    """Write (or, with ``check``, compare) every student notebook; returns the stale ones."""
    stale = []
    (root / OUT).mkdir(exist_ok=True)
    for path in sorted((root / "chapters").glob("*.ipynb")):
        text = nbformat.writes(student_notebook(path, root)) + "\n"
        target = root / OUT / path.name
        if target.is_file() and target.read_text() == text:
            continue
        stale.append(target.relative_to(root).as_posix())
        if not check:
            target.write_text(text)
    return stale


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = write_all(check=check)
    for name in stale:
        print(f"{name}: {'stale' if check else 'written'}")
    if check and stale:
        print("Run python scripts/student_notebooks.py (make notebooks).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
