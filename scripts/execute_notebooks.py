"""Execute chapter notebooks in place, top to bottom, as they are committed.

Usage: python scripts/execute_notebooks.py chapters/02_discrete_distributions.ipynb [...]
(``make execute`` runs it on every chapter). Prints each notebook's wall-clock time.

Re-executing an unchanged notebook leaves its file unchanged: no timing metadata, and no
saved ipywidgets state or widget views. A saved widget is dead without its kernel and its
model id is random on every run; the explorer's HTML player beside it is what a reader of
the stored notebook and the website see. The results of the prose's ``{eval}`` roles are
refreshed from the new glue outputs (``scripts/lab_prose.py``), and the chapter's student
notebook (``notebooks/``) is written again from it (``scripts/student_notebooks.py``).
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_prose  # noqa: E402
import student_notebooks  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# The same kernel environment as nbval's (see conftest.py): one BLAS thread.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    strip_widget_views(nb)
    lab_prose.convert(nb)  # the prose's {eval} results, from the fresh glue outputs
    nbformat.write(nb, path)
    return seconds


def strip_widget_views(nb) -> None:
    """Drop live-widget views (random model ids, nothing to show without a kernel)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(Path("chapters").glob("*.ipynb"))
    for p in paths:
        print(f"{p}: {execute(p):.1f} s", flush=True)
    for name in student_notebooks.write_all():
        print(f"{name}: written")
