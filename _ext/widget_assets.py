"""No ipywidgets scripts or saved widget state on a page that shows no widget view.

MyST-NB adds the ipywidgets html-manager (require.js and ``embed-amd.js``, 3.6 MB, the files
named in ``nb_ipywidgets_js``) and the notebook's saved widget state to every page of an
executed notebook. The site never shows a widget view (``nb_mime_priority_overrides``
prefers each explorer's HTML player), so a page whose body holds no widget view gets
neither. Applied to the website only; the notebooks keep their outputs.

Upstream behaviour relied on: Sphinx passes the page's scripts in ``context["script_files"]``
(``JavaScript`` objects with ``filename`` and ``attributes``, a relative one filed under
``_static/``) and restores its own list after each page, so this handler edits the page's
list in place after MyST-NB's handler (priority 500). If a manager script is still listed
after the edit, the build fails (ExtensionError) instead of silently shipping 3.6 MB.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sphinx.errors import ExtensionError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


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
    left = [
        getattr(js, "filename", js)
        for js in context["script_files"]
        if PurePosixPath(str(getattr(js, "filename", js) or "")).name
        in {PurePosixPath(p).name for p in manager}
    ]
    if left:
        raise ExtensionError(
            f"{pagename}: widget scripts {left} not removed; Sphinx's script_files changed "
            "(see _ext/widget_assets.py)"
        )


def setup(app):
    # After MyST-NB has added the page's scripts (priority 500).
    app.connect("html-page-context", _drop_widget_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
