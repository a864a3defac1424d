"""Print the page-weight table (written by test_site.py) after a browser-test run."""

from pathlib import Path

TABLE = Path(__file__).resolve().parents[2] / "_build" / "page-weight.md"


def pytest_sessionstart(session):
    TABLE.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter):
    if TABLE.is_file():
        terminalreporter.write_sep("-", "page weight, first visit at desktop width")
        terminalreporter.write(TABLE.read_text())
