"""Lighter pages: each page loads only what its reader looks at.

Applied to the website only; the notebooks keep their self-contained outputs.

* Widget scripts and state. MyST-NB adds the ipywidgets html-manager (require.js and
  ``embed-amd.js``, 3.6 MB) and the notebook's saved widget state to every page of an
  executed notebook. The site never shows a widget view (``nb_mime_priority_overrides``
  prefers each explorer's HTML player), so a page whose body holds no widget view gets
  neither.
* Explorer frames. ``Explorer.to_html()`` inlines every frame as a ``data:`` URI, so the
  player works in a notebook opened alone. On the site each frame becomes a file under
  ``_images/`` (named by its content). The frame shown first keeps a real ``src`` (it shows
  without JavaScript, with its size reserved); the others carry ``data-src`` and are
  fetched by ``_static/dgm-explorer.js`` when the reader moves the slider towards them.
* Figures. Notebook figures are written as RGBA PNGs; opaque ones are re-encoded as 8-bit
  palette PNGs (as the explorer frames already are), about half the bytes, same pixels to
  the eye, same resolution.
* Icons. pydata-sphinx-theme loads ``fontawesome.js`` (1.5 MB, "so that users can add
  custom icons") on every page, although its stylesheet already draws every icon the theme
  uses with the Font Awesome web fonts. The book adds no custom icon, so the script tag is
  removed from the written pages.
* Search from ``file://``. Sphinx's search fetches each result's page for its snippet, which
  a browser refuses for local files; ``_static/dgm-search-texts.js`` holds every page's
  text, which ``_static/dgm-site.js`` serves instead there (and only there).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

_EXPLORER = re.compile(r'<div class="dgm-explorer"[^>]*>')
_FRAME = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"([^>]*)>')
_FONTAWESOME = re.compile(
    r"[ \t]*(?:<!-- So that users can add custom icons -->\s*)?"
    r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?'
)


def _drop_widget_assets(app, pagename, templatename, context, doctree):
    """No html-manager and no saved widget state on a page that shows no widget view."""
    body = context.get("body") or ""
    if WIDGET_VIEW in body or "script_files" not in context:
        return
    # Sphinx files a relative script under _static/ ("_static/../vendor/...").
    manager = {u for p in app.config.nb_ipywidgets_js or {} for u in (p, f"_static/{p}")}
    kept = [
        js
        for js in context["script_files"]
        if getattr(js, "filename", js) not in manager
        and getattr(js, "attributes", {}).get("type") != WIDGET_STATE
    ]
    # The builder restores its own list after each page: edit this page's list in place.
    context["script_files"][:] = kept


def _png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def _frame_files(app, pagename, templatename, context, doctree):
    """Explorer frames as files: the first shown, the others fetched on demand."""
    body = context.get("body")
    if not body or "dgm-explorer" not in body:
        return
    images = Path(app.builder.outdir, "_images")
    images.mkdir(parents=True, exist_ok=True)

    def to_file(match: re.Match) -> str:
        png = base64.b64decode(match[1])
        name = f"dgm-frame-{hashlib.sha256(png).hexdigest()[:20]}.png"
        target = images / name
        if not target.exists():
            target.write_bytes(png)
        uri = context["pathto"](f"_images/{name}", 1)
        rest = match[2]
        width, height = _png_size(png)
        size = f' width="{width}" height="{height}"'
        # The boolean attribute, not the word inside a quoted value (an alt text may say "hidden").
        if re.search(r"\shidden\b", re.sub(r'"[^"]*"', '""', rest)):
            return f'<img data-src="{uri}"{size}{rest}>'
        return f'<img src="{uri}"{size}{rest}>'

    out, pos = [], 0
    for start in _EXPLORER.finditer(body):
        # The player's frames come first, then its controls.
        end = body.find('class="dgm-explorer-control"', start.end())
        end = len(body) if end < 0 else end
        out.append(body[pos : start.start()])
        out.append(_FRAME.sub(to_file, body[start.start() : end]))
        pos = end
    out.append(body[pos:])
    context["body"] = "".join(out)


_FIGURE = re.compile(r'<img ([^>]*?)src="([^"]*_images/([^"/]+\.png))"([^>]*)>')
# A figure wider than this (in pixels) would shrink on a phone until its labels are
# unreadable; there it keeps 70 % of its pixel size and scrolls in its own box (dgm.css).
_WIDE, _PHONE_SCALE = 560, 0.7


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
            extra += f' data-dgm-wide style="--dgm-phone-width: {round(width * _PHONE_SCALE)}px"'
        return f'<img {before}src="{uri}"{extra}{after}>'

    context["body"] = _FIGURE.sub(sized, body)


def _palette_png(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        image.load()
    if image.mode == "P" or image.format != "PNG":
        return
    rgba = image.convert("RGBA")
    if rgba.getchannel("A").getextrema()[0] < 255:
        return  # transparency: leave it to the original encoding
    quantised = rgba.convert("RGB").quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    buf = io.BytesIO()
    quantised.save(buf, format="PNG", optimize=True)
    if buf.tell() < path.stat().st_size:
        path.write_bytes(buf.getvalue())


class _MainText(HTMLParser):
    """A page's main content as its text, keeping the ids search results link to."""

    _SKIP = {"script", "style", "template"}

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
        if self.skip or tag in self._SKIP or "headerlink" in (attrs.get("class") or ""):
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


def _finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.builder.outdir)
    for png in outdir.joinpath("_images").glob("*.png"):
        if not png.name.startswith("dgm-frame-"):
            _palette_png(png)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = _FONTAWESOME.sub("", text)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")
    _search_texts(outdir)


def setup(app):
    # After MyST-NB has added the page's scripts (priority 500).
    app.connect("html-page-context", _drop_widget_assets, priority=900)
    app.connect("html-page-context", _frame_files, priority=900)
    app.connect("html-page-context", _figure_sizes, priority=910)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
