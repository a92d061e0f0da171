"""Shared by the tests ported from the peers' own suites (tests/test_upstream_*.py).

Upstream suites often print an expected value to a few digits ("0.3239"). Such a value
is only known to half a unit in its last printed place, whatever the dtype, so that is
the tolerance; values computed to full precision (with mpmath) are compared in ulps
with :func:`numerics.assert_close_ulps` instead.
"""

from decimal import Decimal

import numpy as np


def half_unit(printed):
    """Half a unit in the last place of a number as printed: "0.3239" gives 5e-5."""
    return 0.5 * 10.0 ** Decimal(printed).as_tuple().exponent


def assert_printed(actual, *printed):
    """Assert each entry of `actual` rounds to the matching printed string."""
    actual = np.asarray(actual, dtype=np.float64).ravel()
    assert actual.size == len(printed), f"{actual.size} values for {len(printed)} printed"
    for got, text in zip(actual, printed, strict=True):
        assert abs(got - float(text)) <= half_unit(text), f"{got!r} does not round to {text}"
