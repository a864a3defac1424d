"""The exercise checkers: ``du.check`` (Python) and the page's ``answer_check.js`` (run
under Node) give the same verdict and message on the shared test vectors and on a large
generated corpus of typed text; every exercise accepts its answer at the stated precision
in the forms people type; nothing a reader passes makes ``check`` raise."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from fractions import Fraction
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from dgm_utils import exercises

ROOT = Path(__file__).resolve().parents[1]
JS = resources.files("dgm_utils").joinpath("data", "answer_check.js")
VECTORS = json.loads(
    resources.files("dgm_utils").joinpath("data", "exercise_vectors.json").read_text()
)
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


def _kernel(ex_id: str, answer) -> str:
    """What check() prints."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exercises.check(ex_id, answer)
    return buf.getvalue().rstrip("\n")


def _page(cases: list[tuple[str, str]]) -> list[list[str]]:
    """The page checker's [kind, message] for each (exercise id, typed text), under Node."""
    ids = sorted({ex for ex, _ in cases})
    payload = {"specs": {i: exercises._page_spec(i) for i in ids}, "cases": cases}
    script = (
        "const {judge} = require(process.argv[1]); let d = '';"
        "process.stdin.on('data', c => d += c).on('end', () => {"
        "const {specs, cases} = JSON.parse(d);"
        "process.stdout.write(JSON.stringify(cases.map(c => judge(specs[c[0]], c[1]))));});"
    )
    out = subprocess.run(
        ["node", "-e", script, str(JS)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


# --- the shared vectors -----------------------------------------------------------------------
def test_vectors_cover_every_exercise_and_every_verdict():
    ids = {v["id"] for v in VECTORS}
    assert ids == set(exercises.exercise_ids())
    for ex_id in ids:
        kinds = [v["verdict"] for v in VECTORS if v["id"] == ex_id]
        assert kinds.count("correct") >= 3, ex_id
        assert {"wrong", "unchecked"} <= set(kinds), ex_id
        spec = exercises._spec(ex_id)
        assert kinds.count("mistake") == len(spec.get("mistakes", {})), ex_id
    assert {"coarse"} <= {v["verdict"] for v in VECTORS}


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v['id']}:{v['typed']!r}")
def test_vectors_in_the_kernel(vector):
    kind, message = exercises._verdict(vector["id"], vector["typed"])
    assert kind == vector["verdict"], message
    assert vector["says"] in message
    assert _kernel(vector["id"], vector["typed"]) == message
    assert exercises.is_correct(vector["id"], vector["typed"]) == (kind == "correct")


@needs_node
def test_vectors_on_the_page_checker():
    verdicts = _page([(v["id"], v["typed"]) for v in VECTORS])
    for v, (kind, message) in zip(VECTORS, verdicts, strict=True):
        assert kind == v["verdict"] and v["says"] in message, (v, kind, message)


# --- a generated corpus: both checkers agree exactly ------------------------------------------
def _corpus(rng: np.random.Generator) -> list[tuple[str, str]]:
    minus = ["-", "\u2212", "\u2013", "- "]
    junk_alphabet = list("0123456789.,;:+-*/^()%eE xyzabcdpiln{}[]'\"_|>\u2192\u00e9\ufeff\u00a0")
    names = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"]
    cases = []
    for ex_id in exercises.exercise_ids():
        spec = exercises._spec(ex_id)
        kind = spec["kind"]
        typed: list[str] = list(names)
        if kind in ("int", "float"):
            ref = float(spec["answer"])
            for _ in range(150):
                x = ref * (1 + rng.normal(0, 10.0 ** rng.integers(-5, 0)))
                digits = int(rng.integers(1, 8))
                form = rng.integers(0, 8)
                if form == 0:
                    t = f"{x:.{digits}g}"
                elif form == 1:
                    t = f"{x:.{digits}e}"
                elif form == 2:
                    t = f"{100 * x:.{digits}g}%"
                elif form == 3:
                    f = Fraction(x).limit_denominator(int(rng.integers(2, 200)))
                    t = f"{f.numerator}/{f.denominator}"
                elif form == 4:
                    t = f"{x:.{digits}f}".replace("-", str(rng.choice(minus)))
                elif form == 5:
                    t = f"  {round(x)}  "
                elif form == 6:
                    a, b = rng.integers(1, 30, size=2)
                    op = rng.choice(["ln", "log", "sqrt", "exp", "", "-"])
                    t = f"{a} {rng.choice(['*', '/', '+', '-', '^', '**'])} {op}({b})"
                else:
                    t = f"{int(x)},{int(rng.integers(0, 1000)):03d}"
                typed.append(t)
            typed += ["1e400", "-1e16", "1e15", "9007199254740993", "2^53", "2**60", "0", "-0"]
            typed += ["(" * 25 + "1" + ")" * 25, "-" * 150 + "1", "2^" * 60 + "2", "ln ln ln 2"]
            typed += ["nan", "inf", "NaN", "Infinity", "0x10", "1_000", "1e", ".", "--1", "+-1"]
        else:
            pool = list(spec["answer"]) if kind == "set" else [spec["answer"]]
            for m in spec.get("mistakes", {}):
                pool += re.split(r"\s*,\s*", m)
            pool += ["x", "P(X|Z)", "p( z )", "L->D", "s -> l", "q(z | x)"]
            for _ in range(150):
                k = int(rng.integers(1, 5))
                items = [str(rng.choice(pool)) for _ in range(k)]
                items = [s.upper() if rng.random() < 0.3 else s for s in items]
                sep = str(rng.choice([",", ", ", ";", " ", " , ", "\t"]))
                t = sep.join(items)
                if rng.random() < 0.3:
                    t = "{" + ", ".join(f"'{s}'" for s in items) + "}"
                if rng.random() < 0.2:
                    t = t.replace("->", str(rng.choice(["\u2192", "-->", " -> "])))
                typed.append(t)
        for _ in range(60):
            n = int(rng.integers(0, 12))
            typed.append("".join(rng.choice(junk_alphabet, size=n)))
        cases += [(ex_id, t) for t in typed]
    return cases


@needs_node
def test_page_and_kernel_agree_on_a_generated_corpus():
    cases = _corpus(np.random.default_rng(0))
    assert len(cases) > 8000
    page = _page(cases)
    disagree = [
        (ex_id, t, p, list(exercises._verdict(ex_id, t)))
        for (ex_id, t), p in zip(cases, page, strict=True)
        if p != list(exercises._verdict(ex_id, t))
    ]
    assert not disagree, disagree[:5]
    # The corpus reaches every verdict, so agreement is not agreement on "Not checked" alone.
    assert {p[0] for p in page} == {"correct", "coarse", "mistake", "wrong", "unchecked"}


# --- what each exercise accepts ---------------------------------------------------------------
@pytest.mark.parametrize("ex_id", exercises.exercise_ids())
def test_rounded_answer_is_correct(ex_id):
    """The answer rounded to the stated precision (3 significant figures at most) is right,
    and so is a fraction of small integers where the answer is one."""
    spec = exercises._spec(ex_id)
    if spec["kind"] == "int":
        assert exercises.is_correct(ex_id, str(spec["answer"]))
        return
    if spec["kind"] != "float":
        assert exercises.is_correct(
            ex_id, spec["answer"] if spec["kind"] == "choice" else set(spec["answer"])
        )
        return
    answer = spec["answer"]
    assert spec.get("sig", 3) <= 3, f"{ex_id}: more than 3 significant figures asked"
    rounded = f"{answer:.{spec['sig']}g}" if "sig" in spec else f"{answer:.{spec['decimals']}f}"
    assert exercises.is_correct(ex_id, rounded), (ex_id, rounded)
    assert exercises.is_correct(ex_id, float(rounded))
    assert exercises.is_correct(ex_id, answer)
    frac = Fraction(answer).limit_denominator(100)
    if abs(float(frac) - answer) < 1e-12:
        assert exercises.is_correct(ex_id, f"{frac.numerator}/{frac.denominator}")
        assert exercises.is_correct(ex_id, frac)
    # Outside the tolerance is not right: the checker is not vacuous.
    tol = exercises._page_spec(ex_id)["tol"]
    assert not exercises.is_correct(ex_id, answer + 3 * tol + 0.01 * abs(answer))


def test_exercise_statements_state_the_precision():
    """Every numeric exercise says in its statement the precision its checker wants."""
    statements = {}
    for path in sorted(ROOT.joinpath("chapters").glob("*.ipynb")):
        md = "\n".join(
            "".join(c["source"])
            for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "markdown"
        )
        for label, body in re.findall(
            r":::\{exercise\}\n:label: (ch\d\d-[a-z0-9-]+)\n(.*?):::", md, re.S
        ):
            statements[label] = " ".join(body.split())
    for ex_id in exercises.exercise_ids():
        spec = exercises._spec(ex_id)
        if spec["kind"] != "float":
            continue
        n = spec.get("sig", spec.get("decimals"))
        noun = "significant figure" if "sig" in spec else "decimal place"
        assert f"to {WORDS[n]} {noun}" in statements[ex_id], (ex_id, statements[ex_id][-200:])


def test_python_values_are_read_as_typed_text():
    assert exercises.is_correct("ch01-posterior-by-hand", 9 / 14)
    assert exercises.is_correct("ch01-posterior-by-hand", Fraction(9, 14))
    assert exercises.is_correct("ch01-posterior-by-hand", np.float64(0.642857))
    assert exercises.is_correct("ch01-posterior-by-hand", np.array(0.643))
    assert exercises.is_correct("ch02-labelled-joint", 10 * 2**64 - 1)
    assert exercises.is_correct("ch02-rgb-independent", np.int64(765))
    assert exercises.is_correct("ch04-mixture-dsep", {"B", "D"})
    assert exercises.is_correct("ch04-mixture-dsep", ["d", "b"])
    assert _kernel("ch01-posterior-by-hand", 0.64).startswith("Not yet. Right to 2 significant")
    assert (
        _kernel("ch05-sigmoid-slope", 0.25)
        == "Not yet. " + exercises._spec("ch05-sigmoid-slope")["mistakes"]["0.25"]
    )


@pytest.mark.parametrize(
    "answer",
    [
        10**400,
        -(10**400),
        float("nan"),
        float("inf"),
        True,
        1j,
        object(),
        {"a": 1},
        [1, 2],
        np.zeros(3),
        "x" * 10_000,
        b"0.5",
        {1, 2},
        (),
    ],
    ids=repr,
)
def test_check_never_raises_on_an_answer(answer):
    for ex_id in exercises.exercise_ids():
        out = _kernel(ex_id, answer)
        assert out.startswith(("Not checked: this exercise expects", "Not yet.")), (ex_id, out)
        assert not exercises.is_correct(ex_id, answer)


def test_unknown_exercise_id_is_an_error():
    with pytest.raises(ValueError, match="Unknown exercise id 'ch00-nope'"):
        exercises.check("ch00-nope", 1)
    with pytest.raises(TypeError, match="exercise_id must be a string"):
        exercises.check(3, 1)


def test_spec_without_precision_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="exactly one of 'sig'"):
        exercises._validate_spec("ch00-x", {"kind": "float", "answer": 0.5}, "exercises_00.json")
    with pytest.raises(ValueError, match="has kind 'array'"):
        exercises._validate_spec("ch00-x", {"kind": "array", "answer": [1]}, "exercises_00.json")
    # Grader fields are allowed and ignored.
    exercises._validate_spec(
        "ch00-x", {"kind": "int", "answer": 1, "points": 2, "hidden": True}, "exercises_00.json"
    )


# --- the box ----------------------------------------------------------------------------------
def test_answer_box_is_safe_without_scripts(monkeypatch, capsys):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    exercises.check("ch04-diamond-params", None)
    (box,) = shown
    html_out, text = box._repr_html_(), repr(box)
    assert capsys.readouterr().out == ""
    assert 'id="dgm-check-ch04-diamond-params"' in html_out and 'role="status"' in html_out
    # Nothing can submit or navigate: no form, a plain button, no link.
    assert "<form" not in html_out and 'type="button"' in html_out and "href" not in html_out
    assert "run this cell, or check it on the book&#x27;s website" in html_out or (
        "run this cell, or check it on the book's website" in html_out
    )
    assert JS.read_text() in html_out  # the very file the unit tests run
    assert "Replace None with your answer" in text and "11" not in text


def test_page_checker_is_plain_safe_javascript():
    source = JS.read_text()
    if shutil.which("node"):
        subprocess.run(["node", "--check", str(JS)], check=True)
    assert '"use strict"' in source
    for banned in ("eval(", "new Function", "innerHTML", "document.write", "setTimeout("):
        assert banned not in source, banned
    assert not re.search(r"[^=!]==[^=]|!=[^=]", source), "use === and !=="
    assert "</script" not in source.lower()
    # Lookups in the spec's plain objects go through hasOwnProperty only.
    for line in source.splitlines():
        if re.search(r"\w\[(digits|key)\]", line):
            assert "if (has(spec.mistakes, " in line, line


def test_exercises_name_their_number_in_chapter_order():
    """JupyterLab shows the number an exercise names (``:enumerator: 3.1``), the site its own
    count: both read "Exercise 3.1" only if the k-th exercise of chapter 3 names 3.k."""
    for path in sorted(ROOT.joinpath("chapters").glob("*.ipynb")):
        chapter = int(path.name[:2])
        md = "\n".join(
            "".join(c["source"])
            for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "markdown"
        )
        blocks = re.findall(r":::\{exercise\}\n:label: \S+\n:enumerator: (\S+)\n", md)
        assert len(blocks) == md.count(":::{exercise}") >= 3, path.name
        assert blocks == [f"{chapter}.{k}" for k in range(1, len(blocks) + 1)], path.name
