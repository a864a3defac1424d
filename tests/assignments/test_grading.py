"""End-to-end grading of the generated assignments with otter's local runner (no Docker).

For each chapter: build the assignment with ``scripts/assignments.py``, then grade, with
``otter run -a <autograder zip> <submission>``, three submissions made from the student
notebook: every answer right (full marks), every answer wrong, empty or of the wrong kind
(zero, and grading still completes), and a mix (exactly the points of the right ones).
The right answers come from the exercise specs; the tests inside the zip never see them
(they call ``dgm_utils.exercises.is_correct``), which is what these cases check.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import assignments  # noqa: E402

from dgm_utils.exercises import is_correct  # noqa: E402

CHAPTERS = sorted(p.name for p in (ROOT / "chapters").glob("0*.ipynb"))
# The two quickest chapters to execute are graded in `make test`, all in `make assignments-test`.
FAST = {"02_discrete_distributions.ipynb", "03_chain_rule_and_independence.ipynb"}
OTTER = Path(sys.executable).with_name("otter")


def wrong_answer(spec: dict, i: int):
    """An answer that is wrong in one of three ways: a wrong value, empty, the wrong kind."""
    if i % 3 == 1:
        return ...
    if i % 3 == 2:
        return "no idea" if spec["kind"] != "choice" else 42
    kind, answer = spec["kind"], spec["answer"]
    if kind in ("int", "float"):
        return answer * 2 + 1
    if kind == "array":
        return [a + 1 for a in answer]
    if kind == "set":
        return set(answer[1:]) if len(answer) > 1 else {"none of them"}
    return "not " + answer


def submission(student: Path, specs: dict, right: set[str], path: Path) -> Path:
    """The student notebook with the answers filled in: right for ``right``, wrong otherwise."""
    nb = nbformat.read(student, as_version=4)
    by_var = {assignments.answer_variable(k): k for k in specs}
    filled = []
    for i, cell in enumerate(
        c for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", [])
    ):
        var = cell.source.split("=")[0].strip()
        ex_id = by_var[var]
        spec = specs[ex_id]
        value = spec["answer"] if ex_id in right else wrong_answer(spec, i)
        if spec["kind"] == "set" and ex_id in right:
            value = set(value)
        if ex_id not in right and value is not ...:
            try:
                assert not is_correct(ex_id, value), f"the wrong answer {value!r} is right"
            except TypeError:
                pass  # the wrong kind: the grader must give 0 without crashing
        cell.source = f"{var} = {value!r}"
        filled.append(ex_id)
    assert sorted(filled) == sorted(specs), "every exercise has one answer cell"
    nbformat.write(nb, path)
    return path


def grade(autograder: Path, notebook: Path) -> dict[str, float]:
    """Each question's score as otter's local runner reports it in results.json."""
    out = notebook.parent / f"{notebook.stem}-results"
    out.mkdir()
    subprocess.run(
        [str(OTTER), "run", "--no-logo", "-a", str(autograder), "-o", str(out), str(notebook)],
        check=True,
        cwd=notebook.parent,
        capture_output=True,
    )
    results = json.loads((out / "results.json").read_text())
    return {t["name"]: t["score"] for t in results["tests"] if "max_score" in t}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache = {}

    def build(chapter: str):
        if chapter not in cache:
            out = tmp_path_factory.mktemp("assignments")
            cache[chapter] = assignments.build(ROOT / "chapters" / chapter, out)
        return cache[chapter]

    return build


CASES = [
    pytest.param(chapter, case, marks=[] if chapter in FAST else [pytest.mark.slow_chapter])
    for chapter in CHAPTERS
    for case in ("right", "wrong", "mixed")
]


@pytest.mark.parametrize(("chapter", "case"), CASES)
def test_grading(built, chapter, case, tmp_path):
    paths = built(chapter)
    specs = assignments.exercise_specs(Path(chapter))
    ids = list(specs)
    right = {"right": set(ids), "wrong": set(), "mixed": set(ids[::2])}[case]
    sub = submission(paths["student"], specs, right, tmp_path / chapter)
    scores = grade(paths["autograder"], sub)
    expected = {k: float(assignments.points(s)) if k in right else 0.0 for k, s in specs.items()}
    assert scores == expected
    if case == "mixed":
        assert 0 < sum(scores.values()) < sum(map(assignments.points, specs.values()))


@pytest.mark.parametrize("chapter", sorted(FAST)[:1])
def test_no_solution_in_student_notebook(built, chapter):
    """The student notebook has every question's answer cell empty and no solution text."""
    paths = built(chapter)
    specs = assignments.exercise_specs(Path(chapter))
    nb = nbformat.read(paths["student"], as_version=4)
    answers = [c.source for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", [])]
    assert sorted(answers) == sorted(f"{assignments.answer_variable(k)} = ..." for k in specs)
    assert not any(c.source.lstrip().startswith(":::{solution}") for c in nb.cells)
    text = "\n".join(c.source for c in nb.cells)
    assert "{eval}" not in text and "# SOLUTION" not in text


def test_hidden_test_and_points(tmp_path):
    """A spec with ``hidden: true`` and ``points: 3``: the student notebook carries only the
    public form test, the autograder the hidden one, worth 3 points (graded right and wrong)."""
    ex_id = "ch01-posterior-by-hand"
    spec = dict(assignments.exercise_specs(Path("01_x.ipynb"))[ex_id], hidden=True, points=3)
    chapter = tmp_path / "01_tiny.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A tiny chapter"),
        nbformat.v4.new_code_cell("import dgm_utils as du"),
        nbformat.v4.new_markdown_cell(f":::{{exercise}}\n:label: {ex_id}\nCompute it.\n:::"),
        nbformat.v4.new_code_cell(f'du.check("{ex_id}", None)'),
        nbformat.v4.new_markdown_cell(f":::{{solution}} {ex_id}\n:class: dropdown\n9/14\n:::"),
    ]
    nbformat.write(nb, chapter)
    paths = assignments.build(chapter, tmp_path / "out", specs={ex_id: spec})
    student = nbformat.read(paths["student"], as_version=4)
    public = student.metadata["otter"]["tests"][ex_id]
    var = assignments.answer_variable(ex_id)
    assert f"def test_{var}_form(" in public and f"def test_{var}(" not in public
    with zipfile.ZipFile(paths["autograder"]) as z:
        graded = z.read(f"tests/{ex_id}.py").decode()
    assert "points = 3" in graded and f"hidden=True)\ndef test_{var}(" in graded
    for right, score in ((True, 3.0), (False, 0.0)):
        sub = submission(
            paths["student"],
            {ex_id: spec},
            {ex_id} if right else set(),
            tmp_path / f"{right}.ipynb",
        )
        assert grade(paths["autograder"], sub) == {ex_id: score}
