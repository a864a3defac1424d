"""Show the reader the book, not its machinery: glue calls leave the displayed code.

A chapter records the numbers its prose quotes with ``glue("key", value)``. Those calls
(and the ``from dgm_utils import glue`` import) are bookkeeping for the website; on the
page they would only distract from the code a student learns from. This extension removes
them from the code *shown* on the site, statement by statement (a loop whose body only
glues goes too); a cell left with no code loses its input box, and its output stays. The
notebooks themselves are unchanged: a downloaded or opened chapter shows and runs
everything, and nbval checks every glued value.

Upstream behaviour relied on: MyST-NB puts a code cell's source in a ``literal_block``
inside a container with the class ``cell_input`` (``tests/test_ext.py`` builds a page and
fails if a glue call is still shown).
"""

from __future__ import annotations

import ast

from docutils import nodes


def _is_glue(stmt: ast.stmt) -> bool:
    """A statement that only records values for the prose."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        return isinstance(func, ast.Name) and func.id == "glue"
    if isinstance(stmt, ast.ImportFrom):
        return [a.name for a in stmt.names] == ["glue"]
    if isinstance(stmt, ast.For | ast.If | ast.With):
        body = stmt.body + getattr(stmt, "orelse", [])
        return bool(body) and all(_is_glue(s) for s in body)
    return False


def _glue_lines(stmts: list[ast.stmt]) -> set[int]:
    """Line numbers (1-based) of glue statements, searched inside compound statements."""
    lines: set[int] = set()
    for stmt in stmts:
        if _is_glue(stmt):
            lines.update(range(stmt.lineno, stmt.end_lineno + 1))
        elif isinstance(stmt, ast.For | ast.While | ast.If | ast.With | ast.FunctionDef):
            lines |= _glue_lines(stmt.body + getattr(stmt, "orelse", []))
    return lines


def strip_glue(code: str) -> str:
    """``code`` without its glue statements (unchanged if it does not parse)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # IPython magics and the like: show as written
        return code
    drop = _glue_lines(tree.body)
    if not drop:
        return code
    kept = [line for i, line in enumerate(code.splitlines(), 1) if i not in drop]
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def _hide_glue(app, doctree: nodes.document, docname: str) -> None:
    for block in list(doctree.findall(nodes.literal_block)):
        container = block.parent
        if not (isinstance(container, nodes.container) and "cell_input" in container["classes"]):
            continue
        code = block.astext()
        shown = strip_glue(code)
        if shown == code:
            continue
        if shown.strip():
            block.children = [nodes.Text(shown)]
            block.rawsource = shown
        else:
            container.parent.remove(container)


def setup(app):
    app.connect("doctree-resolved", _hide_glue)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
