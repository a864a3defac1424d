"""The prose's numbers on the website: ``{eval}`du.glued["key"]``` shows the glued value.

A chapter writes each computed number in its prose as ``{eval}`du.glued["key"]``` (see
``scripts/lab_prose.py``): JupyterLab with jupyterlab-myst shows the result stored in the
cell's ``user_expressions`` (and re-evaluates it in the kernel when the cell runs).
MyST-NB's own ``eval`` role needs a kernel at build time (inline execution); the book is
built from its committed outputs. This extension replaces that role: it reads the key from
the expression and renders the notebook's glue output, exactly as ``{glue:text}`key```
does, so the website shows the value strict nbval verified. Any other expression is a
build warning (an error under ``-W``). The expression forms are parsed by
``scripts/lab_prose.py`` (``parse_expression``), the one place that defines them.

Upstream behaviour relied on: MyST-NB's ``PasteTextRole`` renders ``key`` or ``key:spec``
from the glue outputs of the page, and MyST-NB registers its own ``eval`` role in its
``setup``, which this extension overrides once every extension is set up
(``tests/test_eval_glue.py`` builds a page with the role and fails if the glued value
does not appear).
"""

from __future__ import annotations

import sys
from pathlib import Path

from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import glue_warning

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from lab_prose import parse_expression  # noqa: E402


class EvalGlueRole(PasteTextRole):
    """``{eval}`du.glued["key"]``` (or ``format(du.glued["key"], "spec")``) as glue:text."""

    def run(self):
        expr = self.text.strip()
        try:
            key, spec = parse_expression(expr)
        except ValueError as error:
            return [], [
                glue_warning(f"{error} (see scripts/lab_prose.py)", self.document, self.line)
            ]
        self.text = f"{key}:{spec}" if spec else key
        return super().run()


def _override(app, config) -> None:
    # After every extension's setup (MyST-NB registers its kernel-evaluating role there).
    app.add_role("eval", EvalGlueRole(), override=True)


def setup(app):
    app.connect("config-inited", _override, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
