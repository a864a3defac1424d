"""Shared pytest configuration: the browser tests run only when asked for with ``--site``."""

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--site",
        action="store_true",
        default=False,
        help="run the browser tests against the built site in _build/html (make test does)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--site"):
        return
    skip = pytest.mark.skip(
        reason="browser test: build the site, then run pytest --site tests/site"
    )
    for item in items:
        if "site" in item.keywords:
            item.add_marker(skip)
