"""Outputs shown on the site name the package's files by their path in the package.

A traceback a chapter shows on purpose (a cell tagged ``raises-exception``) carries the
absolute path of the machine that executed it (``/home/.../dgm_utils/bayesnet.py``). The
notebook keeps it (nbval compares it under the sanitizer in ``tests/sanitize.cfg``); the
website shows ``dgm_utils/bayesnet.py`` instead, and a library's file by its path inside
``site-packages``. Upstream behaviour relied on: MyST-NB renders stored outputs as
``literal_block`` nodes whose classes include ``output`` and whose text still holds the
ANSI colour codes (turned into HTML later). ``tests/site/test_site_reading.py`` fails if any
page shows an absolute path.
"""

from __future__ import annotations

import re

from docutils import nodes

# An absolute path up to the package directory or site-packages; the rest is kept.
# It starts after a space, a quote or an ANSI colour code ("\x1b[0;32m"), not inside a URL.
_START = r"(?:(?<![:/\\\w.])|(?<=\dm))(?:[A-Za-z]:)?"
_SEGMENTS = r"(?:[/\\][^\s/\\:'\"\x1b]+)+?[/\\]"
ABSOLUTE = re.compile(_START + _SEGMENTS + r"(?=dgm_utils[/\\])")
SITE_PACKAGES = re.compile(_START + _SEGMENTS + r"site-packages[/\\]")


def shorten(text: str) -> str:
    """``text`` with absolute paths to the package (or to site-packages) made relative."""
    return SITE_PACKAGES.sub("", ABSOLUTE.sub("", text))


def _short_paths(app, doctree: nodes.document, docname: str) -> None:
    for block in doctree.findall(nodes.literal_block):
        if "output" not in block.get("classes", []):
            continue
        text = block.astext()
        short = shorten(text)
        if short != text:
            block.children = [nodes.Text(short)]


def setup(app):
    app.connect("doctree-resolved", _short_paths)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
