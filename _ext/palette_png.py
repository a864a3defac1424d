"""Opaque figures of the site re-encoded as 8-bit palette PNGs: about half the bytes.

Notebook figures are written as RGBA PNGs; opaque ones become palette PNGs (as the explorer
frames already are), same pixels to the eye, same resolution. Only the site's copies in
``_images/`` change; a file is replaced only when the result is smaller. Upstream behaviour
relied on: Sphinx copies the figures to ``<outdir>/_images`` before ``build-finished``.
"""

from __future__ import annotations

import io
from pathlib import Path

from sphinx.errors import ExtensionError


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


def _finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    images = Path(app.builder.outdir, "_images")
    if app.builder.images and not images.is_dir():
        raise ExtensionError("no _images/ folder at build-finished (see _ext/palette_png.py)")
    for png in images.glob("*.png"):
        if not png.name.startswith("dgm-frame-"):
            _palette_png(png)


def setup(app):
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
