"""Immediate feedback on the book's exercises: ``check("<exercise id>", answer)``.

The expected answers live in ``dgm_utils/data/exercises_*.json`` (one file per chapter),
each entry of the form::

    "ch02-rgb-pixel": {"kind": "int", "answer": 16777215,
                       "hint": "How many colours can one pixel take?",
                       "mistakes": {"16777216": "Close: one probability is fixed by the others."}}

``kind`` is one of ``int`` (exact), ``float`` (``rtol``/``atol``), ``array`` (``atol``),
``set`` (of strings, order-free) or ``choice`` (one string, case-insensitive). A wrong
answer gets the hint (or the specific note for a known mistake), never the solution.
"""

from __future__ import annotations

import functools
import json
import numbers
from importlib import resources

import numpy as np

_KINDS = ("int", "float", "array", "set", "choice")


@functools.cache
def _registry() -> dict[str, dict]:
    entries: dict[str, dict] = {}
    for path in sorted(resources.files("dgm_utils").joinpath("data").iterdir()):
        if not (path.name.startswith("exercises_") and path.name.endswith(".json")):
            continue
        for ex_id, spec in json.loads(path.read_text()).items():
            if ex_id in entries:
                raise ValueError(
                    f"Exercise id {ex_id!r} is defined twice (second time in {path.name})."
                )
            if spec.get("kind") not in _KINDS:
                raise ValueError(
                    f"Exercise {ex_id!r} in {path.name} has kind {spec.get('kind')!r}; expected one of {_KINDS}."
                )
            entries[ex_id] = spec
    return entries


def exercise_ids() -> list[str]:
    """All exercise ids that have a checker.

    Introduced in chapter 1, What is a generative model.
    """
    return sorted(_registry())


def _spec(exercise_id: str) -> dict:
    if not isinstance(exercise_id, str):
        raise TypeError(
            f"exercise_id must be a string such as 'ch02-rgb-pixel', got {type(exercise_id).__name__}."
        )
    reg = _registry()
    if exercise_id not in reg:
        prefix = exercise_id.split("-")[0]
        near = [k for k in reg if k.startswith(prefix)] or list(reg)
        raise ValueError(
            f"Unknown exercise id {exercise_id!r}; known ids include {sorted(near)[:12]}."
        )
    return reg[exercise_id]


def _normalise_set(answer) -> frozenset[str]:
    if isinstance(answer, str):
        raise TypeError("Give a set or list of names, e.g. {'D', 'I'}, not a single string.")
    if not isinstance(answer, set | frozenset | list | tuple):
        raise TypeError(
            f"Give a set or list of names, e.g. {{'D', 'I'}}, got {type(answer).__name__}."
        )
    return frozenset(str(a).strip() for a in answer)


def _grade(spec: dict, answer) -> tuple[bool, str | None]:
    """(correct?, note for a known mistake)."""
    kind = spec["kind"]
    mistakes = spec.get("mistakes", {})
    if kind == "int":
        if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
            if isinstance(answer, float) and answer.is_integer() and abs(answer) < 2**53:
                answer = int(answer)
            else:
                raise TypeError(
                    f"This exercise expects a whole number (an int), got {type(answer).__name__}."
                )
        answer = int(answer)
        return answer == int(spec["answer"]), mistakes.get(str(answer))
    if kind == "float":
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            raise TypeError(f"This exercise expects a number, got {type(answer).__name__}.")
        ok = bool(
            np.isclose(
                float(answer),
                spec["answer"],
                rtol=spec.get("rtol", 1e-3),
                atol=spec.get("atol", 1e-9),
            )
        )
        return ok, None
    if kind == "array":
        arr = np.asarray(answer, dtype=np.float64)
        ref = np.asarray(spec["answer"], dtype=np.float64)
        if arr.shape != ref.shape:
            return False, f"Expected an array of shape {ref.shape}, got {arr.shape}."
        return bool(np.allclose(arr, ref, atol=spec.get("atol", 1e-3), rtol=0)), None
    if kind == "set":
        got = _normalise_set(answer)
        ok = got == _normalise_set(spec["answer"])
        return ok, mistakes.get(",".join(sorted(got)))
    # choice
    if not isinstance(answer, str):
        raise TypeError(
            f"This exercise expects one of the options as a string, got {type(answer).__name__}."
        )
    got = answer.strip().lower()
    return got == str(spec["answer"]).strip().lower(), mistakes.get(got)


_WHAT = {
    "int": "a whole number",
    "float": "a number",
    "array": "numbers separated by commas",
    "set": "names separated by commas",
    "choice": "one of the options",
}

# The page's checker: the same rules as _grade, in the browser. It reads the exercise from
# the form's data-spec and writes the verdict into its <output>.
_CHECK_JS = (
    "var f=this,s=JSON.parse(f.dataset.spec),v=f.querySelector('input').value.trim(),"
    "o=f.querySelector('output'),m=s.mistakes||{},ok=false,note,bad,x,p,g;"
    "function num(t){t=t.trim();return /^[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?$/.test(t)?Number(t):NaN}"
    "if(s.kind=='int'){x=v.replace(/^\\+/,'').replace(/\\.0*$/,'');"
    "if(!/^-?\\d+$/.test(x))bad='This exercise expects a whole number (an int).';"
    "else{x=x.replace(/^(-?)0+(?=\\d)/,'$1');ok=x==s.answer;note=m[x]}}"
    "else if(s.kind=='float'){x=num(v);if(isNaN(x))bad='This exercise expects a number.';"
    "else ok=Math.abs(x-s.answer)<=s.atol+s.rtol*Math.abs(s.answer)}"
    "else if(s.kind=='array'){p=v.replace(/[\\[\\]()]/g,'').split(/[\\s,;]+/).filter(Boolean).map(num);"
    "if(!p.length||p.some(isNaN))bad='Give numbers separated by commas, e.g. 0.2, 0.8.';"
    "else if(p.length!=s.answer.length)note='Expected an array of shape ('+s.answer.length+',), got ('+p.length+',).';"
    "else ok=p.every(function(a,i){return Math.abs(a-s.answer[i])<=s.atol})}"
    "else if(s.kind=='set'){g=v.replace(/[{}\\[\\]'\"]/g,'').split(',').map(function(t){return t.trim()}).filter(Boolean);"
    "if(!g.length)bad='Give names separated by commas, e.g. D, I.';"
    "else{g=Array.from(new Set(g)).sort();ok=g.join(',')==s.answer.slice().sort().join(',');note=m[g.join(',')]}}"
    "else{g=v.toLowerCase();if(!g)bad='Type one of the options.';else{ok=g==s.answer.toLowerCase();note=m[g]}}"
    "o.textContent=bad?'Not checked: '+bad:ok?('Correct! '+(s.feedback||'')).trim():'Not yet. '+(note||s.hint);"
    "return false;"
)


class AnswerBox:
    """An exercise's answer box, shown by ``check(exercise_id, None)``.

    Introduced in chapter 1; every chapter's exercises show one.

    In a notebook the text says how to answer with :func:`check`; on the website (and in a
    trusted notebook) an HTML form checks the answer in the page, with no kernel, by the
    same rules and tolerance as :func:`check`, and gives the same hints.
    """

    def __init__(self, exercise_id: str, spec: dict):
        self.exercise_id, self.spec = exercise_id, spec

    def _page_spec(self) -> dict:
        """What the page's checker needs. Whole numbers travel as strings (exact beyond 2**53)."""
        spec, kind = self.spec, self.spec["kind"]
        out = {"kind": kind, "hint": spec.get("hint", ""), "feedback": spec.get("feedback", "")}
        out["mistakes"] = {
            str(k).lower() if kind == "choice" else str(k): v
            for k, v in spec.get("mistakes", {}).items()
        }
        if kind == "int":
            out["answer"] = str(int(spec["answer"]))
        elif kind == "float":
            out.update(
                answer=spec["answer"], rtol=spec.get("rtol", 1e-3), atol=spec.get("atol", 1e-9)
            )
        elif kind == "array":
            out.update(answer=list(np.ravel(spec["answer"])), atol=spec.get("atol", 1e-3))
        elif kind == "set":
            out["answer"] = sorted(str(a).strip() for a in spec["answer"])
        else:
            out["answer"] = str(spec["answer"]).strip()
        return out

    def __repr__(self) -> str:
        return (
            f"Replace None with your answer ({_WHAT[self.spec['kind']]}) and run this cell, "
            f'e.g. du.check("{self.exercise_id}", ...).'
        )

    def _repr_html_(self) -> str:
        import html

        ex = html.escape(self.exercise_id)
        spec = html.escape(json.dumps(self._page_spec()))
        return (
            f'<form class="dgm-check" id="dgm-check-{ex}" data-spec="{spec}" '
            f'onsubmit="{html.escape(_CHECK_JS)}">'
            f'<label for="dgm-answer-{ex}">Your answer ({_WHAT[self.spec["kind"]]}):</label> '
            f'<input type="text" id="dgm-answer-{ex}" autocomplete="off" spellcheck="false"> '
            f'<button type="submit">Check</button> '
            f'<output for="dgm-answer-{ex}" role="status" aria-live="polite"></output></form>'
        )


def is_correct(exercise_id: str, answer) -> bool:
    """Whether ``answer`` is right (no printing); see :func:`check`.

    Introduced in chapter 1, What is a generative model.
    """
    ok, _ = _grade(_spec(exercise_id), answer)
    return ok


def check(exercise_id: str, answer) -> None:
    """Print whether ``answer`` to exercise ``exercise_id`` is right, with a hint if not.

    Introduced in chapter 1; every chapter ends with exercises that use it.

    Parameters
    ----------
    exercise_id : str
        The label of the exercise, e.g. ``"ch02-rgb-pixel"``.
    answer : int, float, array-like, set of str or str
        Your answer, of the kind the exercise asks for.

    Examples
    --------
    >>> check("ch02-rgb-pixel", 256**3 - 1)  # doctest: +SKIP
    Correct! ...
    """
    spec = _spec(exercise_id)
    if answer is None:  # not answered yet: an answer box (the website checks it in the page)
        from IPython.display import display

        display(AnswerBox(exercise_id, spec))
        return
    try:
        ok, note = _grade(spec, answer)
    except TypeError as exc:
        print(f"Not checked: {exc}")
        return
    if ok:
        print(f"Correct! {spec.get('feedback', '')}".rstrip())
    else:
        print(f"Not yet. {note or spec.get('hint', 'Look at the chapter once more.')}".rstrip())
