"""Tests of the package's core: data, plotting, explorers, exercises, validation, import."""

import html
import re
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import dgm_utils as du  # noqa: E402
from dgm_utils import _validation as v  # noqa: E402
from dgm_utils import exercises  # noqa: E402


# --- import hygiene -------------------------------------------------------------------------
def test_import_is_lazy_and_side_effect_free():
    code = (
        "import sys, matplotlib; rc = dict(matplotlib.rcParams); import dgm_utils as du; "
        "assert 'torch' not in sys.modules and 'ipywidgets' not in sys.modules, 'eager import'; "
        "assert dict(matplotlib.rcParams) == rc; du.load_binarized_digits; "
        "assert 'torch' not in sys.modules; print(sorted(du.__all__)[:3])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_every_exported_name_resolves():
    for name in du.__all__:
        assert getattr(du, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        du.nope  # noqa: B018


# --- datasets -------------------------------------------------------------------------------
def test_binarized_digits_match_sklearn_and_are_deterministic():
    from sklearn.datasets import load_digits

    X_tr, X_te, y_tr, y_te = du.load_binarized_digits()
    assert X_tr.dtype == np.uint8 and X_tr.shape[1] == 64 and set(np.unique(X_tr)) == {0, 1}
    assert len(X_tr) + len(X_te) == 1797 and len(X_te) == 450
    # Every split image is a real, binarised digit with its own label.
    digits = load_digits()
    full = {
        (row.tobytes(), int(t))
        for row, t in zip((digits.data >= 8).astype(np.uint8), digits.target, strict=True)
    }
    assert all((x.tobytes(), int(t)) in full for x, t in zip(X_te, y_te, strict=True))
    # Stratified: each digit's test share is close to 25 %.
    shares = np.bincount(y_te, minlength=10) / np.bincount(np.r_[y_tr, y_te], minlength=10)
    assert np.all(np.abs(shares - 0.25) < 0.02)
    again = du.load_binarized_digits()
    assert all(np.array_equal(a, b) for a, b in zip(again, (X_tr, X_te, y_tr, y_te), strict=True))
    other = du.load_binarized_digits(seed=1)
    assert not np.array_equal(other[0], X_tr)


def test_binarized_digits_threshold_changes_ink():
    dark = du.load_binarized_digits(threshold=2)[0].mean()
    light = du.load_binarized_digits(threshold=14)[0].mean()
    assert dark > light


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"threshold": 0}, ValueError, "threshold must be > 0"),
        ({"threshold": "8"}, TypeError, "threshold must be a real number"),
        ({"test_fraction": 1.0}, ValueError, "test_fraction must be < 1"),
        ({"seed": -1}, ValueError, "seed must be at least 0"),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
    ],
)
def test_binarized_digits_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        du.load_binarized_digits(**kwargs)


# --- plotting -------------------------------------------------------------------------------
def test_image_grid_places_each_image():
    imgs = np.arange(3 * 4).reshape(3, 4).astype(float)
    grid = du.plotting.image_grid(imgs, ncols=2, image_shape=(2, 2), pad=1)
    assert grid.shape == (5, 5)
    np.testing.assert_array_equal(grid[:2, :2], imgs[0].reshape(2, 2))
    np.testing.assert_array_equal(grid[:2, 3:], imgs[1].reshape(2, 2))
    np.testing.assert_array_equal(grid[3:, :2], imgs[2].reshape(2, 2))
    assert np.isnan(grid[2]).all() and np.isnan(grid[3:, 3:]).all()


def test_show_images_returns_its_axes_and_leaves_style_alone():
    import matplotlib.pyplot as plt

    rc = dict(matplotlib.rcParams)
    fig, ax = plt.subplots()
    out = du.show_images(np.eye(64)[:5], ncols=5, ax=ax, title="t")
    assert out is ax and ax.get_title() == "t" and len(ax.images) == 1
    assert dict(matplotlib.rcParams) == rc
    plt.close(fig)
    with pytest.raises(ValueError, match=r"Expected images of shape \(n, 64\)"):
        du.show_images(np.zeros((3, 10)))


def _dag_drawing(ax):
    """What draw_dag put on ax: node circles, arrows as (start, tip) and texts by content."""
    from matplotlib.patches import Circle, FancyArrowPatch
    from matplotlib.path import Path

    circles = [p for p in ax.patches if isinstance(p, Circle)]
    arrows = []
    for patch in ax.patches:
        if isinstance(patch, FancyArrowPatch):
            path = patch.get_path()  # data coordinates: the shaft, then the head
            xy = path.vertices[path.codes != Path.CLOSEPOLY]
            arrows.append((xy[0], xy[np.argmax(np.hypot(*(xy - xy[0]).T))]))
    texts = {t.get_text(): np.array(t.get_position()) for t in ax.texts}
    return circles, arrows, texts


@pytest.mark.parametrize("seed", range(6))
def test_draw_dag_layers_every_edge_downwards_and_draws_each_once(seed):
    import matplotlib.pyplot as plt
    import networkx as nx

    net = du.random_network(14, 22, (2, 2), np.random.default_rng(seed))
    parents = net.parents
    fig, ax = plt.subplots()
    assert du.plotting.draw_dag(net, ax=ax) is ax
    circles, arrows, texts = _dag_drawing(ax)
    # One circle and one label per node, the label at the circle's centre.
    assert sorted(texts) == sorted(parents) and len(circles) == len(parents)
    centres = {tuple(np.round(c.center, 9)) for c in circles}
    assert centres == {tuple(np.round(xy, 9)) for xy in texts.values()}
    pos = texts
    # Layer d at y = -d, where d is the node's topological generation (networkx): roots on
    # top, each node one layer below its deepest parent, so every edge points downwards.
    graph = nx.DiGraph([(p, v) for v, pa in parents.items() for p in pa])
    graph.add_nodes_from(parents)
    for d, generation in enumerate(nx.topological_generations(graph)):
        xs = sorted(pos[v][0] for v in generation)
        assert all(pos[v][1] == -d for v in generation)
        np.testing.assert_allclose(np.diff(xs), 1.0)  # one unit apart, centred
        assert np.mean(xs) == pytest.approx(0.0)
    # Exactly one arrow per edge, from the rim of the parent's circle to (up to the width of
    # the arrow head's outline) the rim of the child's.
    r, n_edges = 0.28, 0
    for child, pa in parents.items():
        for p in pa:
            assert pos[p][1] > pos[child][1]
            u = (pos[child] - pos[p]) / np.linalg.norm(pos[child] - pos[p])
            start, end = pos[p] + r * u, pos[child] - r * u
            matches = [
                a
                for a in arrows
                if np.allclose(a[0], start, atol=1e-9) and np.allclose(a[1], end, atol=0.03)
            ]
            assert len(matches) == 1, (p, child)
            n_edges += 1
    assert len(arrows) == n_edges
    plt.close(fig)


def test_draw_dag_positions_labels_and_observed_nodes():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    student = du.student_network()
    pos = {"D": (0, 0), "I": (2, 0), "G": (1, -1), "S": (3, -1), "L": (1, -2)}
    fig, ax = plt.subplots()
    du.plotting.draw_dag(student, ax=ax, pos=pos, observed=["G"], labels={"G": "grade"})
    circles, arrows, texts = _dag_drawing(ax)
    assert sorted(texts) == ["D", "I", "L", "S", "grade"]
    for name, node in [("D", "D"), ("grade", "G"), ("L", "L")]:
        np.testing.assert_allclose(texts[name], pos[node])
    faces = {tuple(c.center): c.get_facecolor() for c in circles}
    assert faces[(1, -1)] == to_rgba("#c8c8c8")  # observed: shaded
    assert all(f == to_rgba("white") for xy, f in faces.items() if xy != (1, -1))
    assert len(arrows) == 4
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < 0 - 0.28 and x1 > 3 + 0.28 and y0 < -2 - 0.28 and y1 > 0.28
    assert not ax.axison
    plt.close(fig)


@pytest.mark.parametrize(
    "parents, kwargs, err, match",
    [
        ({"A": ["B"], "B": ["A"]}, {}, ValueError, "directed cycle A -> B -> A"),
        ({"A": [], "B": ["C"]}, {}, ValueError, "Unknown parent 'C' of 'B'"),
        ({"A": [], "B": ["A"]}, {"pos": {"A": (0, 0)}}, ValueError, r"no position for \['B'\]"),
        ([("A", "B")], {}, TypeError, "parents must be a dict"),
    ],
)
def test_draw_dag_bad_input(parents, kwargs, err, match):
    with pytest.raises(err, match=match):
        du.plotting.draw_dag(parents, **kwargs)


# --- widgets --------------------------------------------------------------------------------
def _draw(fig, p, n=1):
    ax = fig.subplots()
    ax.bar([0, 1], [1 - p, p * n])


def test_explorer_player_frames_follow_the_grid_order():
    ex = du.explore(_draw, {"p": [0.1, 0.5, 0.9], "n": [1, 2]}, key="t", alt="pmf")
    page = ex.to_html()
    alts = [html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', page)]
    expected = [f"pmf (p = {s['p']:.3g}, n = {s['n']})" for s in ex.settings()]
    assert alts == expected  # row-major: the JS index i = i * (max + 1) + value
    assert page.count(" hidden>") == 5  # one visible frame
    # JupyterLab drops `hidden` from an untrusted notebook's HTML but keeps inline styles.
    assert page.count('style="max-width:100%;display:none" hidden>') == 5
    assert page.count('type="range"') == 2
    # Distinct settings give distinct pictures; the same setting gives the same bytes.
    frames = re.findall(r"base64,([^\"]+)", page)
    assert len(set(frames)) == 6
    assert ex.render(p=0.5, n=2) == du.explore(
        _draw, {"p": [0.5], "n": [2]}, key="u", alt="x"
    ).render(p=0.5, n=2)


def test_explorer_frames_are_compact_palette_pngs():
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    ex = du.explore(_draw, {"p": [0.3]}, key="t", alt="pmf")
    frame = ex.render(p=0.3)
    assert Image.open(io.BytesIO(frame)).mode == "P"
    fig = Figure(figsize=ex.figsize, dpi=ex.dpi, layout="constrained")
    _draw(fig, 0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    assert len(frame) < len(buf.getvalue())
    # Same picture: every pixel within a small colour error of the full-colour rendering.
    full = np.asarray(Image.open(buf).convert("RGB"), dtype=int)
    assert (
        np.abs(np.asarray(Image.open(io.BytesIO(frame)).convert("RGB"), dtype=int) - full).max()
        < 24
    )


def test_explorer_initial_value_is_the_visible_frame():
    ex = du.explore(_draw, {"p": [0.1, 0.5, 0.9]}, key="t", alt="pmf", initial={"p": 0.5})
    imgs = re.findall(r"<img [^>]*>", ex.to_html())
    assert [(" hidden" not in i) for i in imgs] == [False, True, False]


def test_explorer_bundle_without_kernel_is_html_only():
    bundle = du.explore(_draw, {"p": [0.1, 0.9]}, key="t", alt="pmf")._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"] == "Explorer('t'; p: 2 values)"


def test_explorer_live_widget_redraws():
    ex = du.explore(_draw, {"p": [0.1, 0.9]}, key="t", alt="pmf")
    box = ex.widget()
    slider, image = box.children
    before = image.value
    slider.value = 0.9
    assert image.value != before and image.value == ex.render(p=0.9)


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        (("x", {"p": [1]}), {}, TypeError, "draw must be callable"),
        ((_draw, {}), {}, TypeError, "non-empty dict"),
        ((_draw, {"p": []}), {}, ValueError, "has no values"),
        ((_draw, {"p": list(range(61))}), {}, ValueError, "at most 60"),
        ((_draw, {"p": [1]}), {"key": "has space"}, ValueError, "key must be"),
        ((_draw, {"p": [1]}), {"initial": {"q": 1}}, ValueError, "unknown parameters"),
        ((_draw, {"p": [1]}), {"initial": {"p": 2}}, ValueError, "not in its grid"),
    ],
)
def test_explorer_bad_input(args, kwargs, err, match):
    kwargs = {"key": "k", "alt": "a", **kwargs}
    with pytest.raises(err, match=match):
        du.explore(*args, **kwargs)


# --- exercises ------------------------------------------------------------------------------
def test_exercise_registry_entries_are_well_formed():
    ids = exercises.exercise_ids()
    for ex_id in ids:
        spec = exercises._spec(ex_id)
        assert re.fullmatch(r"ch\d\d-[a-z0-9-]+", ex_id), ex_id
        assert "answer" in spec and spec.get("hint"), f"{ex_id} needs an answer and a hint"
        # The stored answer is accepted, and the hint never contains it.
        assert exercises.is_correct(
            ex_id, spec["answer"] if spec["kind"] != "set" else set(spec["answer"])
        )
        if spec["kind"] in ("int", "float"):
            assert str(spec["answer"]) not in spec["hint"], (
                f"{ex_id}: the hint gives the answer away"
            )


def test_every_exercise_in_a_chapter_has_an_answer_and_a_check_cell():
    import json
    from pathlib import Path

    known = set(exercises.exercise_ids())
    labelled = set()
    for path in sorted(Path(__file__).parents[1].joinpath("chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        text = {c["cell_type"]: [] for c in cells}
        for c in cells:
            text[c["cell_type"]].append("".join(c["source"]))
        # An open-ended exercise says so in its statement ("No checker: ...").
        blocks = re.findall(
            r":::\{exercise\}\n:label: (ch\d\d-[a-z0-9-]+)\n(.*?):::",
            "\n".join(text["markdown"]),
            re.S,
        )
        labels = [label for label, body in blocks if "No checker" not in body]
        assert len(blocks) >= 3, f"{path.name}: fewer than 3 exercises"
        code = "\n".join(text["code"])
        for label in labels:
            assert label in known, f"{path.name}: exercise {label} has no entry in the answer files"
            assert f'du.check("{label}"' in code, f"{path.name}: exercise {label} has no check cell"
        labelled.update(labels)
    assert labelled == known, f"answers without an exercise: {sorted(known - labelled)}"


# --- validation -----------------------------------------------------------------------------
def test_check_matrix_messages():
    with pytest.raises(
        ValueError, match=r"Expected X of shape \(n_samples, 64\), got \(64,\)\. For one"
    ):
        v.check_matrix(np.zeros(64), n_features=64, hint="For one image use x[None, :].")
    with pytest.raises(ValueError, match=r"got \(2, 3\): the model was built for 64 features"):
        v.check_matrix(np.zeros((2, 3)), n_features=64)
    with pytest.raises(ValueError, match=r"NaN or infinite values, first at \[0, 1\]"):
        v.check_matrix([[0.0, np.nan]])
    with pytest.raises(TypeError, match="must hold numbers"):
        v.check_matrix([["a", "b"]])
    with pytest.raises(
        ValueError, match=r"must be binary \(0/1 values\), got values such as \[2\.0\]"
    ):
        v.check_binary([[0, 2]])
    out = v.check_binary([[0, np.nan]], allow_nan=True)
    assert np.isnan(out[0, 1])


def test_check_probabilities_names_the_bad_row():
    with pytest.raises(ValueError, match=r"entry at \(1,\) sums to 0\.9"):
        v.check_probabilities([[0.5, 0.5], [0.4, 0.5]], "cpt")
    with pytest.raises(ValueError, match="negative entries"):
        v.check_probabilities([-0.1, 1.1], "p")


def test_check_rng():
    assert isinstance(v.check_rng(3), np.random.Generator)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        v.check_rng(np.random.RandomState(0))


# --- notebook helpers -----------------------------------------------------------------------
def test_glue_records_through_myst_nb_when_present(monkeypatch):
    import sys
    import types

    recorded = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: recorded.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    du.glue("acc", "0.93")
    assert recorded == [("acc", "0.93", False)]


def test_glue_without_myst_nb_still_runs(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # makes `import myst_nb` fail
    du.glue("acc", "0.93")  # recorded nowhere, and no error
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        du.glue("", "0.93")


def test_every_chapter_starts_with_the_install_cell_for_the_configured_repository():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "scripts" / "install_cell.py"
    spec = importlib.util.spec_from_file_location("install_cell", path)
    install_cell = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(install_cell)
    url = install_cell.repository_url()
    assert url.startswith("https://") and "git+" + url in install_cell.cell_source(url)
    stale = install_cell.stale_chapters(url)
    assert not stale, f"{stale}: run python scripts/install_cell.py (repository.url changed?)"
    # Another repository address makes every chapter stale: the check is not vacuous.
    chapters = list((Path(__file__).parents[1] / "chapters").glob("*.ipynb"))
    assert len(install_cell.stale_chapters("https://example.org/other")) == len(chapters)


def test_no_chapter_stores_warnings_or_other_stderr():
    # A warning's text names a file path of the machine that ran it: a stored warning would
    # fail nbval in every other checkout, and a warning in a chapter is a bug anyway.
    import json
    from pathlib import Path

    for path in sorted((Path(__file__).parents[1] / "chapters").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            for out in cell.get("outputs", []):
                assert out.get("name") != "stderr", (
                    f"{path.name} cell {i}: {''.join(out['text'])[:200]}"
                )


# The answer box and the page's checker: tests/test_exercises.py.


def test_moved_names_still_import_from_their_old_modules():
    """discrete.py was split by concept and fit_digit_models moved to experiments.py; the
    old import paths (and chapter 5's ``du.make_spam_corpus``) give the very same objects."""
    from dgm_utils import (
        autoregressive,
        binary_densities,
        classifiers,
        counting,
        datasets,
        discrete,
        evaluation,
        experiments,
        joint_table,
        spam_corpus,
    )

    assert discrete.JointTable is joint_table.JointTable is du.JointTable
    assert discrete.pixel_order is binary_densities.pixel_order is du.pixel_order
    assert discrete.num_params_joint is counting.num_params_joint is du.num_params_joint
    assert du.fit_digit_models is experiments.fit_digit_models
    with pytest.warns(FutureWarning, match="moved to dgm_utils.experiments.fit_digit_models"):
        assert autoregressive.fit_digit_models is experiments.fit_digit_models
    for old, new in [
        ("make_spam_corpus", spam_corpus.make_spam_corpus),
        ("learning_curves", evaluation.learning_curves),
        ("hide_features", datasets.hide_features),
    ]:
        with pytest.warns(FutureWarning, match=f"classifiers.{old} moved to dgm_utils"):
            assert getattr(classifiers, old) is new is getattr(du, old)


def test_private_validation_module_is_not_offered_as_an_attribute():
    assert "_validation" not in dir(du)
    assert "_validation" not in du.__all__


def test_check_tensor_is_the_one_validator_of_model_data():
    import torch

    from dgm_utils._validation import check_tensor

    x = np.array([[0, 1, 1], [1, 0, 0]], dtype=np.uint8)
    t = check_tensor(x, "x", n_features=3, dtype=torch.float64, binary=True)
    assert t.dtype == torch.float64 and torch.equal(t, torch.as_tensor(x, dtype=torch.float64))
    with pytest.raises(TypeError, match=r"torch.Tensor of shape \(batch, 3\)"):
        check_tensor(x, "x", n_features=3, accept="tensor")
    with pytest.raises(TypeError, match="torch.Tensor or numpy array"):
        check_tensor([[0, 1, 1]], "x", n_features=3)
    assert check_tensor([[0, 1, 1]], "x", accept="array_like").shape == (1, 3)
    with pytest.raises(ValueError, match=r"x has 0 samples \(shape \(0, 3\)\)"):
        check_tensor(np.zeros((0, 3)), "x")
    assert check_tensor(np.zeros((0, 3)), "x", allow_empty=True).shape == (0, 3)
    with pytest.raises(ValueError, match=r"NaN or infinite values, first at \[1, 2\]"):
        check_tensor(np.array([[0.0, 1, 1], [1, 0, np.inf]]), "x", binary=True)
    with pytest.raises(
        ValueError, match=r"x must be binary \(0/1 values\), got values such as \[2"
    ):
        check_tensor(x * 2, "x", binary=True)
    # A tensor that requires grad keeps its graph: gradients can flow back to the input.
    w = torch.zeros(2, 3, requires_grad=True)
    assert check_tensor(w, "x").requires_grad


def test_every_model_samples_as_sample_n_rng():
    """One signature: sample(n, rng); latents only when asked (mixtures return them by
    default, as scikit-learn's GaussianMixture.sample); the old torch keywords still work
    and give the same draws."""
    import inspect

    import torch

    X = np.random.default_rng(0).integers(0, 2, size=(40, 4))
    torch_models = [du.FVSBN(4), du.NADE(4, hidden=3), du.VAE(4, 2, hidden=(3,))]
    numpy_models = [
        du.IndependentBernoulli().fit(X),
        du.BinaryMarkovChain().fit(X),
        du.BernoulliMixture(2, random_state=0).fit(X),
        du.student_network(),
    ]
    for model in torch_models + numpy_models:
        params = list(inspect.signature(model.sample).parameters)
        assert params[:2] == ["n", "rng"], (type(model).__name__, params)
    for model in torch_models:
        a = model.sample(5, torch.Generator().manual_seed(1))
        with pytest.warns(FutureWarning, match="generator= is renamed rng="):
            b = model.sample(5, generator=torch.Generator().manual_seed(1))
        assert torch.equal(a, b) and a.shape == (5, 4)
        with pytest.raises(TypeError, match="both rng and its former name generator"):
            model.sample(5, torch.Generator(), generator=torch.Generator())
    vae = torch_models[2]
    x, z = vae.sample(5, torch.Generator().manual_seed(1), return_latents=True)
    with pytest.warns(FutureWarning, match="renamed"):
        x_old, z_old = vae.sample(5, generator=torch.Generator().manual_seed(1), return_latent=True)
    assert torch.equal(x, x_old) and torch.equal(z, z_old) and z.shape == (5, 2)
    mixture = numpy_models[2]
    Xs, zs = mixture.sample(6, np.random.default_rng(2), return_latents=True)
    only_x = mixture.sample(6, np.random.default_rng(2))  # the same default as the VAE
    np.testing.assert_array_equal(Xs, only_x)
    assert zs.shape == (6,) and set(zs) <= {0, 1}


def test_the_distribution_ships_every_subpackage():
    """pyproject.toml lists packages by hand: a new subpackage missing there would be left
    out of the wheel that Colab and `make standalone` install (found once: bayesnet/)."""
    import tomllib
    from pathlib import Path

    from setuptools import find_packages

    root = Path(__file__).parents[1]
    listed = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    assert sorted(listed) == sorted(find_packages(str(root), include=["dgm_utils*"]))
