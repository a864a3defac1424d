"""The launch and download buttons of a chapter hand out its student notebook.

Upstream behaviour relied on: sphinx-book-theme's ``html-page-context`` handlers (priority
501) put the header buttons into ``context["header_buttons"]`` as dicts; the launch group's
links end in the chapter's repository path (``chapters/<name>.ipynb``, URL-quoted for
JupyterHub), and the download group has a ``download-source-button`` linking to
``_sources/chapters/<name>.ipynb``. This handler runs after them and points those links at
``notebooks/<name>.ipynb`` (portable Markdown, ``scripts/student_notebooks.py``), copied into
the site for the download. If the theme stops producing what is described here, the build
fails with an ExtensionError instead of silently handing out the MyST source.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

STUDENT_DIR = "notebooks"


def retarget(buttons: list[dict], chapter: str, download_url: str) -> tuple[int, int]:
    """Point launch links and the source download at the student notebook; counts of each.

    Only the launch group and the download buttons change: "edit" and "view source" keep
    pointing at the chapter, the file to edit.
    """
    source = f"chapters/{chapter}.ipynb"
    student = f"{STUDENT_DIR}/{chapter}.ipynb"
    quoted = (source.replace("/", "%2F"), student.replace("/", "%2F"))
    launches = downloads = 0
    for group in buttons:
        for button in group.get("buttons", []):
            label = button.get("label")
            if label in {"download-source-button", "download-notebook-button"}:
                button["url"] = download_url
                button["tooltip"] = "Download the notebook (for Colab, Jupyter, VS Code)"
                downloads += 1
            elif group.get("label") == "launch-buttons":
                url = button.get("url", "")
                if source in url or quoted[0] in url:
                    button["url"] = url.replace(source, student).replace(*quoted)
                    launches += 1
    return launches, downloads


def _student_buttons(app, pagename, templatename, context, doctree):
    if not pagename.startswith("chapters/"):
        return
    chapter = pagename.split("/", 1)[1]
    notebook = Path(app.srcdir, STUDENT_DIR, f"{chapter}.ipynb")
    if not notebook.is_file():
        raise ExtensionError(f"{notebook} is missing: run python scripts/student_notebooks.py")
    target = Path(app.outdir, STUDENT_DIR, notebook.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, target)
    url = context["pathto"](f"{STUDENT_DIR}/{notebook.name}", 1)
    launches, downloads = retarget(context.get("header_buttons", []), chapter, url)
    if not launches or not downloads:
        raise ExtensionError(
            f"{pagename}: found {launches} launch and {downloads} download buttons to point at "
            "the student notebook; sphinx-book-theme's header buttons changed (see "
            "_ext/student_links.py)"
        )


def setup(app):
    app.connect("html-page-context", _student_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
