"""The site's code blocks leave out glue calls (``_ext/hide_glue.py``), and nothing else."""

import importlib.util
from pathlib import Path

_path = Path(__file__).parents[1] / "_ext" / "hide_glue.py"
_spec = importlib.util.spec_from_file_location("hide_glue", _path)
hide_glue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hide_glue)


def test_glue_statements_and_glue_only_loops_leave_the_shown_code():
    code = "\n".join(
        [
            "import dgm_utils as du",
            "from dgm_utils import glue",
            "x = du.f(1)",
            'print(f"{x:.2f}")',
            'glue("x", f"{x:.2f}", display=False)',
            "for k in (1, 2):",
            '    glue(f"k{k}", str(k),',
            "         display=False)",
            "for k in (1, 2):",
            "    print(k)",
            '    glue(f"k{k}", str(k), display=False)',
            "",
        ]
    )
    assert hide_glue.strip_glue(code) == "\n".join(
        [
            "import dgm_utils as du",
            "x = du.f(1)",
            'print(f"{x:.2f}")',
            "for k in (1, 2):",
            "    print(k)",
        ]
    )


def test_code_without_glue_or_that_does_not_parse_is_shown_as_written():
    for code in ["x = 1\nprint(x)\n", "%pip install something\nglue('a', 1)"]:
        assert hide_glue.strip_glue(code) == code
    assert hide_glue.strip_glue('glue("a", 1, display=False)') == ""  # the cell loses its input
    # A function of the same name on an object is not the book's glue.
    assert hide_glue.strip_glue("plotter.glue(1)") == "plotter.glue(1)"
