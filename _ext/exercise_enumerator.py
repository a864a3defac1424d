"""Accept ``:enumerator: 3.1`` on ``{exercise}`` directives.

JupyterLab (jupyterlab-myst) numbers a notebook's exercises 1, 2, ... unless an exercise
names its number; the chapters name it, so that JupyterLab shows "Exercise 3.1" as the site
does. sphinx-exercise numbers exercises by chapter itself, so here the option is accepted
and ignored. ``tests/test_exercises.py`` checks that each number matches the exercise's place.
"""

from docutils.parsers.rst import directives


def setup(app):
    from sphinx_exercise.directive import ExerciseDirective

    ExerciseDirective.option_spec = {
        **ExerciseDirective.option_spec,
        "enumerator": directives.unchanged,
    }
    return {"parallel_read_safe": True, "parallel_write_safe": True}
