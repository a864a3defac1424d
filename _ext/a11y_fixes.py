"""Small accessibility fixes to upstream HTML, applied as each page is written.

docutils wraps citations in ``<div role="list">`` whose children carry
``role="doc-biblioentry"``, which is not a list item: axe-core reports it as a critical
``aria-required-children`` violation. The citations need no list role.
"""

_CITATION_LIST = '<div role="list" class="citation-list">'


def _fix_body(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and _CITATION_LIST in body:
        context["body"] = body.replace(_CITATION_LIST, '<div class="citation-list">')


def setup(app):
    app.connect("html-page-context", _fix_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
