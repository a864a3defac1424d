"""Search snippets from ``file://``: every page's text in ``_static/dgm-search-texts.js``.

Sphinx's search fetches each result's page for its snippet, which a browser refuses for
local files; ``_static/dgm-site.js`` reads the snippet from this file instead there (and
only there). The text is the page's main content without maths source, code-cell prompts
or buttons, so a snippet reads as prose.

Upstream behaviour relied on: the theme marks the page's content with ``role="main"``. A
build in which no page has it fails (ExtensionError) instead of writing empty snippets.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from sphinx.errors import ExtensionError

# Not prose: permalinks, maths source ("\\(2^n - 1\\)"), the article's header with the
# launch, download and source menus (inside role="main" in sphinx-book-theme).
_NOT_PROSE = re.compile(r"\b(headerlink|math|bd-header-article|header-article-main)\b")


class _MainText(HTMLParser):
    """A page's main content as its text, keeping the ids search results link to."""

    _SKIP = {"script", "style", "template", "mjx-container"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0  # > 0 inside role="main"
        self.skip = 0
        self.stack: list[bool] = []  # per open element inside main: emitted a tag?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"img", "br", "hr", "input", "meta", "link", "source", "wbr"}:
            return
        if not self.depth:
            if attrs.get("role") == "main":
                self.depth = 1
                self.stack = []
            return
        self.depth += 1
        if self.skip or tag in self._SKIP or _NOT_PROSE.search(attrs.get("class") or ""):
            self.skip += 1
            self.stack.append(False)
            return
        ident = attrs.get("id")
        if ident:
            self.parts.append(f'<div id="{html.escape(ident)}">')
        self.stack.append(bool(ident))

    def handle_endtag(self, tag):
        if not self.depth or tag in {"img", "br", "hr", "input", "meta", "link", "source", "wbr"}:
            return
        self.depth -= 1
        if not self.depth or not self.stack:
            return
        emitted = self.stack.pop()
        if self.skip:
            self.skip -= 1
        elif emitted:
            self.parts.append("</div>")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(html.escape(data))

    def text(self) -> str:
        return '<div role="main">' + re.sub(r"\s+", " ", "".join(self.parts)) + "</div>"


def _search_texts(outdir: Path) -> None:
    """The text of every page, for search snippets when the site is opened from file://."""
    texts = {}
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir).as_posix()
        if rel.split("/")[0] in {"_static", "_sources", "_images", "vendor", "_downloads"}:
            continue
        parser = _MainText()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.parts:
            texts[rel[: -len(".html")]] = parser.text()
    payload = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    outdir.joinpath("_static", "dgm-search-texts.js").write_text(
        f"window.DGM_SEARCH_TEXTS={payload};\n", encoding="utf-8"
    )
    if not texts:
        raise ExtensionError('no page has role="main" (see _ext/search_texts.py)')


def _finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    _search_texts(Path(app.builder.outdir))


def setup(app):
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
