"""Immediate feedback on the book's exercises: ``check("<exercise id>", answer)``.

The expected answers live in ``dgm_utils/data/exercises_*.json`` (one file per chapter),
each entry of the form::

    "ch05-sigmoid-slope": {"kind": "float", "answer": 0.1875, "sig": 3, "percent": false,
                           "hint": "...", "feedback": "...",
                           "mistakes": {"0.75": "That is sigma(log 3) itself; ..."}}

The spec says what is right; this module and the page's checker
(``dgm_utils/data/answer_check.js``) read typed text by one grammar, tested on the same
vectors (``dgm_utils/data/exercise_vectors.json``) in both.

Spec fields
-----------
``kind``
    ``int`` (exact, any size), ``float``, ``set`` (of names, order-free) or ``choice``
    (one name).
``answer``
    The reference: a whole number, a number, a list of names or a name.
``sig`` or ``decimals`` (``float`` only, exactly one)
    The precision the statement asks for: significant figures or decimal places. An answer
    within half a unit of that last place of the reference is right, at that precision or
    finer; ``atol`` (optional) widens this for answers computed by a method with its own
    spread.
``percent`` (``float``, optional)
    The quantity is a probability or a fraction, so ``64.3%`` is read as 0.643.
``mistakes`` (optional)
    A common wrong answer (typed as the reference is) and the note shown for it. Numeric
    mistakes match with the answer's tolerance.
``hint``, ``feedback``
    Shown for a wrong answer, and after "Correct!".
``points`` (int), ``hidden`` (bool)
    For graders built on :func:`is_correct`; the checkers ignore them.

Grammar of typed text
---------------------
The text is normalised first: every dash or minus sign becomes ``-``, ``×`` and ``·``
become ``*``, ``÷`` becomes ``/``, ``→``, ``⟶``, ``⇒`` and ``-->`` become ``->``, runs of
white space (and a byte-order mark) become one space, and the ends are trimmed. Text that
is then empty, longer than 200 characters or not printable ASCII is not checked.

* ``int``: digits with an optional sign (leading zeros, a ``.0`` tail and thousands commas
  ``1,000`` allowed), compared exactly; or arithmetic (below) whose value is a whole number
  of at most 2**53.
* ``float``: a literal (``0.643``, ``.5``, ``-16.7``, ``6.43e-1``), with ``%`` where
  ``percent`` is set; or arithmetic: numbers, ``+ - * / ^ **``, parentheses, ``pi`` and the
  functions ``ln``, ``log`` (both natural), ``exp``, ``sqrt``, written ``ln(3)`` or
  ``ln 3``; a name right after a number multiplies it (``64 ln 2``, ``2pi``). Any step that is not a finite number (``1/0``, ``ln(-1)``), and a result beyond
  1e15 in size, is not checked. A literal that is right but has fewer figures than asked
  gets "Right to 2 significant figures; give 3."
* ``set``: names separated by commas, semicolons or spaces; case, quotes, braces and
  spaces around ``( | ->`` and before ``)`` do not matter (``p(x | z)`` is ``p(x|z)``); repeats count once.
* ``choice``: one name, normalised as a set's names, spaces removed (``L -> D`` is
  ``l->d``).

A verdict is one of ``Correct! <feedback>``, ``Not yet. <note of the recorded mistake>``,
``Not yet. Right to ...; give ...``, ``Not yet. <hint>`` and ``Not checked: <the form this
exercise expects>``. :func:`check` also takes Python values (``0.642857``, ``9/14``,
``Fraction(9, 14)``, ``{"B", "D"}``, a NumPy scalar): numbers are read as the text of their
``repr``, collections of names as their items joined by commas.
"""

from __future__ import annotations

import functools
import html
import json
import math
import numbers
import re
from importlib import resources

_KINDS = ("int", "float", "set", "choice")
_MAX_LENGTH = 200
_MAX_DEPTH = 20
_MAX_MAGNITUDE = 1e15
_MAX_INT_DIGITS = 40
_EXACT_INT = 2**53
_HALF = 0.5000005  # half a unit of the last place, with room for rounding in binary


# --- the specs ------------------------------------------------------------------------------
def _validate_spec(ex_id: str, spec: dict, source: str) -> None:
    kind = spec.get("kind")
    if kind not in _KINDS:
        raise ValueError(
            f"Exercise {ex_id!r} in {source} has kind {kind!r}; expected one of {_KINDS}."
        )
    if kind == "float" and ("sig" in spec) == ("decimals" in spec):
        raise ValueError(
            f"Exercise {ex_id!r} in {source} must give exactly one of 'sig' (significant "
            f"figures) and 'decimals' (decimal places), got {sorted(spec)}."
        )


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
            _validate_spec(ex_id, spec, path.name)
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


def _magnitude(x: float) -> int:
    """The decimal exponent of x's first significant figure: 2 for 123.4, -2 for 0.0123."""
    mag = math.floor(math.log10(abs(x))) if x else 0
    if abs(x) >= float(f"1e{mag + 1}"):  # log10 can fall short just below a power of 10
        mag += 1
    return mag


def _precision_words(spec: dict) -> str:
    if "sig" in spec:
        n = spec["sig"]
        return f"to {n} significant figure{'s' if n != 1 else ''}"
    n = spec["decimals"]
    return f"to {n} decimal place{'s' if n != 1 else ''}"


def _expects(spec: dict) -> str:
    """The form an exercise expects, as said in its box and in "Not checked: ..."."""
    kind = spec["kind"]
    if kind == "int":
        return "a whole number, such as 42"
    if kind == "float":
        forms = "0.25, 1/4 or 25%" if spec.get("percent") else "0.25 or 1/4"
        return f"a number {_precision_words(spec)}, such as {forms}"
    if kind == "set":
        return "names separated by commas, such as A, B"
    return "one of the options the exercise names"


def _page_spec(exercise_id: str) -> dict:
    """What both checkers read: the spec with tolerances worked out, answers and mistakes
    in canonical form (whole numbers as strings, exact beyond 2**53), and the messages."""
    spec = _spec(exercise_id)
    kind = spec["kind"]
    out = {
        "kind": kind,
        "hint": spec.get("hint", "Look at the chapter once more."),
        "feedback": spec.get("feedback", ""),
        "expects": f"this exercise expects {_expects(spec)}.",
    }
    mistakes = spec.get("mistakes", {})
    if kind == "int":
        out["answer"] = str(int(spec["answer"]))
        out["mistakes"] = {str(int(k)): v for k, v in mistakes.items()}
    elif kind == "float":
        answer = float(spec["answer"])
        mag = _magnitude(answer)
        if "sig" in spec:
            unit = float(f"1e{mag - spec['sig'] + 1}")
            out["sig"] = spec["sig"]
        else:
            unit = float(f"1e{-spec['decimals']}")
            out["decimals"] = spec["decimals"]
        out.update(
            answer=answer,
            mag=mag,
            tol=max(unit * _HALF, float(spec.get("atol", 0.0))),
            percent=bool(spec.get("percent", False)),
            mistakes=[[float(k), v] for k, v in mistakes.items()],
        )
    elif kind == "set":
        out["answer"] = _set_key(", ".join(spec["answer"]))
        out["mistakes"] = {_set_key(k): v for k, v in mistakes.items()}
    else:
        out["answer"] = _choice_key(str(spec["answer"]))
        out["mistakes"] = {_choice_key(k): v for k, v in mistakes.items()}
    return out


# --- reading typed text (mirrors answer_check.js line by line) -------------------------------
_LITERAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_TOKEN = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[a-z]+|\*\*|[-+*/^()]")
_FUNCTIONS = {"ln": math.log, "log": math.log, "exp": math.exp, "sqrt": math.sqrt}
_NAME = re.compile(r"[a-z0-9_()|>-]+")


class _Unreadable(Exception):
    pass


def _normalise(text: str) -> str:
    text = re.sub("[\u2010-\u2015\u2212\ufe63\uff0d]", "-", text)
    text = re.sub("[\u00d7\u00b7\u22c5]", "*", text)
    text = text.replace("\u00f7", "/")
    text = re.sub("[\u2192\u27f6\u21d2]", "->", text)
    text = re.sub("-+>", "->", text)
    text = re.sub("[ \t\n\r\f\v\u00a0\u2009\u202f\ufeff]+", " ", text)
    return re.sub("^ | $", "", text)


def _finite(v: float) -> float:
    if not math.isfinite(v):
        raise _Unreadable("not finite")
    return v


def _tokenize(text: str) -> list[str]:
    tokens, rest = [], text.lower()
    while rest:
        if rest[0] == " ":
            rest = rest[1:]
            continue
        m = _TOKEN.match(rest)
        if not m:
            raise _Unreadable("bad character")
        tokens.append(m.group(0))
        rest = rest[m.end() :]
    return tokens


def _evaluate(text: str) -> float:
    """Arithmetic by recursive descent; the same grammar and steps as answer_check.js."""
    tokens = _tokenize(text)
    pos = depth = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1] if pos <= len(tokens) else None

    def safe(f, *args):
        # Python raises where JavaScript returns inf or nan: both end as "not checked".
        try:
            return _finite(f(*args))
        except (ArithmeticError, ValueError):
            raise _Unreadable("not finite") from None

    def expr():
        nonlocal depth
        depth += 1
        if depth > _MAX_DEPTH:
            raise _Unreadable("too deep")
        v = term()
        while peek() in ("+", "-"):
            v = safe(float.__add__, v, term()) if take() == "+" else safe(float.__sub__, v, term())
        depth -= 1
        return v

    def term():
        v = factor()
        while True:
            if peek() in ("*", "/"):
                if take() == "*":
                    v = safe(float.__mul__, v, factor())
                else:
                    v = safe(float.__truediv__, v, factor())
            elif (peek() or "")[:1].isalpha():
                v = safe(float.__mul__, v, factor())  # a name right after a factor: 64 ln 2
            else:
                return v

    def factor():
        if peek() == "-":
            take()
            return -factor()
        if peek() == "+":
            take()
            return factor()
        base = atom()
        if peek() in ("^", "**"):
            take()
            return safe(math.pow, base, factor())
        return base

    def atom():
        t = take()
        if t is None:
            raise _Unreadable("unexpected end")
        if t == "(":
            v = expr()
            if take() != ")":
                raise _Unreadable("missing )")
            return v
        if t[0].isdigit() or t[0] == ".":
            return _finite(float(t))
        if t == "pi":
            return math.pi
        if t in _FUNCTIONS:
            return safe(_FUNCTIONS[t], atom())
        raise _Unreadable("unknown name")

    value = expr()
    if pos != len(tokens):
        raise _Unreadable("trailing input")
    return value


def _precision(literal: str, shift: int) -> tuple[int, int]:
    """A plain literal's (significant figures, decimal places)."""
    m = _LITERAL.fullmatch(literal)
    mantissa = m.group(1).replace(".", "")
    fraction = m.group(1).split(".")[1] if "." in m.group(1) else ""
    exponent = int(m.group(2)[1:]) if m.group(2) else 0
    return max(len(mantissa.lstrip("0")), 1), len(fraction) - exponent + shift


def _judge_float(spec: dict, text: str):
    scale, shift = 1.0, 0
    if spec["percent"] and text.endswith("%"):
        text, scale, shift = re.sub(" $", "", text[:-1]), 100.0, 2
    if "%" in text:
        return None
    literal = None
    try:
        if _LITERAL.fullmatch(text):
            value, literal = float(text), _precision(text, shift)
        else:
            value = _evaluate(text)
    except _Unreadable:
        return None
    value = value / scale
    if not math.isfinite(value) or abs(value) > _MAX_MAGNITUDE:
        return None
    error = abs(value - spec["answer"])
    if error <= spec["tol"]:
        return "correct", spec["feedback"]
    if literal is not None:
        note = _coarse_note(spec, literal, error)
        if note:
            return "coarse", note
    for mistake, note in spec["mistakes"]:
        if abs(value - mistake) <= spec["tol"]:
            return "mistake", note
    return "wrong", spec["hint"]


def _coarse_note(spec: dict, literal: tuple[int, int], error: float) -> str | None:
    """Right at the precision typed, which is coarser than the one asked for."""
    if "sig" in spec:
        got = literal[0]
        if got >= spec["sig"]:
            return None
        unit = float(f"1e{spec['mag'] - got + 1}")
        noun = "significant figure" if got == 1 else "significant figures"
    else:
        got = literal[1]
        if got >= spec["decimals"] or got < 0:
            return None
        unit = float(f"1e{-got}")
        noun = "decimal place" if got == 1 else "decimal places"
    if error > unit * _HALF:
        return None
    return f"Right to {got} {noun}; give {spec.get('sig') or spec.get('decimals')}."


def _by_key(spec: dict, key: str) -> tuple[str, str]:
    """The verdict on an answer in canonical form: the answer, a recorded mistake, or wrong."""
    if key == spec["answer"]:
        return "correct", spec["feedback"]
    if key in spec["mistakes"]:
        return "mistake", spec["mistakes"][key]
    return "wrong", spec["hint"]


def _judge_int(spec: dict, text: str):
    m = re.fullmatch(r"([+-]?)(\d+)(\.0*)?", text) or re.fullmatch(
        r"([+-]?)(\d{1,3}(,\d{3})+)", text
    )
    if m:
        digits = re.sub(r"^0+(?=\d)", "", m.group(2).replace(",", ""))
        if len(digits) > _MAX_INT_DIGITS:
            return None
        if m.group(1) == "-" and digits != "0":
            digits = "-" + digits
    else:
        try:
            value = _evaluate(text)
        except _Unreadable:
            return None
        if abs(value) > _EXACT_INT or value % 1 != 0:
            return None
        digits = str(int(value))
    return _by_key(spec, digits)


def _names(text: str) -> str:
    text = re.sub(r"""[{}\[\]'"`]""", "", text.lower())
    text = re.sub(r" ?(->|[(|,;]) ?", r"\1", text)
    return text.replace(" )", ")")


def _set_items(text: str) -> list[str] | None:
    items = [s for s in re.split(r"[,; ]+", _names(text)) if s]
    if not items or not all(_NAME.fullmatch(s) for s in items):
        return None
    return items


def _set_key(text: str) -> str:
    return ",".join(sorted(set(_set_items(_normalise(text)))))


def _judge_set(spec: dict, text: str):
    items = _set_items(text)
    if items is None:
        return None
    key = ",".join(sorted(set(items)))
    return _by_key(spec, key)


def _choice_key(text: str) -> str:
    return _names(_normalise(text)).replace(" ", "")


def _judge_choice(spec: dict, text: str):
    key = _names(text).replace(" ", "")
    if not _NAME.fullmatch(key):
        return None
    return _by_key(spec, key)


_JUDGES = {"int": _judge_int, "float": _judge_float, "set": _judge_set, "choice": _judge_choice}


def _judge_text(page_spec: dict, typed: str) -> tuple[str, str]:
    """The verdict on typed text: (kind, message), kind one of correct, coarse, mistake,
    wrong, unchecked. The same function as ``judge`` in answer_check.js."""
    text = _normalise(typed)
    verdict = None
    if text and len(text) <= _MAX_LENGTH and re.fullmatch(r"[\x20-\x7e]*", text):
        verdict = _JUDGES[page_spec["kind"]](page_spec, text)
    if verdict is None:
        return "unchecked", "Not checked: " + page_spec["expects"]
    if verdict[0] == "correct":
        return "correct", "Correct!" + (" " + verdict[1] if verdict[1] else "")
    return verdict[0], "Not yet. " + verdict[1]


def _as_text(answer) -> str | None:
    """A Python answer as the text a reader would type; None when it is no answer at all."""
    if isinstance(answer, str):
        return answer
    if hasattr(answer, "item") and getattr(answer, "size", None) == 1:  # NumPy scalar/array
        answer = answer.item()
    elif hasattr(answer, "item") and hasattr(answer, "numel") and answer.numel() == 1:
        answer = answer.item()  # a one-element torch tensor
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Integral):
        return str(int(answer))
    if isinstance(answer, numbers.Rational):  # fractions.Fraction(9, 14) -> "9/14"
        return f"{answer.numerator}/{answer.denominator}"
    if isinstance(answer, numbers.Real):
        return repr(float(answer))
    if isinstance(answer, set | frozenset | list | tuple) and all(
        isinstance(a, str) for a in answer
    ):
        return ", ".join(sorted(answer))
    return None


def _verdict(exercise_id: str, answer) -> tuple[str, str]:
    page_spec = _page_spec(exercise_id)
    text = _as_text(answer)
    if text is None:
        return "unchecked", "Not checked: " + page_spec["expects"]
    return _judge_text(page_spec, text)


# --- the box --------------------------------------------------------------------------------
@functools.cache
def _checker_js() -> str:
    return resources.files("dgm_utils").joinpath("data", "answer_check.js").read_text()


class AnswerBox:
    """An exercise's answer box, shown by ``check(exercise_id, None)``.

    Introduced in chapter 1; every chapter's exercises show one.

    Where scripts run (the website, a trusted notebook, Colab) its Check button (or Enter)
    judges the typed answer in the page, with no kernel, by the same rules as
    :func:`check` (``answer_check.js``). Where they do not (a notebook not yet run in
    JupyterLab, GitHub's or VS Code's renderer), the box says how to check, and its button
    does nothing: there is no form to submit, so nothing navigates.
    """

    def __init__(self, exercise_id: str, spec: dict):
        self.exercise_id, self.spec = exercise_id, spec

    def __repr__(self) -> str:
        return (
            f"Replace None with your answer ({_expects(self.spec)}) and run this cell, "
            f'e.g. du.check("{self.exercise_id}", ...).'
        )

    def _repr_html_(self) -> str:
        ex = html.escape(self.exercise_id)
        spec = html.escape(json.dumps(_page_spec(self.exercise_id)))
        run = "if (window.dgmCheck) dgmCheck(this)"
        enter = "if (event.key === 'Enter' && window.dgmCheck) dgmCheck(this)"
        # The verdict starts as the way to check; the script, where it runs, clears it.
        return (
            f'<div class="dgm-check" id="dgm-check-{ex}" data-spec="{spec}">'
            f'<label for="dgm-answer-{ex}">Your answer ({html.escape(_expects(self.spec))}):'
            f"</label> "
            f'<input type="text" id="dgm-answer-{ex}" autocomplete="off" spellcheck="false" '
            f'onkeydown="{html.escape(enter)}"> '
            f'<button type="button" onclick="{html.escape(run)}">Check</button> '
            f'<span class="dgm-verdict" role="status" aria-live="polite">To check your answer, '
            f"run this cell, or check it on the book's website.</span>"
            f"<script>{_checker_js()}\n"
            "(function (s) { var b = s && s.closest('.dgm-check');"
            " if (b) b.querySelector('[role=status]').textContent = ''; })"
            "(document.currentScript);</script></div>"
        )


def is_correct(exercise_id: str, answer) -> bool:
    """Whether ``answer`` is right at the precision the exercise asks for (no printing).

    Takes what :func:`check` takes; introduced in chapter 1, What is a generative model.
    """
    return _verdict(exercise_id, answer)[0] == "correct"


def check(exercise_id: str, answer) -> None:
    """Print whether ``answer`` to exercise ``exercise_id`` is right, with a hint if not.

    Introduced in chapter 1; every chapter ends with exercises that use it. The rules are
    those of the module docstring, the same as the answer box's on the website.

    Parameters
    ----------
    exercise_id : str
        The label of the exercise, e.g. ``"ch02-rgb-independent"``.
    answer : int, float, fractions.Fraction, str, set of str or None
        Your answer: a Python value (``9/14``, ``{"B", "D"}``) or the text you would type
        (``"9/14"``, ``"64.3%"``, ``"b, d"``). ``None`` shows the answer box.

    Raises
    ------
    TypeError, ValueError
        If ``exercise_id`` is not a known exercise id. An answer never raises: one that
        cannot be read prints "Not checked: ..." with the form the exercise expects.

    Examples
    --------
    >>> check("ch02-rgb-independent", 3 * 255)  # doctest: +ELLIPSIS
    Correct! ...
    >>> check("ch05-sigmoid-slope", "3/16")  # doctest: +ELLIPSIS
    Correct! ...
    """
    spec = _spec(exercise_id)
    if answer is None:  # not answered yet: an answer box (the website checks it in the page)
        from IPython.display import display

        display(AnswerBox(exercise_id, spec))
        return
    print(_verdict(exercise_id, answer)[1])
