"""Numbers in the prose that JupyterLab shows too: ``{glue:text}`` becomes ``{eval}``.

Usage::

    python scripts/lab_prose.py [chapters/*.ipynb]          # convert and refresh, in place
    python scripts/lab_prose.py --check [chapters/*.ipynb]  # exit 1 if anything would change

jupyterlab-myst renders MyST in JupyterLab but not MyST-NB's ``{glue:text}`` role (it shows
the key). It does render ``{eval}`expression``` from the result stored in the markdown
cell's ``user_expressions`` metadata, also in an untrusted notebook, and re-evaluates it in
the kernel when the cell is run. So every ``{glue:text}`key``` of a chapter's prose becomes
``{eval}`du.glued["key"]``` (``dgm_utils.glued`` holds every value ``glue`` recorded),
and each markdown cell stores the result of its expressions, taken from the glue outputs
of the same notebook.

What keeps every number verified:

* strict nbval re-runs the code cells and compares their glue outputs with the stored ones;
* this script (``--check``, and ``tests/test_lab_prose.py``) requires every stored
  ``user_expressions`` result to equal the stored glue output it names, byte for byte;
* the website renders ``{eval}`du.glued["key"]``` from the glue output itself
  (``_ext/eval_glue.py``), exactly as ``{glue:text}`key``` did.

Idempotent: a converted notebook with current results is left byte-for-byte unchanged.
``scripts/execute_notebooks.py`` refreshes the results after executing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

GLUE_ROLE = re.compile(r"\{glue:text\}`([^`]+)`")
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")
# The two expression forms the book writes (and _ext/eval_glue.py renders on the site).
EXPR = re.compile(r'^du\.glued\["([^"\\]+)"\]$')
EXPR_FORMAT = re.compile(r'^format\(du\.glued\["([^"\\]+)"\], "([^"\\]*)"\)$')
RECORD = "application/papermill.record/text/plain"


def expression_for(glue_text: str) -> str:
    """The ``{eval}`` expression for the content of a ``{glue:text}`` role."""
    if "::" in glue_text:
        raise ValueError(f"glue from another notebook is not supported: {glue_text!r}")
    key, _, spec = glue_text.partition(":")
    if spec:
        return f'format(du.glued["{key}"], "{spec}")'
    return f'du.glued["{key}"]'


def parse_expression(expr: str) -> tuple[str, str]:
    """(key, format spec) of an ``{eval}`` expression; ValueError for any other form."""
    if m := EXPR.match(expr):
        return m.group(1), ""
    if m := EXPR_FORMAT.match(expr):
        return m.group(1), m.group(2)
    raise ValueError(
        f'{{eval}}`{expr}` is not of the form du.glued["key"] or format(du.glued["key"], "spec")'
    )


def glue_outputs(nb) -> dict[str, str]:
    """Key -> the stored text/plain (a repr) of every glue output of the notebook."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and RECORD in out.get("data", {}):
                found[name] = out["data"][RECORD]
    return found


def result_for(expr: str, outputs: dict[str, str]) -> dict:
    """The ``user_expressions`` result the kernel would give, from the glue outputs."""
    key, spec = parse_expression(expr)
    if key not in outputs:
        raise KeyError(f"{{eval}}`{expr}`: no glue output named {key!r} in the notebook")
    text = outputs[key]
    if spec:
        import ast

        text = repr(format(ast.literal_eval(text), spec))
    return {"status": "ok", "data": {"text/plain": text}, "metadata": {}}


def convert(nb) -> list[str]:
    """Convert and refresh ``nb`` in place; returns what changed (empty: nothing)."""
    outputs = glue_outputs(nb)
    changes = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        source = GLUE_ROLE.sub(lambda m: f"{{eval}}`{expression_for(m.group(1))}`", cell.source)
        if source != cell.source:
            changes.append(f"cell {i}: {{glue:text}} -> {{eval}}")
            cell.source = source
        exprs = list(dict.fromkeys(EVAL_ROLE.findall(source)))
        wanted = [{"expression": e, "result": result_for(e, outputs)} for e in exprs]
        if wanted:
            if cell.metadata.get("user_expressions") != wanted:
                changes.append(f"cell {i}: user_expressions refreshed")
                cell.metadata["user_expressions"] = wanted
        elif "user_expressions" in cell.metadata:
            changes.append(f"cell {i}: stale user_expressions removed")
            del cell.metadata["user_expressions"]
    return changes


def process(path: Path, check: bool = False) -> list[str]:
    text = path.read_text()
    nb = nbformat.reads(text, as_version=4)
    changes = convert(nb)
    if changes and not check:
        new = nbformat.writes(nb)
        if not new.endswith("\n"):
            new += "\n"
        path.write_text(new)
    return changes


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"]
    paths = paths or sorted(Path("chapters").glob("*.ipynb"))
    dirty = False
    for path in paths:
        changes = process(path, check=check)
        dirty |= bool(changes)
        for change in changes:
            print(f"{path}: {change}")
    if check and dirty:
        print("Run python scripts/lab_prose.py to convert and refresh.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
