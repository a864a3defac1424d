"""The prose's numbers on the website: ``{eval}`du.glued["key"]``` shows the glued value.

A chapter writes each computed number in its prose as ``{eval}`du.glued["key"]``` (see
``scripts/lab_prose.py``): JupyterLab with jupyterlab-myst shows the result stored in the
cell's ``user_expressions`` (and re-evaluates it in the kernel when the cell runs).
MyST-NB's own ``eval`` role needs a kernel at build time (inline execution); the book is
built from its committed outputs. This extension replaces that role: it reads the key from
the expression and renders the notebook's glue output, exactly as ``{glue:text}`key```
does, so the website shows the value strict nbval verified. Any other expression is a
build warning (an error under ``-W``).

A figure's alt text (``mystnb.image.alt`` in the cell metadata) is a plain attribute, not
parsed as MyST, so a role cannot run there. It may hold the same
``{eval}`du.glued["key"]``` expressions: they are replaced by the notebook's glued text when
the page is read, so an alt text quotes the same values as its caption and cannot go stale.
"""

from __future__ import annotations

import ast
import json
import re

from docutils import nodes
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import glue_warning
from sphinx.util import logging

logger = logging.getLogger(__name__)

_EXPR = re.compile(r'^du\.glued\["([^"\\]+)"\]$')
_EXPR_FORMAT = re.compile(r'^format\(du\.glued\["([^"\\]+)"\], "([^"\\]*)"\)$')


class EvalGlueRole(PasteTextRole):
    """``{eval}`du.glued["key"]``` (or ``format(du.glued["key"], "spec")``) as glue:text."""

    def run(self):
        expr = self.text.strip()
        if m := _EXPR.match(expr):
            self.text = m.group(1)
        elif m := _EXPR_FORMAT.match(expr):
            self.text = f"{m.group(1)}:{m.group(2)}"
        else:
            msg = (
                f'{{eval}}`{expr}`: the book renders only du.glued["key"] and '
                'format(du.glued["key"], "spec") (see scripts/lab_prose.py)'
            )
            return [], [glue_warning(msg, self.document, self.line)]
        return super().run()


_EVAL_IN_TEXT = re.compile(r'\{eval\}`du\.glued\["([^"\\]+)"\]`')


def glued_texts(notebook: dict) -> dict[str, str]:
    """The text of every glued value of an executed notebook, as ``{glue:text}`` shows it."""
    texts = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            data = output.get("data", {})
            text = data.get("application/papermill.record/text/plain")
            if name is None or text is None:
                continue
            text = "".join(text)
            try:  # a glued string is stored as its repr, which glue:text unquotes
                value = ast.literal_eval(text)
                texts[name] = value if isinstance(value, str) else text
            except (ValueError, SyntaxError):
                texts[name] = text
    return texts


def fill_alt_text(alt: str, texts: dict[str, str]) -> tuple[str, list[str]]:
    """``alt`` with each ``{eval}`du.glued["key"]``` replaced; also the missing keys."""
    missing = [key for key in _EVAL_IN_TEXT.findall(alt) if key not in texts]
    return _EVAL_IN_TEXT.sub(lambda m: texts.get(m.group(1), m.group(0)), alt), missing


def _fill_alt_texts(app, doctree) -> None:
    images = [node for node in doctree.findall(nodes.image) if "{eval}" in node.get("alt", "")]
    if not images:
        return
    path = app.env.doc2path(app.env.docname)
    texts = glued_texts(json.loads(open(path, encoding="utf-8").read()))
    for node in images:
        node["alt"], missing = fill_alt_text(node["alt"], texts)
        for key in missing:
            logger.warning(
                f"alt text quotes du.glued[{key!r}], which no output of the notebook glues",
                location=node,
            )


def _override(app, config) -> None:
    # After every extension's setup (MyST-NB registers its kernel-evaluating role there).
    app.add_role("eval", EvalGlueRole(), override=True)


def setup(app):
    app.connect("config-inited", _override, priority=900)
    app.connect("doctree-read", _fill_alt_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
