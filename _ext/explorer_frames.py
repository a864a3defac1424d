"""Explorer frames as files on the site: the first shown, the others fetched on demand.

``Explorer.to_html()`` (``dgm_utils/widgets.py``) inlines every frame as a ``data:`` URI, so
the player works in a notebook opened alone. On the site each frame becomes a file under
``_images/`` (named by its content). The frame shown first keeps a real ``src`` (it shows
without JavaScript, with its size reserved); the others carry ``data-src`` and are fetched
by ``_static/dgm-site.js`` when the reader moves the slider towards them.

Upstream behaviour relied on: MyST-NB writes a ``text/html`` output into the page body as
is, so the player's ``<div class="dgm-explorer">`` and its ``<img src="data:image/png;...">``
frames reach ``context["body"]`` at ``html-page-context``. A player found with no inline
frame to move out fails the build (ExtensionError): the player's HTML or MyST-NB changed.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from pathlib import Path

from sphinx.errors import ExtensionError

_EXPLORER = re.compile(r'<div class="dgm-explorer"[^>]*>')
_FRAME = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"([^>]*)>')


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

    moved = 0

    def counted(match: re.Match) -> str:
        nonlocal moved
        moved += 1
        return to_file(match)

    out, pos = [], 0
    for start in _EXPLORER.finditer(body):
        # The player's frames come first, then its controls.
        end = body.find('class="dgm-explorer-control"', start.end())
        end = len(body) if end < 0 else end
        out.append(body[pos : start.start()])
        out.append(_FRAME.sub(counted, body[start.start() : end]))
        pos = end
    out.append(body[pos:])
    if _EXPLORER.search(body) and not moved:
        raise ExtensionError(
            f"{pagename}: an explorer player without inline frames (see _ext/explorer_frames.py)"
        )
    context["body"] = "".join(out)


def setup(app):
    app.connect("html-page-context", _frame_files, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
