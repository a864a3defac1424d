"""Shared code of the deep generative models course companion.

Every chapter imports this package as ``import dgm_utils as du``. Importing it does no
work: submodules (and torch, ipywidgets) are imported on first use of a name.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Public name -> the submodule that defines it. One line per module.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "datasets": ("load_binarized_digits", "split_validation", "hide_features", "with_copies"),
    "evaluation": ("calibration_curve", "expected_calibration_error", "learning_curves"),
    "spam_corpus": ("make_spam_corpus", "spam_posterior"),
    "plotting": ("show_images",),
    "training": ("train", "TrainingHistory", "default_device", "reproducible"),
    "widgets": ("Explorer", "explore"),
    "exercises": ("check",),
    "notebook": ("glue", "glued"),
    "mixtures": ("BernoulliMixture", "GaussianMixture", "gaussian_m_step"),
    "counting": (
        "num_params_joint",
        "num_params_independent",
        "num_params_markov_chain",
        "chain_rule_param_counts",
    ),
    "joint_table": ("JointTable",),
    "binary_densities": ("IndependentBernoulli", "BinaryMarkovChain", "pixel_order"),
    "bayesnet": ("BayesianNetwork", "random_network", "student_network"),
    "classifiers": ("BernoulliNaiveBayes", "GaussianNaiveBayes", "LogisticRegression"),
    "autoregressive": ("FVSBN", "NADE"),
    "experiments": ("FittedModel", "fit_digit_models"),
    "neural": ("NeuralClassifier", "make_xor"),
    "approximation": ("fit_random_relu_network", "ReLUNetwork1D"),
    "comparison": ("PairedDifference", "paired_difference", "rank_by_paired_differences"),
    "vae": ("VAE",),
}
# Modules without names of their own in the package namespace (discrete.py only re-exports
# what moved to counting, joint_table and binary_densities). The private _validation is
# not offered as du._validation.
_SUBMODULES = frozenset(_EXPORTS) | {"discrete"}
_NAME_TO_MODULE = {name: mod for mod, names in _EXPORTS.items() for name in names}

__all__ = sorted(_NAME_TO_MODULE) + sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAME_TO_MODULE:
        module = importlib.import_module(f"{__name__}.{_NAME_TO_MODULE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'dgm_utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    # the public names, not the private modules Python attaches once they are imported
    public = {n for n in globals() if not n.startswith("_") or n.startswith("__")}
    return sorted(public | set(__all__))
