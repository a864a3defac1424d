"""The one timing loop of the benchmark scripts (imported as ``from _timing import ...``)."""

import time


def timings(fn, repeat: int) -> list[float]:
    """Wall-clock seconds of each of ``repeat`` calls of ``fn()``."""
    return best_of(fn, repeat, all_times=True)[0]


def best_of(fn, repeat: int = 3, *, all_times: bool = False):
    """``(fastest seconds, last result)`` of ``repeat`` calls of ``fn()``.

    With ``all_times=True`` the first element is the list of every call's seconds.
    """
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return (times if all_times else min(times)), out
