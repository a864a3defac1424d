"""Each chapter runs alone, as a student meets it in Colab or as a downloaded notebook.

What runs is the chapter's student notebook (``notebooks/``, what the site's launch and
download buttons hand out; its code cells are the chapter's, ``tests/test_student_notebooks.py``),
and its outputs must equal the chapter's stored ones, compared as strict nbval compares them
(``tests/sanitize.cfg``; images and glue records aside, which nbval does not compare either
and which need MyST-NB).

The environment holds Colab's preinstalled stack (numpy, scipy, matplotlib, scikit-learn,
pandas, torch, ipywidgets) plus the book's package installed from a wheel with its declared
dependencies, and nothing that exists only for building the book (no MyST-NB, no Jupyter
Book). Each student notebook is copied alone into an empty folder and executed top to bottom in a
kernel of that environment: no cell may fail, except those tagged ``raises-exception``.

The environment (``.venv-standalone``) is made once and reused while the pinned versions
are unchanged; the package's wheel is rebuilt and reinstalled on every run.

Run: ``pytest --standalone tests/standalone`` (``make test`` does).
"""

from __future__ import annotations

import configparser
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
ENV = ROOT / ".venv-standalone"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
STUDENT = ROOT / "notebooks"
COMPARED = ("text/plain", "text/html", "text/latex", "text/markdown")
# What Colab has preinstalled, that the chapters may use; ipykernel runs the chapter.
COLAB_STACK = ["numpy", "scipy", "matplotlib", "scikit-learn", "pandas", "ipywidgets", "ipykernel"]
TORCH_INDEX = os.environ.get("TORCH_INDEX", "https://download.pytorch.org/whl/cpu")

pytestmark = pytest.mark.standalone


def _pins() -> list[str]:
    """The versions requirements.txt pins for the stack (the same numbers as the book's)."""
    names = {*COLAB_STACK, "torch"}
    pins = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name = line.split("==")[0].strip().lower()
        if "==" in line and name in names:
            pins.append(line.strip())
    return pins


def _pip(*args: str) -> None:
    subprocess.run([str(ENV / "bin" / "python"), "-m", "pip", "--quiet", *args], check=True)


@pytest.fixture(scope="session")
def kernel(tmp_path_factory) -> str:
    pins = _pins()
    stamp = ENV / ".stack"
    key = hashlib.sha256("\n".join(pins).encode()).hexdigest()
    if not stamp.is_file() or stamp.read_text() != key:
        shutil.rmtree(ENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(ENV)], check=True)
        torch = next((p for p in pins if p.startswith("torch==")), "torch")
        try:  # the CPU build, as Colab's CPU runtime has; else whatever the index serves
            _pip("install", torch, "--index-url", TORCH_INDEX, "--timeout", "10", "--retries", "1")
        except subprocess.CalledProcessError:
            _pip("install", torch)
        _pip("install", *pins)
        stamp.write_text(key)
    # The package as `pip install <repository>` installs it: a wheel, with its dependencies.
    # Built from a copy of what the distribution holds, so no build/ lands in the checkout.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "dgm_utils", source / "dgm_utils", ignore=shutil.ignore_patterns("__pycache__")
    )
    wheels = tmp_path_factory.mktemp("wheel")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels)]
    subprocess.run([*pip_wheel, str(source)], check=True)
    (wheel,) = wheels.glob("*.whl")
    _pip("install", "--force-reinstall", "--no-deps", str(wheel))
    _pip("install", str(wheel))  # its declared dependencies, all present already
    probe = "import importlib.util as u; print(u.find_spec('myst_nb') is None, u.find_spec('dgm_utils').origin)"
    elsewhere = tmp_path_factory.mktemp("probe")  # not the repository: its dgm_utils/ would win
    out = subprocess.run(
        [str(ENV / "bin" / "python"), "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=elsewhere,
    ).stdout.split()
    assert out[0] == "True", "the standalone environment must not have MyST-NB"
    assert str(ENV) in out[1], f"dgm_utils must come from the installed wheel, not {out[1]}"
    # A kernel spec for that environment, visible to nbclient through JUPYTER_PATH.
    prefix = tmp_path_factory.mktemp("kernels")
    subprocess.run(
        [
            str(ENV / "bin" / "python"),
            "-m",
            "ipykernel",
            "install",
            "--prefix",
            str(prefix),
            "--name",
            "dgm-standalone",
        ],
        check=True,
        capture_output=True,
    )
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    return "dgm-standalone"


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "sanitize.cfg")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def comparable(outputs: list, sanitizers=None) -> list:
    """What strict nbval compares of a cell's outputs, sanitized; glue records left out."""
    sanitizers = _sanitizers() if sanitizers is None else sanitizers

    def clean(text: str) -> str:
        for regex, replace in sanitizers:
            text = regex.sub(replace, text)
        return text

    kept, stream = [], {}
    for out in outputs:
        kind = out["output_type"]
        if kind == "stream":  # consecutive stream outputs read as one text
            stream[out["name"]] = stream.get(out["name"], "") + out["text"]
            continue
        if out.get("metadata", {}).get("scrapbook"):
            continue
        if kind == "error":
            kept.append(("error", out["ename"], clean(out["evalue"])))
            continue
        data = {k: clean(v if isinstance(v, str) else "".join(v)) for k, v in out["data"].items()}
        data = {k: v for k, v in data.items() if k in COMPARED}
        if data:
            kept.append((kind, data))
    return [("stream", k, clean(v)) for k, v in sorted(stream.items())] + kept


def test_comparable_outputs_see_a_changed_number():
    out = [{"output_type": "stream", "name": "stdout", "text": "acc 0.91 in 3.2 s\n"}]
    changed = [{"output_type": "stream", "name": "stdout", "text": "acc 0.92 in 5.0 s\n"}]
    slower = [{"output_type": "stream", "name": "stdout", "text": "acc 0.91 in 5.0 s\n"}]
    assert comparable(out) != comparable(changed)
    assert comparable(out) == comparable(slower)  # a timing, as nbval sanitizes it


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_runs_alone(kernel, chapter, tmp_path):
    alone = tmp_path / chapter.name
    shutil.copy(STUDENT / chapter.name, alone)  # nothing else from the repository comes along
    nb = nbformat.read(alone, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name=kernel, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [
        c
        for c in nb.cells
        if any(o.get("output_type") == "error" for o in c.get("outputs", []))
        and "raises-exception" not in c.get("metadata", {}).get("tags", [])
    ]
    assert not errors
    stored = [c for c in nbformat.read(chapter, as_version=4).cells if c.cell_type == "code"]
    ran = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in ran] == [c.source for c in stored]
    sanitizers = _sanitizers()
    for i, (got, want) in enumerate(zip(ran, stored, strict=True)):
        # Without MyST-NB, glue(..., display=True) shows its value as a plain output.
        shown = [o for o in got.outputs if not _glue_display(o, want.outputs)]
        assert comparable(shown, sanitizers) == comparable(want.outputs, sanitizers), (
            f"{chapter.name}, code cell {i}: outputs differ from the chapter's"
        )


def _glue_display(output, stored) -> bool:
    """An output that glue(..., display=True) printed where MyST-NB would have recorded it."""
    if output.get("output_type") != "display_data":
        return False
    text = output.get("data", {}).get("text/plain")
    records = [
        o["data"].get("application/papermill.record/text/plain")
        for o in stored
        if o.get("metadata", {}).get("scrapbook")
    ]
    return text is not None and text in records
