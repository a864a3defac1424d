"""Plotting helpers: each takes an optional ``ax``, returns it, and touches no global style."""

from __future__ import annotations

import numpy as np

from ._validation import check_int, describe

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
    arr = np.asarray(images, dtype=np.float64)
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

    cm = matplotlib.colormaps[cmap].copy()
    cm.set_bad("#b0b0b0")  # the gaps between images
    ax.imshow(grid, cmap=cm, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title)
    return ax
