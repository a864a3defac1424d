"""The PDF (``make pdf``) shows on paper what the website shows interactively.

Applied to the LaTeX builder only, before MyST-NB picks one output per mime bundle:

* An explorer (``du.explore``) would print its text repr (``Explorer('ch02-coin'; ...)``):
  its first frame becomes a figure whose caption names the setting and says that the
  website's slider shows the others.
* An exercise's answer box (``du.check(..., None)``) would print its instructions for the
  notebook: it is dropped, since the PDF prints each exercise's solution after it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

_FRAME = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"')
_FRAMES = re.compile(r'data-frames="(\d+)"')


def _html(bundle: nodes.Element) -> str | None:
    for child in bundle.children:
        if child.get("mime_type") == "text/html":
            return "".join(n.astext() for n in child.findall(nodes.raw))
    return None


class PaperOutputs(SphinxPostTransform):
    builders = ("latex",)
    default_priority = 3  # before MyST-NB's SelectMimeType (4)

    def run(self, **kwargs) -> None:
        bundles = [
            n
            for n in self.document.findall(nodes.container)
            if n.get("nb_element") == "mime_bundle"
        ]
        for bundle in bundles:
            page = _html(bundle)
            if page is None:
                continue
            if 'class="dgm-check"' in page:
                bundle.parent.remove(bundle)
            elif 'class="dgm-explorer"' in page and (frame := _FRAME.search(page)):
                bundle.replace_self(self._first_frame(frame, _FRAMES.search(page)))

    def _first_frame(self, frame: re.Match, count: re.Match | None) -> nodes.figure:
        png = base64.b64decode(frame[1])
        name = f"explorer-{hashlib.sha256(png).hexdigest()[:16]}.png"
        Path(self.app.outdir, name).write_bytes(png)
        alt = html.unescape(frame[2])
        others = int(count[1]) - 1 if count else 0
        figure = nodes.figure()
        figure += nodes.image(uri=name, candidates={"*": name}, alt=alt)
        figure += nodes.caption(
            text=f"The explorer's first frame: {alt}. On the website a slider shows "
            f"the other {others} settings."
        )
        return figure


def setup(app):
    app.add_post_transform(PaperOutputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
