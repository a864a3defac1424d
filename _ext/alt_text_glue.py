"""Figure alt texts that quote glued values: ``{eval}`du.glued["key"]``` inside ``alt``.

A figure's alt text (``mystnb.image.alt`` in the cell metadata) is a plain attribute, not
parsed as MyST, so a role cannot run there. It may hold the same ``{eval}`` expressions as
the prose: they are replaced by the notebook's glued text when the page is read, so an alt
text quotes the same values as its caption and cannot go stale. A key no output glues is a
build warning (an error under ``-W``).

Upstream behaviour relied on: MyST-NB puts ``mystnb.image.alt`` into the ``alt`` attribute
of the docutils ``image`` node, and the page's source path is the executed notebook whose
glue outputs carry ``metadata.scrapbook.name`` (``tests/test_alt_text_glue.py``).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from lab_prose import EVAL_ROLE, glue_outputs, parse_expression  # noqa: E402

logger = logging.getLogger(__name__)


def glued_texts(notebook) -> dict[str, str]:
    """The text of every glued value of an executed notebook, as ``{glue:text}`` shows it."""
    texts = {}
    for name, text in glue_outputs(nbformat.from_dict(notebook)).items():
        text = "".join(text)
        try:  # a glued string is stored as its repr, which glue:text unquotes
            value = ast.literal_eval(text)
            texts[name] = value if isinstance(value, str) else text
        except (ValueError, SyntaxError):
            texts[name] = text
    return texts


def fill_alt_text(alt: str, texts: dict[str, str]) -> tuple[str, list[str]]:
    """``alt`` with each ``{eval}`du.glued["key"]``` replaced; also the missing keys."""
    missing = []

    def value(match):
        key, spec = parse_expression(match.group(1))
        if key not in texts:
            missing.append(key)
            return match.group(0)
        return format(float(texts[key]), spec) if spec else texts[key]

    return EVAL_ROLE.sub(value, alt), missing


def _fill_alt_texts(app, doctree) -> None:
    images = [node for node in doctree.findall(nodes.image) if "{eval}" in node.get("alt", "")]
    if not images:
        return
    path = app.env.doc2path(app.env.docname)
    texts = glued_texts(nbformat.read(path, as_version=4))
    for node in images:
        node["alt"], missing = fill_alt_text(node["alt"], texts)
        for key in missing:
            logger.warning(
                f"alt text quotes du.glued[{key!r}], which no output of the notebook glues",
                location=node,
            )


def setup(app):
    app.connect("doctree-read", _fill_alt_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
