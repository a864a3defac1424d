"""Graded assignments from the chapters and their exercise specs, with otter-grader.

For each chapter this writes an Otter Assign master notebook (the chapter's cells, each
exercise turned into a graded question) and runs ``otter assign`` on it, which writes the
student notebook (solutions removed) and the autograder zip that Gradescope accepts::

    _build/assignments/01_introduction/
        master/01_introduction.ipynb          the master notebook (solutions, all tests)
        student/01_introduction.ipynb         hand this out
        autograder/01_introduction-autograder_<time>.zip   upload to Gradescope / otter run

A question's tests call the package's own rule, ``dgm_utils.exercises.is_correct``, so no
answer is copied into a test. Per exercise, ``dgm_utils/data/exercises_0N.json`` gives
``kind`` and ``answer`` (the master's solution line), and optionally ``points`` (int,
default 1) and ``hidden`` (bool, default false: whether the correctness test is hidden
from students until grading). Each question also has a public 0-point test that the
answer is of the right kind, so ``grader.check`` helps without revealing anything.

Usage:
    python scripts/assignments.py                                   # all chapters
    python scripts/assignments.py chapters/02_discrete_distributions.ipynb --out DIR
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from install_cell import DISTRIBUTION, repository_url  # noqa: E402

OUT = ROOT / "_build" / "assignments"

CHECK_CELL = re.compile(r'^\s*du\.check\("(?P<id>[\w-]+)",\s*None\)', re.MULTILINE)
EXERCISE = re.compile(
    r"^:::\{exercise\}[^\n]*\n(?P<options>(?::[\w-]+:[^\n]*\n)*)(?P<body>.*?)\n:::\s*$",
    re.DOTALL,
)
BLOCK = re.compile(
    r"^:::\{(?P<kind>exercise|solution)\}[^\n]*\n.*?^:::[ \t]*$", re.DOTALL | re.MULTILINE
)
LABEL = re.compile(r"^:label:\s*(\S+)", re.MULTILINE)
EVAL = re.compile(r"\{eval\}`(?P<expr>[^`]+)`")

WHAT = {
    "int": "a whole number, e.g. `12`",
    "float": "a number, e.g. `0.25`",
    "array": "a list of numbers, e.g. `[0.2, 0.8]`",
    "set": "a set of names, e.g. `{'D', 'I'}`",
    "choice": "one of the options, as a string, e.g. `'a'`",
}


def exercise_specs(chapter: Path) -> dict[str, dict]:
    """The exercise specs of a chapter (``chapters/0N_*.ipynb`` -> ``exercises_0N.json``)."""
    number = chapter.name[:2]
    if not number.isdigit():
        raise ValueError(f"chapter must be a file named like 0N_title.ipynb, got {chapter.name!r}.")
    path = ROOT / "dgm_utils" / "data" / f"exercises_{number}.json"
    if not path.exists():
        raise ValueError(f"No exercise specs for {chapter.name}: expected {path}.")
    return json.loads(path.read_text())


def answer_variable(exercise_id: str) -> str:
    """The name a student assigns the answer to: ``ch01-blank-image`` -> ``ans_blank_image``."""
    return "ans_" + exercise_id.split("-", 1)[1].replace("-", "_")


def points(spec: dict) -> int:
    return int(spec.get("points", 1))


def _solution_literal(spec: dict) -> str:
    if spec["kind"] == "set":
        return "{" + ", ".join(repr(str(a)) for a in sorted(spec["answer"])) + "}"
    return repr(spec["answer"])


def _eval_values(cell) -> dict[str, str]:
    """The stored value of each ``{eval}`` expression of a markdown cell, as plain text."""
    values = {}
    for item in cell.get("metadata", {}).get("user_expressions", []):
        text = item.get("result", {}).get("data", {}).get("text/plain")
        if text is None:
            continue
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text
        values[item["expression"]] = str(value)
    return values


def plain_prose(cell) -> str:
    """Markdown with each ``{eval}`` replaced by its stored value (plain Jupyter shows it)."""
    values = _eval_values(cell)
    return EVAL.sub(lambda m: values.get(m["expr"], m[0]), cell.source)


def _raw(text: str):
    return nbformat.v4.new_raw_cell(text)


def _config_cell(name: str) -> str:
    return (
        "# ASSIGNMENT CONFIG\n"
        f"name: {name}\n"
        "requirements: requirements.txt\n"
        # The chapter runs top to bottom before the tests; the build does not re-run it
        # (tests/assignments grades right, wrong and mixed submissions instead).
        "run_tests: false\n"
        "export_cell:\n"
        "  pdf: false\n"
        "  instructions: Upload the zip file this cell writes to the course's Gradescope assignment.\n"
        "generate:\n"
        "  pdf: false\n"
        "  show_stdout: true\n"
        "tests:\n"
        "  ok_format: false\n"
    )


def question_cells(exercise_id: str, spec: dict, prompt: str, number: str) -> list:
    """The Otter Assign cells of one exercise: prompt, solution, a public form test and the
    correctness test (hidden if the spec says so), both calling the package's rule."""
    var = answer_variable(exercise_id)
    pts = points(spec)
    hidden = bool(spec.get("hidden", False))
    match = EXERCISE.match(prompt.strip())
    body = match["body"] if match else prompt
    head = f"**Exercise {number}** ({pts} point{'s' if pts != 1 else ''}"
    head += ", checked at grading)" if hidden else ")"
    markdown = (
        f"{head}\n\n{body.strip()}\n\n"
        f"Assign your answer, {WHAT[spec['kind']]}, to `{var}` in the next cell."
    )
    form_test = (
        '""" # BEGIN TEST CONFIG\n'
        "points: 0\n"
        "hidden: false\n"
        f'failure_message: "{var} is not an answer of the kind asked: {spec["kind"]}."\n'
        '""" # END TEST CONFIG\n'
        f"def test_{var}_form({var}):\n"
        "    from dgm_utils.exercises import is_correct\n\n"
        f"    assert {var} is not ..., 'No answer yet: replace ... with yours.'\n"
        f'    is_correct("{exercise_id}", {var})  # raises TypeError for the wrong kind\n'
    )
    right_test = (
        '""" # BEGIN TEST CONFIG\n'
        f"hidden: {'true' if hidden else 'false'}\n"
        '""" # END TEST CONFIG\n'
        f"def test_{var}({var}):\n"
        "    from dgm_utils.exercises import is_correct\n\n"
        f'    assert is_correct("{exercise_id}", {var})\n'
    )
    return [
        _raw(f"# BEGIN QUESTION\nname: {exercise_id}\npoints: {pts}"),
        nbformat.v4.new_markdown_cell(markdown),
        _raw("# BEGIN SOLUTION"),
        nbformat.v4.new_code_cell(f"{var} = {_solution_literal(spec)}  # SOLUTION"),
        _raw("# END SOLUTION"),
        _raw("# BEGIN TESTS"),
        nbformat.v4.new_code_cell(form_test),
        nbformat.v4.new_code_cell(right_test),
        _raw("# END TESTS"),
        _raw("# END QUESTION"),
    ]


def split_markdown(text: str) -> list[tuple[str, str]]:
    """A markdown cell as ``("text" | "exercise" | "solution", chunk)`` pieces, in order
    (a cell may hold a heading, one exercise's solution and the next exercise)."""
    pieces, at = [], 0
    for block in BLOCK.finditer(text):
        pieces.append(("text", text[at : block.start()]))
        pieces.append((block["kind"], block[0]))
        at = block.end()
    pieces.append(("text", text[at:]))
    return [(kind, chunk.strip()) for kind, chunk in pieces if chunk.strip()]


def master_notebook(chapter: Path, specs: dict[str, dict] | None = None):
    """The chapter as an Otter Assign master: exercises as questions, solutions kept out.

    ``specs`` defaults to the chapter's exercise specs (:func:`exercise_specs`)."""
    specs = exercise_specs(chapter) if specs is None else specs
    nb = nbformat.read(chapter, as_version=4)
    cells, found = [_raw(_config_cell(chapter.stem))], []
    prompts = {}  # label -> the exercise's markdown cell, until its check cell turns up
    for cell in nb.cells:
        if cell.cell_type != "code":
            pieces = split_markdown(plain_prose(cell))
            if [kind for kind, _ in pieces] == ["text"]:  # plain prose: keep the cell
                cell.source = pieces[0][1]
                cell.metadata.pop("user_expressions", None)
                cells.append(cell)
                continue
            for kind, chunk in pieces:
                if kind == "solution":
                    continue  # the solution stays in the book
                piece = nbformat.v4.new_markdown_cell(chunk)
                if kind == "exercise" and (label := LABEL.search(chunk)):
                    prompts[label[1]] = piece
                cells.append(piece)
            continue
        match = CHECK_CELL.search(cell.source)
        if not match:
            cell.outputs, cell.execution_count = [], None
            cells.append(cell)
            continue
        ex_id = match["id"]
        if ex_id not in specs:
            raise ValueError(f"{chapter.name} checks {ex_id!r}, which has no spec.")
        if ex_id not in prompts:
            raise ValueError(f"{chapter.name}: no exercise labelled {ex_id!r} before its check.")
        prompt = prompts.pop(ex_id)
        cells.remove(prompt)  # the exercise's text becomes the question's prompt
        found.append(ex_id)
        number = f"{int(chapter.name[:2])}.{len(found)}"
        cells.extend(question_cells(ex_id, specs[ex_id], prompt.source, number))
    for prompt in prompts.values():  # an exercise without a checker stays, ungraded
        if match := EXERCISE.match(prompt.source):
            prompt.source = f"**Exercise (not graded)**\n\n{match['body'].strip()}"
    missing = sorted(set(specs) - set(found))
    if missing:
        raise ValueError(f"{chapter.name} has specs without an exercise cell: {missing}.")
    nb.cells = cells
    nb.metadata.pop("widgets", None)  # no saved widget state in a notebook to hand out
    return nb


def build(chapter: Path, out: Path = OUT, specs: dict[str, dict] | None = None) -> dict[str, Path]:
    """Write the master, run ``otter assign``; return the student notebook and the zip."""
    chapter = Path(chapter).resolve()
    target = out / chapter.stem
    shutil.rmtree(target, ignore_errors=True)
    (target / "master").mkdir(parents=True)
    master = target / "master" / chapter.name
    nbformat.write(master_notebook(chapter, specs), master)
    # What the grader installs (Gradescope): the book's package, as a chapter's install cell does.
    (target / "master" / "requirements.txt").write_text(
        f"{DISTRIBUTION} @ git+{repository_url()}\n"
    )
    otter = Path(sys.executable).with_name("otter")
    subprocess.run(
        [str(otter), "assign", "--no-run-tests", str(master), str(target / "dist")],
        check=True,
        cwd=target / "master",
    )
    for part in ("student", "autograder"):
        (target / "dist" / part).rename(target / part)
    (target / "dist").rmdir()
    zips = sorted((target / "autograder").glob("*-autograder_*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"otter assign wrote {len(zips)} autograder zips for {chapter.name}.")
    return {"student": target / "student" / chapter.name, "autograder": zips[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    chapters = args.chapters or sorted((ROOT / "chapters").glob("0*.ipynb"))
    for chapter in chapters:
        paths = build(chapter, args.out)
        print(f"{chapter.stem}: {paths['student'].relative_to(ROOT)}, {paths['autograder'].name}")


if __name__ == "__main__":
    main()
