"""Small accessibility fixes to upstream HTML, applied as each page is written.

docutils wraps citations in ``<div role="list">`` whose children carry
``role="doc-biblioentry"``, which is not a list item: axe-core reports it as a critical
``aria-required-children`` violation. The citations need no list role.

Upstream behaviour relied on: docutils' HTML writer emits the wrapper exactly as
``<div role="list" class="citation-list">``. A page whose body has a citation list in any
other form fails the build (ExtensionError), so a changed writer is seen, not shipped.
"""

from sphinx.errors import ExtensionError

_CITATION_LIST = '<div role="list" class="citation-list">'


def _fix_body(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if not body or "citation-list" not in body:
        return
    fixed = body.replace(_CITATION_LIST, '<div class="citation-list">')
    if 'role="list"' in fixed.split("citation-list", 1)[0][-40:] or fixed == body:
        raise ExtensionError(
            f"{pagename}: docutils' citation list is no longer {_CITATION_LIST!r} "
            "(see _ext/a11y_fixes.py)"
        )
    context["body"] = fixed


def setup(app):
    app.connect("html-page-context", _fix_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
