"""Chapter 3's new exercise: the stored answer agrees with an independent computation."""

import itertools
import math

from dgm_utils.exercises import is_correct


def test_chapter_3_xor_conditional_mutual_information():
    # I(X; Y | Z) = sum p(x, y, z) log p(x, y | z) / (p(x | z) p(y | z)), by enumeration
    p = {(x, y, x ^ y): 0.25 for x, y in itertools.product([0, 1], repeat=2)}

    def marg(keep):
        out = {}
        for s, v in p.items():
            key = tuple(s[i] for i in keep)
            out[key] = out.get(key, 0.0) + v
        return out

    pz, pxz, pyz = marg([2]), marg([0, 2]), marg([1, 2])
    cmi = sum(
        v * math.log(v * pz[(z,)] / (pxz[(x, z)] * pyz[(y, z)])) for (x, y, z), v in p.items()
    )
    assert is_correct("ch03-xor-dependence", cmi)
    assert not is_correct("ch03-xor-dependence", 0.0)
