"""No ``fontawesome.js`` (1.5 MB) on the site's pages: the theme's icons need only its CSS.

pydata-sphinx-theme loads ``fontawesome.js`` ("so that users can add custom icons") on every
page, although its stylesheet already draws every icon the theme uses with the Font Awesome
web fonts. The book adds no custom icon, so the script tag is removed from the written pages.

Upstream behaviour relied on: the theme's layout writes the tag as
``<script defer src=".../_static/scripts/fontawesome.js?..."></script>`` (after a comment).
If a written page still mentions ``fontawesome.js`` after the edit, the build fails
(ExtensionError) instead of silently shipping it.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.errors import ExtensionError

_FONTAWESOME = re.compile(
    r"[ \t]*(?:<!-- So that users can add custom icons -->\s*)?"
    r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?'
)


def strip(page: str) -> str:
    return _FONTAWESOME.sub("", page)


def _finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.builder.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = strip(text)
        if "fontawesome.js" in lighter:
            raise ExtensionError(
                f"{page.name}: fontawesome.js still loaded; the theme's script tag changed "
                "(see _ext/no_fontawesome.py)"
            )
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
