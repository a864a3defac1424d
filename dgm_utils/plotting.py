"""Plotting helpers: each takes an optional ``ax``, returns it, and touches no global style."""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_int, describe

#: Colour-blind-safe qualitative palette (Okabe & Ito), used across the book.
OKABE_ITO = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)


def _get_ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def image_grid(images, ncols: int = 10, image_shape=(8, 8), pad: int = 1, pad_value=np.nan):
    """Tile images into one 2-D array (rows of ``ncols`` images, separated by ``pad`` pixels).

    Introduced in chapter 1, What is a generative model (behind :func:`show_images`).

    Parameters
    ----------
    images : array of shape (n_images, height * width) or (n_images, height, width)
    ncols : int, default 10
    image_shape : tuple of int, default (8, 8)
    pad : int, default 1
    pad_value : float, default NaN (drawn as the background)

    Returns
    -------
    grid : array of shape (rows * (height + pad) - pad, ncols * (width + pad) - pad)
    """
    arr = as_float_array(images, "images", what="pixel values")
    h, w = image_shape
    if arr.ndim == 2 and arr.shape[1] == h * w:
        arr = arr.reshape(-1, h, w)
    if arr.ndim != 3 or arr.shape[1:] != (h, w):
        raise ValueError(
            f"Expected images of shape (n, {h * w}) or (n, {h}, {w}), got {describe(np.asarray(images))}."
        )
    n = arr.shape[0]
    if n == 0:
        raise ValueError("Expected at least one image, got 0.")
    ncols = min(check_int(ncols, "ncols", minimum=1), n)
    nrows = -(-n // ncols)
    grid = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad), pad_value, dtype=np.float64)
    for k in range(n):
        r, c = divmod(k, ncols)
        grid[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = arr[k]
    return grid


def show_images(
    images,
    ncols: int = 10,
    ax=None,
    *,
    image_shape=(8, 8),
    title: str | None = None,
    cmap: str = "gray_r",
    vmin: float = 0.0,
    vmax: float = 1.0,
):
    """Show a grid of images on one axes (ink dark on white, as on paper).

    Introduced in chapter 1, What is a generative model.

    Parameters
    ----------
    images : array of shape (n_images, 64) or (n_images, 8, 8)
        Pixel values (binary, or probabilities in [0, 1]).
    ncols : int, default 10
        Images per row.
    ax : matplotlib Axes, optional
        Where to draw; the current axes by default.
    image_shape : tuple of int, default (8, 8)
    title : str, optional
    cmap, vmin, vmax : passed to ``imshow``.

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _get_ax(ax)
    grid = image_grid(images, ncols=ncols, image_shape=image_shape)
    import matplotlib

    cm = matplotlib.colormaps[cmap].with_extremes(bad="#b0b0b0")  # the gaps between images
    ax.imshow(grid, cmap=cm, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title)
    return ax


def plot_pmf(probs, empirical=None, ax=None, *, labels=None, title: str | None = None):
    """Bars of a probability mass function, next to empirical frequencies if given.

    Introduced in chapter 2, Discrete distributions.

    Parameters
    ----------
    probs : array of shape (k,)
        The true probabilities.
    empirical : array of shape (k,), optional
        Observed frequencies, drawn as a second bar beside each true one.
    ax : matplotlib Axes, optional
    labels : sequence of str, optional
        Outcome names (``0 .. k-1`` by default).
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _get_ax(ax)
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 1:
        raise ValueError(f"Expected probs of shape (k,), got {describe(probs)}.")
    k = probs.shape[0]
    x = np.arange(k)
    width = 0.4 if empirical is not None else 0.8
    offset = -width / 2 if empirical is not None else 0.0
    ax.bar(x + offset, probs, width, color=OKABE_ITO[0], label="true $p$")
    if empirical is not None:
        empirical = np.asarray(empirical, dtype=np.float64)
        if empirical.shape != probs.shape:
            raise ValueError(
                f"empirical must have the shape of probs, {probs.shape}, got {empirical.shape}."
            )
        ax.bar(x + width / 2, empirical, width, color=OKABE_ITO[1], label="empirical")
        ax.legend(frameon=False)
    ax.set_xticks(x, [str(v) for v in labels] if labels is not None else [str(v) for v in x])
    ax.set_ylabel("probability")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_running_frequency(x, p: float, ax=None, *, color=OKABE_ITO[0], band: bool = True):
    """The running fraction of ones in a 0/1 sequence against the number of draws (log scale).

    Introduced in chapter 2, Discrete distributions: the law of large numbers. With
    ``band``, the region :math:`p \\pm 2\\sqrt{p(1-p)/n}` (two standard errors) is shaded.

    Parameters
    ----------
    x : array of shape (n,)
        Binary draws.
    p : float
        The true probability of a one, drawn as a dashed line.
    ax : matplotlib Axes, optional
    color : colour of the running frequency, default the first Okabe-Ito colour.
    band : bool, default True

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _get_ax(ax)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"Expected x of shape (n,) with n >= 1, got {describe(x)}.")
    # Every draw up to 100, then about 1,000 points evenly spread on the log axis: the same
    # picture at a fraction of the image size.
    n_all = np.arange(1, x.size + 1)
    keep = np.unique(np.concatenate([n_all[:100], np.geomspace(1, x.size, 1000).astype(int)]))
    freq = (np.cumsum(x) / n_all)[keep - 1]
    n = keep
    if band:
        se = 2 * np.sqrt(p * (1 - p) / n)
        ax.fill_between(n, p - se, p + se, color="#d9d9d9", label=r"$p \pm 2$ s.e.")
    ax.plot(n, freq, color=color, lw=1.2, label="running frequency")
    ax.axhline(p, color="black", ls="--", lw=1, label="$p$")
    ax.set_xscale("log")
    ax.set_xlim(1, x.size)
    ax.set_ylim(0, 1)
    ax.set_xlabel("number of draws $n$")
    ax.set_ylabel("fraction of ones")
    return ax


def plot_pixel_order(order, shape=(8, 8), ax=None, *, image=None, title: str | None = None):
    """The path a pixel ordering takes through an image grid, as arrows from pixel to pixel.

    Introduced in chapter 3, Chain rule and conditional independence.

    Parameters
    ----------
    order : array of shape (height * width,)
        Flat pixel indices in visiting order (e.g. from ``dgm_utils.binary_densities.pixel_order``).
    shape : tuple of int, default (8, 8)
    ax : matplotlib Axes, optional
    image : array of shape (height * width,), optional
        Drawn underneath (e.g. a mean image), grey scale.
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _get_ax(ax)
    h, w = shape
    order = np.asarray(order)
    if order.shape != (h * w,):
        raise ValueError(
            f"Expected order of shape ({h * w},) for a {h}x{w} grid, got {order.shape}."
        )
    if image is not None:
        ax.imshow(np.asarray(image, dtype=float).reshape(h, w), cmap="gray_r", vmin=0, vmax=1)
    r, c = np.divmod(order, w)
    ax.plot(c, r, color=OKABE_ITO[0], lw=1)
    ax.quiver(
        c[:-1],
        r[:-1],
        np.diff(c),
        np.diff(r),
        angles="xy",
        scale_units="xy",
        scale=1,
        color=OKABE_ITO[0],
        width=0.006,
        headwidth=4,
    )
    ax.plot(c[0], r[0], "o", color=OKABE_ITO[1], ms=6, label="first pixel")
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title)
    return ax


def draw_dag(parents, ax=None, pos=None, *, observed=(), labels=None, radius: float = 0.28):
    """Draw a directed acyclic graph: circles for nodes, arrows from parents to children.

    Introduced in chapter 4, Bayesian networks. Matplotlib only. By default, nodes sit in
    layers by depth (roots on top, each node one layer below its deepest parent), spread
    evenly within a layer; observed nodes are shaded grey, as in the graphical-models
    convention.

    Parameters
    ----------
    parents : dict of str -> list of str, or a ``BayesianNetwork``
        Each node's parents (every node is a key).
    ax : matplotlib Axes, optional
    pos : dict of str -> (x, y), optional
        Node positions in data coordinates (one unit between layers); overrides the layout.
    observed : iterable of str, default ()
        Nodes to shade.
    labels : dict of str -> str, optional
        Text inside each node (the node name by default).
    radius : float, default 0.28
        Node radius in data units.

    Returns
    -------
    ax : matplotlib Axes
    """
    from matplotlib.patches import Circle, FancyArrowPatch

    if hasattr(parents, "parents") and not isinstance(parents, dict):
        parents = parents.parents
    if not isinstance(parents, dict):
        raise TypeError(
            f"parents must be a dict of node -> list of parents, got {describe(parents)}."
        )
    nodes = list(parents)
    for v, pa in parents.items():
        for p in pa:
            if p not in parents:
                raise ValueError(f"Unknown parent {p!r} of {v!r}; known nodes: {nodes}.")
    if pos is None:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(nodes)
        graph.add_edges_from((p, v) for v, pa in parents.items() for p in pa)
        if not nx.is_directed_acyclic_graph(graph):
            cycle = [u for u, _ in nx.find_cycle(graph)]
            raise ValueError(
                f"The graph has a directed cycle {' -> '.join([*cycle, cycle[0]])}; cannot "
                "draw a DAG."
            )
        pos = _layered_layout(parents, graph)
    else:
        missing = [v for v in nodes if v not in pos]
        if missing:
            raise ValueError(f"pos has no position for {missing}.")
    ax = _get_ax(ax)
    observed = set(observed)
    for v, pa in parents.items():
        for p in pa:
            (x0, y0), (x1, y1) = pos[p], pos[v]
            d = np.hypot(x1 - x0, y1 - y0)
            ux, uy = (x1 - x0) / d, (y1 - y0) / d
            ax.add_patch(
                FancyArrowPatch(
                    (x0 + radius * ux, y0 + radius * uy),
                    (x1 - radius * ux, y1 - radius * uy),
                    arrowstyle="-|>",
                    mutation_scale=14,
                    color="#333333",
                    lw=1.3,
                    shrinkA=0,
                    shrinkB=0,
                )
            )
    for v in nodes:
        x, y = pos[v]
        face = "#c8c8c8" if v in observed else "white"
        ax.add_patch(
            Circle((x, y), radius, facecolor=face, edgecolor=OKABE_ITO[0], lw=1.8, zorder=3)
        )
        text = labels.get(v, v) if labels is not None else v
        ax.text(x, y, text, ha="center", va="center", fontsize=12, zorder=4)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 2 * radius, max(xs) + 2 * radius)
    ax.set_ylim(min(ys) - 2 * radius, max(ys) + 2 * radius)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _layered_layout(parents, graph) -> dict:
    """Positions of the nodes of a DAG: layer d (roots 0, else one below the deepest parent)
    at y = -d; within a layer, one unit apart, centred, children near their parents' mean x."""
    nodes = list(parents)
    # Generation d: the nodes whose longest path from a root has d edges.
    import networkx as nx

    depth = {v: d for d, layer in enumerate(nx.topological_generations(graph)) for v in layer}
    pos: dict = {}
    for d in range(max(depth.values()) + 1):
        row = [v for v in nodes if depth[v] == d]
        # Within a layer, keep children near the mean position of their parents.
        row.sort(
            key=lambda v: np.mean([pos[p][0] for p in parents[v]]) if parents[v] else nodes.index(v)
        )
        for i, v in enumerate(row):
            pos[v] = (i - (len(row) - 1) / 2, -float(d))
    return pos


def plot_gaussian_ellipse(mean, cov, ax=None, *, n_std: float = 2.0, **kwargs):
    """Draw the contour of a 2-D Gaussian at ``n_std`` Mahalanobis units (an ellipse).

    Introduced in chapter 7, Continuous variables. The contour
    ``(x - mean)^T cov^{-1} (x - mean) = n_std^2`` has its axes along the eigenvectors of
    ``cov``, with half-lengths ``n_std * sqrt(eigenvalue)``.

    Parameters
    ----------
    mean : array of shape (2,)
    cov : array of shape (2, 2)
        Symmetric positive definite.
    ax : matplotlib Axes, optional
    n_std : float, default 2.0
    **kwargs
        Passed to ``matplotlib.patches.Ellipse`` (e.g. ``edgecolor``, ``linestyle``).

    Returns
    -------
    ax : matplotlib Axes
    """
    from matplotlib.patches import Ellipse

    mean = np.asarray(mean, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    if mean.shape != (2,) or cov.shape != (2, 2):
        raise ValueError(
            f"Expected mean of shape (2,) and cov of shape (2, 2), got {mean.shape} and {cov.shape}."
        )
    if not np.allclose(cov, cov.T):
        raise ValueError("cov must be symmetric.")
    eigvals, eigvecs = np.linalg.eigh(cov)
    if eigvals[0] <= 0:
        raise ValueError(f"cov must be positive definite; its eigenvalues are {eigvals}.")
    ax = _get_ax(ax)
    angle = np.degrees(np.arctan2(eigvecs[1, 1], eigvecs[0, 1]))  # the major axis
    width, height = 2 * n_std * np.sqrt(eigvals[::-1])
    kwargs.setdefault("facecolor", "none")
    ax.add_patch(Ellipse(tuple(mean), width, height, angle=angle, **kwargs))
    return ax


def plot_decision_boundary(
    model, X, y, ax=None, *, grid_size: int = 150, margin: float = 0.5, title: str | None = None
):
    """Shade p(Y = 1 | x) over a 2-D input plane, draw the 0.5 contour and the labelled points.

    Introduced in chapter 6, Neural models.

    Parameters
    ----------
    model : estimator with ``predict_proba(X) -> array of shape (n, 2)``
        A fitted binary classifier on 2-D inputs (scikit-learn convention).
    X : array of shape (n_samples, 2)
    y : array of shape (n_samples,), labels in {0, 1}
    ax : matplotlib Axes, optional
    grid_size : int, default 150
        Points per axis at which the probability is evaluated.
    margin : float, default 0.5
        Space around the data.
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"Expected X of shape (n_samples, 2), got {describe(X)}.")
    if y.shape != (X.shape[0],):
        raise ValueError(f"Expected y of shape ({X.shape[0]},), got {y.shape}.")
    grid_size = check_int(grid_size, "grid_size", minimum=2)
    ax = _get_ax(ax)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], grid_size), np.linspace(lo[1], hi[1], grid_size))
    proba = model.predict_proba(np.column_stack([g0.ravel(), g1.ravel()]))[:, 1]
    proba = proba.reshape(g0.shape)
    ax.contourf(
        g0, g1, proba, levels=np.linspace(0, 1, 11), cmap="PuOr_r", vmin=0, vmax=1, alpha=0.6
    )
    ax.contour(g0, g1, proba, levels=[0.5], colors="k", linewidths=1.5)
    for label, color, marker in ((0, OKABE_ITO[0], "o"), (1, OKABE_ITO[1], "^")):
        pts = X[y == label]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=12,
            c=color,
            marker=marker,
            edgecolors="white",
            linewidths=0.4,
            label=f"y = {label}",
        )
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)
    return ax


def reliability_diagram(
    y_true, prob, ax=None, *, n_bins: int = 10, label: str | None = None, color=OKABE_ITO[0]
):
    """Observed frequency of ``y = 1`` against the mean predicted probability, per bin.

    Introduced in chapter 5, Generative versus discriminative. A calibrated classifier
    lies on the diagonal; points below it are over-confident about ``y = 1``, points above
    it about ``y = 0``. Marker areas are proportional to the number of predictions in the
    bin (equal-width bins, empty bins left out).

    Parameters
    ----------
    y_true : array of shape (n_samples,), entries 0 or 1
    prob : array of shape (n_samples,)
        Predicted probability of ``y = 1``.
    ax : matplotlib Axes, optional
    n_bins : int, default 10
    label : str, optional
        Legend entry.
    color : colour, default OKABE_ITO[0]

    Returns
    -------
    ax : matplotlib Axes
    """
    from .evaluation import calibration_curve

    mean_p, frac, counts = calibration_curve(y_true, prob, n_bins=n_bins)
    ax = _get_ax(ax)
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", zorder=1)
    ax.plot(mean_p, frac, color=color, lw=1.5, label=label, zorder=2)
    ax.scatter(mean_p, frac, s=8 + 300 * counts / counts.sum(), color=color, zorder=3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed frequency")
    return ax


def plot_learning_curve(
    sizes, errors, ax=None, *, label: str | None = None, color=OKABE_ITO[0], marker: str = "o"
):
    """Mean test error against training-set size, with a band of two standard errors.

    Introduced in chapter 5, Generative versus discriminative.

    Parameters
    ----------
    sizes : array of shape (n_sizes,)
    errors : array of shape (n_draws, n_sizes)
        Test error of each random training set (rows) at each size (columns).
    ax : matplotlib Axes, optional
    label : str, optional
    color : colour, default OKABE_ITO[0]
    marker : str, default "o"

    Returns
    -------
    ax : matplotlib Axes
    """
    sizes = np.asarray(sizes, dtype=np.float64)
    errors = np.asarray(errors, dtype=np.float64)
    if errors.ndim != 2 or errors.shape[1] != sizes.shape[0]:
        raise ValueError(
            f"Expected errors of shape (n_draws, {sizes.shape[0]}), got {describe(errors)}."
        )
    ax = _get_ax(ax)
    mean = errors.mean(axis=0)
    se = errors.std(axis=0, ddof=1) / np.sqrt(errors.shape[0]) if errors.shape[0] > 1 else 0 * mean
    ax.fill_between(sizes, mean - 2 * se, mean + 2 * se, color=color, alpha=0.25, lw=0)
    ax.plot(sizes, mean, color=color, marker=marker, ms=4, lw=1.5, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("training-set size $n$")
    ax.set_ylabel("test error")
    return ax


def plot_logistic_plane(
    alpha, ax=None, *, lim: float = 3.0, levels=(0.1, 0.3, 0.7, 0.9), grid_size: int = 101
):
    """``p(Y = 1 | x) = sigmoid(alpha_0 + alpha_1 x_1 + alpha_2 x_2)`` over the plane.

    Introduced in chapter 5, Generative versus discriminative. Shades the probability in
    bands of 0.1, draws the equal-probability contours at ``levels`` (straight lines, all
    parallel), the decision boundary ``p = 0.5`` in black, and the direction of
    ``(alpha_1, alpha_2)`` as a bluish-green arrow from the origin.

    Parameters
    ----------
    alpha : sequence of 3 floats
        ``(alpha_0, alpha_1, alpha_2)``: bias and the two weights.
    ax : matplotlib Axes, optional
    lim : float, default 3.0
        The plane shown is ``[-lim, lim]^2``.
    levels : sequence of float in (0, 1)
        Probabilities whose contours are drawn and labelled (besides 0.5).
    grid_size : int, default 101

    Returns
    -------
    ax : matplotlib Axes
    """
    a = np.asarray(alpha, dtype=np.float64)
    if a.shape != (3,):
        raise ValueError(f"Expected alpha = (alpha_0, alpha_1, alpha_2), got {describe(a)}.")
    ax = _get_ax(ax)
    g = np.linspace(-lim, lim, check_int(grid_size, "grid_size", minimum=2))
    x1, x2 = np.meshgrid(g, g)
    p = 1.0 / (1.0 + np.exp(-(a[0] + a[1] * x1 + a[2] * x2)))
    bands = np.linspace(0.0, 1.0, 11)
    ax.contourf(x1, x2, p, levels=bands, cmap="PuOr_r", vmin=0, vmax=1, alpha=0.75)
    others = sorted(lv for lv in levels if lv != 0.5)
    if a[1] != 0 or a[2] != 0:
        if others:
            cs = ax.contour(x1, x2, p, levels=others, colors="0.25", linewidths=0.8)
            ax.clabel(cs, fmt="%.2g", fontsize=7)
        ax.contour(x1, x2, p, levels=[0.5], colors="k", linewidths=2)
        scale = 1.2 / np.hypot(a[1], a[2])
        ax.annotate(
            "",
            xy=(a[1] * scale, a[2] * scale),
            xytext=(0, 0),
            arrowprops={"arrowstyle": "->", "color": OKABE_ITO[2], "lw": 2},
        )
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax
