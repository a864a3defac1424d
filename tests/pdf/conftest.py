"""The PDF's checks run only when asked for: ``pytest --pdf tests/pdf`` (``make pdf`` does,
after building ``_build/latex/book.pdf``)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_addoption(parser):
    parser.addoption(
        "--pdf", action="store_true", default=False, help="check _build/latex/book.pdf"
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--pdf", default=False):
        return
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.skip(reason="make pdf builds the PDF and checks it"))
