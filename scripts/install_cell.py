"""Keep each chapter's first code cell: install the book's package when it is missing.

A chapter opened on its own (Colab, Binder, a downloaded notebook) has no ``dgm_utils``.
Its first code cell installs it from the book's repository, whose address is set in one
place, ``repository.url`` in ``_config.yml`` (the site's launch and source buttons use it
too). The cell is removed from the website (tag ``remove-cell``) and does nothing where the
package is already installed.

Usage:
    python scripts/install_cell.py          # write the cell into every chapter
    python scripts/install_cell.py --check  # exit 1 if a chapter's cell is missing or stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# Install the book's package when it is missing"
DISTRIBUTION = "cs236-companion-dgm-utils"


def repository_url() -> str:
    """``repository.url`` from _config.yml (read without a YAML parser: one plain key)."""
    in_repository = False
    for line in (ROOT / "_config.yml").read_text().splitlines():
        if not line.startswith(" "):
            in_repository = line.startswith("repository:")
        elif in_repository and line.strip().startswith("url:"):
            return line.split("url:", 1)[1].strip().strip("\"'")
    raise SystemExit("_config.yml has no repository.url")


def cell_source(url: str, module: str = "dgm_utils") -> str:
    """The install cell for the repository at ``url`` (``module``: only tests change it)."""
    return (
        f"{MARKER} (Colab, Binder, a downloaded notebook).\n"
        "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        f'REQUIREMENT = "{DISTRIBUTION} @ git+{url}"\n'
        f'if importlib.util.find_spec("{module}") is None:\n'
        '    pip = [sys.executable, "-m", "pip", "install", "--quiet", REQUIREMENT]\n'
        "    done = subprocess.run(pip, capture_output=True, text=True)\n"
        "    importlib.invalidate_caches()\n"
        f'    if done.returncode or importlib.util.find_spec("{module}") is None:\n'
        "        said = [line.strip() for line in done.stderr.splitlines() if line.strip()]\n"
        '        why = next((line for line in said if line.startswith(("fatal:", "ERROR:"))),\n'
        '                   said[-1] if said else "pip failed")\n'
        "        raise RuntimeError(\n"
        f'            f"Could not install the book\'s package ({module}): {{why}}\\n"\n'
        "            f\"Check the network, then run by hand: pip install '{REQUIREMENT}' \"\n"
        '            "(in a notebook: %pip install ...) and restart the kernel.\\n"\n'
        '            "Adopting the book? Its repository address is repository.url in "\n'
        '            "_config.yml; run python scripts/install_cell.py after changing it."\n'
        "        ) from None"
    )


def _first_code_cell(cells: list[dict]) -> int:
    return next(i for i, c in enumerate(cells) if c["cell_type"] == "code")


def stale_chapters(url: str | None = None) -> list[str]:
    """Chapters whose first code cell is not the current install cell."""
    want = cell_source(url or repository_url())
    stale = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        cell = cells[_first_code_cell(cells)]
        tags = cell.get("metadata", {}).get("tags", [])
        if "".join(cell["source"]) != want or "remove-cell" not in tags:
            stale.append(path.name)
    return stale


def write(url: str) -> None:
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        cells = nb["cells"]
        i = _first_code_cell(cells)
        source = cell_source(url).splitlines(keepends=True)
        if "".join(cells[i]["source"]).startswith(MARKER):
            cells[i]["source"] = source
        else:
            cells.insert(
                i,
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": f"install-{path.stem[:2]}",
                    "metadata": {"tags": ["remove-cell"]},
                    "outputs": [],
                    "source": source,
                },
            )
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        print(f"{path.relative_to(ROOT)}: install cell for {url}")


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        stale = stale_chapters()
        if stale:
            print(f"Install cell missing or stale in {stale}: run python scripts/install_cell.py")
        sys.exit(1 if stale else 0)
    write(repository_url())
