"""Width and height on every figure of the site (no reflow as it loads); wide ones marked.

Upstream behaviour relied on: Sphinx copies a notebook's figures to ``_images/`` (its
``builder.images`` maps source path to file name) and MyST-NB writes them as
``<img src=".../_images/<name>.png">`` without a size. Wide figures get ``data-dgm-wide``,
which ``_static/dgm.css`` fits to a phone's width. ``tests/test_ext.py`` builds a page with a
figure and fails if no size is added.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path


def _png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


_FIGURE = re.compile(r'<img ([^>]*?)src="([^"]*_images/([^"/]+\.png))"([^>]*)>')
# A figure wider than this (in pixels) is a multi-panel one (dgm.css fits it to a phone).
_WIDE = 560


def _figure_sizes(app, pagename, templatename, context, doctree):
    """Width and height on every figure (no reflow as it loads); wide ones marked."""
    body = context.get("body")
    if not body or "_images/" not in body:
        return
    sources = {dest: src for src, dest in app.builder.images.items()}

    def sized(match: re.Match) -> str:
        before, uri, name, after = match.groups()
        if "width=" in before + after or name not in sources:
            return match[0]
        try:
            png = Path(app.srcdir, sources[name]).read_bytes()[:24]
            width, height = _png_size(png)
        except (OSError, struct.error):
            return match[0]
        extra = f' width="{width}" height="{height}"'
        if width > _WIDE:
            extra += " data-dgm-wide"
        return f'<img {before}src="{uri}"{extra}{after}>'

    context["body"] = _FIGURE.sub(sized, body)


def setup(app):
    app.connect("html-page-context", _figure_sizes, priority=910)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
