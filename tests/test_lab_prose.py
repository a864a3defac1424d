"""Every number a chapter's prose shows in JupyterLab is the glued, nbval-verified one.

The prose writes numbers as ``{eval}`du.glued["key"]``` (``scripts/lab_prose.py``).
JupyterLab (jupyterlab-myst) shows the result stored in the markdown cell's
``user_expressions``; strict nbval verifies the glue outputs; this test ties the two:
every stored result equals the glue output it names, and no ``{glue:text}`` is left.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import lab_prose  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_prose_numbers_are_the_glued_ones(path):
    nb = nbformat.read(path, as_version=4)
    outputs = lab_prose.glue_outputs(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        assert "{glue:" not in cell.source, (
            f"{path.name} cell {i}: {{glue:text}} in the prose shows only its key in "
            "JupyterLab; run python scripts/lab_prose.py"
        )
        exprs = list(dict.fromkeys(lab_prose.EVAL_ROLE.findall(cell.source)))
        stored = cell.metadata.get("user_expressions", [])
        assert [e["expression"] for e in stored] == exprs, (
            f"{path.name} cell {i}: stored user_expressions do not match the cell's "
            "{eval} roles; run python scripts/lab_prose.py"
        )
        for entry in stored:
            expected = lab_prose.result_for(entry["expression"], outputs)
            assert entry["result"] == expected, (
                f"{path.name} cell {i}: {{eval}}`{entry['expression']}` stores "
                f"{entry['result']}, the glue output gives {expected}"
            )


def test_conversion_is_idempotent_and_round_trips():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("glue('a', '0.25')")
    code.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={lab_prose.RECORD: "'0.25'"},
            metadata={"scrapbook": {"name": "a", "mime_prefix": "application/papermill.record/"}},
        )
    ]
    nb.cells = [code, nbformat.v4.new_markdown_cell("p = {glue:text}`a`, again {glue:text}`a`.")]
    assert lab_prose.convert(nb)
    md = nb.cells[1]
    assert md.source == 'p = {eval}`du.glued["a"]`, again {eval}`du.glued["a"]`.'
    assert md.metadata["user_expressions"] == [
        {
            "expression": 'du.glued["a"]',
            "result": {"status": "ok", "data": {"text/plain": "'0.25'"}, "metadata": {}},
        }
    ]
    assert lab_prose.convert(nb) == []
    # A changed glue output is a stale result, refreshed by the script.
    code.outputs[0]["data"][lab_prose.RECORD] = "'0.26'"
    assert lab_prose.convert(nb) == ["cell 1: user_expressions refreshed"]
    assert lab_prose.parse_expression('format(du.glued["a"], ".1f")') == ("a", ".1f")
    with pytest.raises(ValueError):
        lab_prose.parse_expression("__import__('os')")
