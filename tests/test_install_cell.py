"""The chapters' install cell (``scripts/install_cell.py``) stops with one clear message.

Run as a student's kernel would run it, in a fresh interpreter: with an unreachable
repository address the cell must fail (not print pip's error and carry on), naming what
failed, the command to run by hand and where an adopter sets the address.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import install_cell  # noqa: E402

UNREACHABLE = "http://127.0.0.1:9/no-such-repository"


def _run(source: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )


def test_unreachable_repository_stops_with_one_clear_message(tmp_path):
    # A module name nobody has, so the cell tries to install (dgm_utils is installed here).
    done = _run(install_cell.cell_source(UNREACHABLE, module="dgm_utils_not_here"), tmp_path)
    assert done.returncode != 0
    last = done.stderr[done.stderr.index("RuntimeError") :]
    assert last.startswith("RuntimeError: Could not install the book's package")
    assert "fatal: unable to access 'http://127.0.0.1:9/no-such-repository/'" in last  # git's why
    assert f"pip install 'cs236-companion-dgm-utils @ git+{UNREACHABLE}'" in last
    assert "repository.url in _config.yml" in last and "scripts/install_cell.py" in last
    assert done.stdout == ""  # pip's own output is not printed on top of the message


def test_installed_package_is_left_alone(tmp_path):
    done = _run(install_cell.cell_source(UNREACHABLE, module="json"), tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_ipython_runs_the_cell_as_written():
    # No line that IPython would rewrite (a magic): the cell behaves as the code says.
    from IPython.core.inputtransformer2 import TransformerManager

    source = install_cell.cell_source(install_cell.repository_url())
    assert TransformerManager().transform_cell(source) == source + "\n"
