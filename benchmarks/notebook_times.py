"""Wall-clock execution time of every chapter notebook, as a Markdown table for the README.

Usage: python benchmarks/notebook_times.py [chapters/0X_....ipynb ...]

Each notebook runs top to bottom in a fresh kernel of this environment, on a copy (the
committed notebook is not touched). Run it on an otherwise idle machine.
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# The same kernel environment as nbval's (see conftest.py): one BLAS thread.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

LIMIT_SECONDS = {"06": 90, "07": 90}  # the other chapters: 60 s


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    paths = [Path(p) for p in argv] or sorted(Path("chapters").glob("[0-9]*.ipynb"))
    print(f"{os.cpu_count()} CPUs; one fresh kernel per notebook\n")
    print("| notebook | seconds | limit |")
    print("|---|---:|---:|")
    for path in paths:
        seconds = run(path)
        limit = LIMIT_SECONDS.get(path.name[:2], 60)
        print(f"| {path.name} | {seconds:.1f} | {limit} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
