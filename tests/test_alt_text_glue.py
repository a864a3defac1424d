"""Alt texts quote glued values through ``{eval}`` expressions (``_ext/alt_text_glue.py``)."""

import importlib.util
import json
from pathlib import Path

import pytest

_root = Path(__file__).parents[1]
_spec = importlib.util.spec_from_file_location("alt_text_glue", _root / "_ext" / "alt_text_glue.py")
alt_text_glue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(alt_text_glue)


def _glue_output(name, text):
    return {
        "output_type": "display_data",
        "data": {"application/papermill.record/text/plain": text},
        "metadata": {"scrapbook": {"name": name, "mime_prefix": "x"}},
    }


def test_alt_text_takes_the_glued_text_and_reports_unknown_keys():
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": "x"},
            {
                "cell_type": "code",
                "outputs": [
                    {"output_type": "stream", "text": "0.5\n"},
                    _glue_output("gap", "'0.251'"),
                    _glue_output("count", "42"),
                ],
            },
        ]
    }
    texts = alt_text_glue.glued_texts(notebook)
    assert texts == {"gap": "0.251", "count": "42"}
    alt, missing = alt_text_glue.fill_alt_text(
        'a gap of {eval}`du.glued["gap"]` nats, {eval}`du.glued["count"]` points, '
        'and {eval}`du.glued["nope"]`',
        texts,
    )
    assert alt == 'a gap of 0.251 nats, 42 points, and {eval}`du.glued["nope"]`'
    assert missing == ["nope"]


@pytest.mark.parametrize("chapter", ["06_neural_models.ipynb", "07_continuous_variables.ipynb"])
def test_every_alt_text_expression_names_a_value_the_notebook_glues(chapter):
    notebook = json.loads((_root / "chapters" / chapter).read_text(encoding="utf-8"))
    texts = alt_text_glue.glued_texts(notebook)
    for cell in notebook["cells"]:
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        filled, missing = alt_text_glue.fill_alt_text(alt, texts)
        assert not missing, f"{chapter}: alt text names unglued keys {missing}"
        assert "{eval}" not in filled
