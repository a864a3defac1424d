"""Explorers that work in JupyterLab *and* on the static website.

An :class:`Explorer` draws a matplotlib figure for a setting of a few parameters. Displayed
in a notebook, it carries two representations in one output:

* a live ``ipywidgets`` control (sliders driving an ``Image`` widget) that JupyterLab shows;
* a self-contained HTML player (the figure pre-rendered for every grid point, switched by a
  plain ``<input type="range">``), which the website shows: it responds with no kernel and
  no network.

The live view redraws into an ``Image`` widget rather than an ``Output`` widget, so no
display messages leave the cell and the stored output stays byte-stable under nbval.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import re
from collections.abc import Callable, Sequence

import numpy as np

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _palette_png(png: bytes) -> bytes:
    """Re-encode an RGBA figure as an 8-bit palette PNG (deterministic, no dithering).

    Every frame of every explorer is embedded in its page; a palette of 256 colours is
    indistinguishable for plots and makes the frames about 60 % smaller.
    """
    from PIL import Image  # Pillow is a dependency of matplotlib

    image = Image.open(io.BytesIO(png)).convert("RGB")
    quantised = image.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    quantised.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _fmt(value) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.3g}"
    return str(value)


class Explorer:
    """A figure explored over a grid of parameter values.

    Introduced in chapter 2, Discrete distributions; every chapter uses it.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws on an empty ``matplotlib.figure.Figure``.
    params : dict of str -> sequence
        The values each parameter takes (at most 3 parameters, at most 60 settings in all,
        since the website embeds one image per setting).
    key : str
        A short identifier, unique on its page (letters, digits, ``-``, ``_``).
    alt : str
        What the figure shows, for screen readers; the setting is appended.
    initial : dict, optional
        Starting values (the first value of each parameter by default).
    figsize : tuple, default (6.4, 3.6)
    dpi : int, default 72

    Examples
    --------
    >>> def draw(fig, p):
    ...     ax = fig.subplots()
    ...     ax.bar([0, 1], [1 - p, p])
    >>> explorer = Explorer(draw, {"p": [0.1, 0.5, 0.9]}, key="coin", alt="Bernoulli pmf")
    """

    max_frames = 60

    def __init__(
        self,
        draw: Callable,
        params: dict[str, Sequence],
        *,
        key: str,
        alt: str,
        initial: dict | None = None,
        figsize: tuple[float, float] = (6.4, 3.6),
        dpi: int = 72,
    ):
        if not callable(draw):
            raise TypeError(
                f"draw must be callable as draw(fig, **values), got {type(draw).__name__}."
            )
        if not isinstance(params, dict) or not params:
            raise TypeError("params must be a non-empty dict of parameter name -> list of values.")
        if len(params) > 3:
            raise ValueError(
                f"At most 3 parameters can be explored, got {len(params)}: {list(params)}."
            )
        if not isinstance(key, str) or not _KEY.match(key):
            raise ValueError(f"key must be a short identifier such as 'coin-p', got {key!r}.")
        self.params = {name: list(values) for name, values in params.items()}
        for name, values in self.params.items():
            if not values:
                raise ValueError(f"Parameter {name!r} has no values.")
        n_frames = int(np.prod([len(v) for v in self.params.values()]))
        if n_frames > self.max_frames:
            raise ValueError(
                f"The grid has {n_frames} settings; at most {self.max_frames} are embedded in the "
                "page. Use fewer values per parameter."
            )
        initial = dict(initial or {})
        unknown = set(initial) - set(self.params)
        if unknown:
            raise ValueError(
                f"initial names unknown parameters {sorted(unknown)}; known: {list(self.params)}."
            )
        self.initial = {}
        for name, values in self.params.items():
            value = initial.get(name, values[0])
            if value not in values:
                raise ValueError(
                    f"initial value {value!r} of {name!r} is not in its grid {values}."
                )
            self.initial[name] = value
        self.draw, self.key, self.alt = draw, key, alt
        self.figsize, self.dpi = figsize, dpi
        self._cache: dict[tuple, bytes] = {}
        self._widget = None

    def __repr__(self) -> str:
        grid = ", ".join(f"{name}: {len(v)} values" for name, v in self.params.items())
        return f"Explorer({self.key!r}; {grid})"

    def render(self, **values) -> bytes:
        """The figure for one setting, as PNG bytes (cached)."""
        key = tuple(values[name] for name in self.params)
        if key not in self._cache:
            from matplotlib.figure import Figure

            fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
            self.draw(fig, **values)
            buf = io.BytesIO()
            # No "Software"/date metadata: the bytes depend only on the drawing.
            fig.savefig(buf, format="png", metadata={"Software": None})
            self._cache[key] = _palette_png(buf.getvalue())
        return self._cache[key]

    def settings(self) -> list[dict]:
        """Every grid point, in the (row-major) order the website's player indexes them."""
        names = list(self.params)
        return [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*self.params.values())
        ]

    def to_html(self) -> str:
        """The self-contained player: one ``<img>`` per setting and a range input per parameter."""
        names = list(self.params)
        start = tuple(self.params[n].index(self.initial[n]) for n in names)
        start_flat = int(np.ravel_multi_index(start, [len(self.params[n]) for n in names]))
        imgs = []
        for i, setting in enumerate(self.settings()):
            data = base64.b64encode(self.render(**setting)).decode("ascii")
            label = ", ".join(f"{n} = {_fmt(v)}" for n, v in setting.items())
            # Hidden twice: JupyterLab's sanitizer (an untrusted notebook) drops the hidden
            # attribute but keeps an inline display:none, so one frame shows, not a stack.
            shown = i == start_flat
            style = "max-width:100%" if shown else "max-width:100%;display:none"
            imgs.append(
                f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)} ({html.escape(label)})"'
                f' style="{style}"{"" if shown else " hidden"}>'
            )
        # Row-major index over all sliders; show the matching frame and the slider's value.
        handler = (
            "var r=this.closest('.dgm-explorer'),i=0;"
            "r.querySelectorAll('input[type=range]').forEach(function(e){i=i*(+e.max+1)+(+e.value);});"
            "r.querySelectorAll('img').forEach(function(m,k){m.hidden=(k!==i);"
            "m.style.display=(k!==i)?'none':'';});"
            "this.nextElementSibling.textContent=JSON.parse(this.dataset.labels)[this.value];"
        )
        controls = []
        for name, s in zip(names, start, strict=True):
            labels = [_fmt(v) for v in self.params[name]]
            slider_id = f"dgm-{self.key}-{name}"
            controls.append(
                f'<div class="dgm-explorer-control"><label for="{slider_id}">{html.escape(name)}</label> '
                f'<input type="range" id="{slider_id}" min="0" max="{len(labels) - 1}" step="1" '
                f'value="{s}" data-labels="{html.escape(json.dumps(labels))}" '
                f'oninput="{html.escape(handler)}"> <output>{html.escape(labels[s])}</output></div>'
            )
        return (
            f'<div class="dgm-explorer" id="dgm-explorer-{self.key}" data-frames="{len(imgs)}">'
            + "".join(imgs)
            + "".join(controls)
            + "</div>"
        )

    def widget(self):
        """The live ipywidgets control (built on first use)."""
        if self._widget is None:
            import ipywidgets as widgets

            image = widgets.Image(value=self.render(**self.initial), format="png")
            sliders = {
                name: widgets.SelectionSlider(
                    options=[(_fmt(v), v) for v in values],
                    value=self.initial[name],
                    description=name,
                    continuous_update=True,
                )
                for name, values in self.params.items()
            }

            def redraw(_change=None):
                image.value = self.render(**{n: s.value for n, s in sliders.items()})

            for slider in sliders.values():
                slider.observe(redraw, names="value")
            self._widget = widgets.VBox([*sliders.values(), image])
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self.to_html()}
        try:
            from IPython import get_ipython

            kernel = getattr(get_ipython(), "kernel", None)
        except ImportError:  # pragma: no cover
            kernel = None
        if kernel is not None:
            bundle["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self.widget().model_id,
            }
        return bundle


def explore(
    draw: Callable, params: dict[str, Sequence], *, key: str, alt: str, **kwargs
) -> Explorer:
    """Shorthand for :class:`Explorer` (see there).

    Introduced in chapter 2, Discrete distributions; every chapter uses it.
    """
    return Explorer(draw, params, key=key, alt=alt, **kwargs)
