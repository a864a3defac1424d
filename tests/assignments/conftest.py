"""Grading tests of the assignments (otter-grader's local runner), run only when asked for.

``pytest tests/assignments --assignments=fast`` (in ``make test``) grades two chapters,
``--assignments=all`` (``make assignments-test``) all seven. Every chapter is executed
three times per run, so the plain ``pytest --nbval`` of ``make unit`` skips them.
"""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_addoption(parser):
    parser.addoption(
        "--assignments",
        choices=["fast", "all"],
        default=None,
        help="grade assignment submissions with otter: two chapters (fast) or all seven (all)",
    )


def pytest_collection_modifyitems(config, items):
    mode = config.getoption("--assignments", default=None)
    for item in items:
        if HERE not in Path(item.path).parents:
            continue
        if mode is None:
            item.add_marker(pytest.mark.skip(reason="pytest tests/assignments --assignments=fast"))
        elif mode == "fast" and "slow_chapter" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="make assignments-test grades all chapters"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow_chapter: graded only by make assignments-test (--assignments=all)"
    )
