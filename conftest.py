"""Shared pytest configuration (repo root, so it applies to `pytest --nbval` on any path).

- One BLAS/OpenMP thread in every notebook kernel nbval starts (kernels inherit this
  environment): results then do not depend on the machine's core count, and small matrix
  products are not slowed down by thread contention.
- The browser tests run only when asked for with ``--site``, the chapters-alone tests
  with ``--standalone``, the JupyterLab test with ``--lab``, the PDF's checks with ``--pdf``,
  the grading of assignments with ``--assignments=fast`` (two chapters) or ``=all``.
"""

import os

import pytest

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


_OPT_IN = {
    "site": "browser test: build the site, then run pytest --site tests/site",
    "standalone": "chapters run alone: pytest --standalone tests/standalone (make test does)",
    "lab": "JupyterLab browser test: pytest --lab tests/lab (make test does)",
    "pdf": "the PDF's checks: make pdf builds it and runs pytest --pdf tests/pdf",
}


def pytest_addoption(parser):
    parser.addoption(
        "--site",
        action="store_true",
        default=False,
        help="run the browser tests against the built site in _build/html (make test does)",
    )
    parser.addoption(
        "--standalone",
        action="store_true",
        default=False,
        help="run each chapter alone in a Colab-like environment (make test does)",
    )
    parser.addoption(
        "--lab",
        action="store_true",
        default=False,
        help="open the chapters in a real JupyterLab in a browser (make test does)",
    )
    parser.addoption("--pdf", action="store_true", default=False, help="check book.pdf")
    parser.addoption(
        "--assignments",
        choices=["fast", "all"],
        default=None,
        help="grade assignment submissions with otter: two chapters (make test) or all seven",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "slow_chapter: graded only with --assignments=all")


def pytest_collection_modifyitems(config, items):
    for marker, reason in _OPT_IN.items():
        if config.getoption(f"--{marker}"):
            continue
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)
    grading = config.getoption("--assignments")
    for item in items:
        if "assignments" in item.keywords and grading is None:
            item.add_marker(pytest.mark.skip(reason="pytest --assignments=fast tests/assignments"))
        elif "slow_chapter" in item.keywords and grading == "fast":
            item.add_marker(pytest.mark.skip(reason="make assignments-test grades all chapters"))
