"""What a chapter notebook needs besides the models: values glued into the prose.

Every chapter; introduced in chapter 1, Introduction.
"""

from __future__ import annotations

#: Every value recorded by :func:`glue` in this kernel, by name. The prose of a chapter
#: shows a number as ``{eval}`du.glued["name"]```: JupyterLab (with jupyterlab-myst)
#: evaluates that expression in the kernel, and the website shows the glued output.
glued: dict[str, object] = {}


def glue(name: str, value, display: bool = False) -> None:
    """Record ``value`` under ``name`` for the book's prose (``{eval}`du.glued["name"]```).

    Introduced in chapter 1, Introduction; every chapter uses it.

    The value is kept in :data:`glued`, which the prose's ``{eval}`` roles read in
    JupyterLab. Where MyST-NB is installed (``make execute``), its ``glue`` also stores the
    value in the cell's output, from which the website puts it into the text. A notebook
    opened on its own (Colab, a downloaded copy) may not have MyST-NB: then the value is kept
    in :data:`glued` only, and with ``display=True`` it is shown as an ordinary output, so the
    chapter still runs.

    Parameters
    ----------
    name : str
        The key the prose refers to.
    value : object
        Usually a formatted string such as ``f"{accuracy:.2f}"``.
    display : bool, default False
        Also show the value below the cell.

    Raises
    ------
    TypeError
        If ``name`` is not a non-empty string.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}.")
    glued[name] = value
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show

            show(value)
        return
    myst_glue(name, value, display=display)
