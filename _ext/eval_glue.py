"""The prose's numbers on the website: ``{eval}`du.glued["key"]``` shows the glued value.

A chapter writes each computed number in its prose as ``{eval}`du.glued["key"]``` (see
``scripts/lab_prose.py``): JupyterLab with jupyterlab-myst shows the result stored in the
cell's ``user_expressions`` (and re-evaluates it in the kernel when the cell runs).
MyST-NB's own ``eval`` role needs a kernel at build time (inline execution); the book is
built from its committed outputs. This extension replaces that role: it reads the key from
the expression and renders the notebook's glue output, exactly as ``{glue:text}`key```
does, so the website shows the value strict nbval verified. Any other expression is a
build warning (an error under ``-W``).
"""

from __future__ import annotations

import re

from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import glue_warning

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


def _override(app, config) -> None:
    # After every extension's setup (MyST-NB registers its kernel-evaluating role there).
    app.add_role("eval", EvalGlueRole(), override=True)


def setup(app):
    app.connect("config-inited", _override, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
