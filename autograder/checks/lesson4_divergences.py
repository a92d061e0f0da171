"""Lesson 4, KL divergence: its public cases and bad inputs.

The functions: ``kl_divergence``, ``js_divergence``, ``mutual_information``.
:mod:`autograder.checks.catalogue` says what `SPECS` (the cases that teach the maths)
and `CONTRACT` (the exercise's promises, quoted) hold, and compiles them.
"""

from autograder.checks.cases_common import (
    AXIS,
    INTEGERS,
    KEEP_DTYPE,
    ZERO_LOG_ZERO,
    case,
    f32,
    f64,
    ints,
    raises,
)
from solutions.helpers.judge import Spec

SPECS = (
    Spec(
        "kl_divergence",
        (
            case(
                f64([0.5, 0.5]),
                f64([0.9, 0.1]),
                example=True,
                # The swapped arguments' answer, named: the mistake this case sees most.
                hint="KL(p||q) = sum p log(p / q); 0.368 is KL(q||p): KL is not symmetric",
            ),
            case(
                f64([0.9, 0.1]),
                f64([0.5, 0.5]),
                example=True,
                hint="KL is not symmetric: swap p and q, get 0.368",
            ),
            case(f64([1.0, 0.0]), f64([0.5, 0.5]), example=True, hint=ZERO_LOG_ZERO),
            case(f64([0.5, 0.5]), f64([1.0, 0.0]), hint="q = 0 where p > 0 makes KL infinite"),
            case(
                f64([0.5, 0.5]),
                f64([0.9, 0.1]),
                base=2,
                example=True,
                hint="in bits: divide by ln 2",
            ),
            case(
                f64([[0.5, 0.5], [0.9, 0.1]]),
                f64([[0.9, 0.1], [0.5, 0.5]]),
                example=True,
                hint="one value per row: a batch of rows gives one KL per row",
            ),
        ),
        raises=(
            raises(f64([0.5, 0.5]), f64([0.2, 0.3, 0.5]), why="p and q have different shapes"),
            raises(f64([0.5, 0.6]), f64([0.5, 0.5]), why="p does not sum to 1"),
        ),
    ),
    Spec(
        "js_divergence",
        (
            case(
                f64([1.0, 0.0]),
                f64([0.0, 1.0]),
                base=2,
                example=True,
                hint="disjoint distributions: 1 bit",
            ),
            case(
                f64([0.5, 0.5]),
                f64([0.9, 0.1]),
                example=True,
                hint="JS = (KL(p||m) + KL(q||m)) / 2, m = (p + q) / 2",
            ),
            case(f64([0.9, 0.1]), f64([0.5, 0.5]), example=True, hint="JS is symmetric"),
        ),
        raises=(raises(f64([1.0, 0.0]), f64([1.0]), why="p and q have different shapes"),),
    ),
    Spec(
        "mutual_information",
        (
            case(
                f64([[0.5, 0.0], [0.0, 0.5]]),
                base=2,
                example=True,
                hint="x decides y: I = H(y) = 1 bit",
            ),
            case(
                f64([[0.25, 0.25], [0.25, 0.25]]),
                example=True,
                hint="independent: p(x, y) = p(x) p(y), so 0",
            ),
            case(
                f64([[0.3, 0.1], [0.2, 0.4]]),
                hint="KL(p(x, y) || p(x) p(y)), with the row sums and column sums as marginals",
            ),
            case(f32([[0.3, 0.1], [0.2, 0.4]]), example=True, hint=KEEP_DTYPE),
        ),
        raises=(
            raises(f64([0.5, 0.5]), why="a joint table has two dimensions"),
            raises(f64([[0.5, 0.5], [0.5, 0.5]]), why="the table sums to 2, not 1"),
        ),
    ),
)

CONTRACT = {
    "kl_divergence": (
        (
            case(
                f64([[0.5, 0.5], [0.9, 0.1]]),
                f64([[0.9, 0.1], [0.5, 0.5]]),
                hint="a 2-D batch gives one value per row",
                spec=("one value per row for a 2-D batch", "a scalar for 1-D input"),
            ),
            case(
                f64([[0.5, 1.0], [0.5, 0.0]]),
                f64([[0.9, 0.5], [0.1, 0.5]]),
                axis=0,
                base=2,
                hint=AXIS,
                spec=("each slice along `axis` sums to one", "reduced along `axis`"),
            ),
            case(
                f32([0.5, 0.5, 0.0]),
                f32([1.0, 0.0, 0.0]),
                quiet=True,
                hint="q = 0 < p makes KL inf, without a warning: use rel_entr",
                spec="a term with $q_k = 0 < p_k$ makes the result `inf`",
            ),
            case(
                f32([[1.0, 0.0], [0.25, 0.75]]),
                f32([[0.5, 0.5], [1e-20, 1.0]]),
                base=2,
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=(
                    "Terms with $p_k = 0$ count 0",
                    "float32 input stays float32",
                    "`base=2` bits",
                ),
            ),
            case(
                f64([0.6720976591387724, 0.28466864239501943, 0.04323369846620814]),
                f64([0.6720976592538707, 0.2846686422614195, 0.04323369848470988]),
                hint="KL is never negative: clip the rounding error at 0",
                spec="clip the result at 0",
            ),
            case(
                ints([0, 1]),
                ints([0, 1]),
                hint=INTEGERS,
                spec="**No warning** on any input",
            ),
        ),
        (
            raises(
                f64([[0.5, 0.5], [0.5, 0.5]]),
                f64([[0.5, 0.5], [0.6, 0.6]]),
                why="a row of q sums to 1.2",
                spec="are not distributions",
            ),
            raises(
                f64([[1.0, 0.0], [0.5, 0.5]]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                axis=0,
                why="the columns of p sum to 1.5 and 0.5: check along axis",
                spec="distributions of the same shape",
            ),
            raises(
                f64([0.5, 0.5]),
                f64([[0.5, 0.5], [0.5, 0.5]]),
                why="p and q have different shapes (no broadcasting)",
                spec="differ in shape",
            ),
        ),
    ),
    "js_divergence": (
        (
            case(
                f64([[1.0, 0.5], [0.0, 0.5]]),
                f64([[0.0, 0.9], [1.0, 0.1]]),
                axis=0,
                base=2,
                hint=AXIS,
                spec=("reduced along `axis`, in nats or in `base`", "pass `axis` and `base` on"),
            ),
            case(
                f32([[1.0, 0.0], [0.5, 0.5]]),
                f32([[0.0, 1.0], [0.9, 0.1]]),
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=("Always finite, symmetric, between 0 and $\\ln 2$", "float32 stays float32"),
            ),
            case(
                f64([1e-20, 1.0]),
                f64([1.0, 0.0]),
                hint="JS = (KL(p||m) + KL(q||m)) / 2: finite even where q = 0",
                spec="Form the mixture $m = (p + q) / 2$",
            ),
        ),
        (
            raises(
                f64([[0.5, 0.5]]),
                f64([[0.5, 0.4]]),
                why="q sums to 0.9, not 1",
                spec="(`ValueError` on a shape mismatch or a non-distribution)",
            ),
        ),
    ),
    "mutual_information": (
        (
            case(
                f64([[0.1, 0.2, 0.3], [0.3, 0.1, 0.0]]),
                base=2,
                hint="x has 2 values and y 3: the row sums are p(x), the column sums p(y)",
                spec=(
                    "the marginals are the row sums and the column sums",
                    "a scalar, in nats or in `base`",
                ),
            ),
            case(
                f32([[0.5, 0.0], [0.25, 0.25]]),
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=("float32 stays float32, and no warning on zeros", "a two-dimensional table"),
            ),
            case(
                ints([[0, 0], [1, 0]]),
                hint=INTEGERS,
                spec="all its entries sum to one",
            ),
        ),
        (
            raises(
                f64([[[0.5, 0.5]]]),
                why="a joint table has two dimensions, not 3",
                spec="if `p_xy` is not two-dimensional",
            ),
            raises(
                f64([[0.5, -0.5], [0.5, 0.5]]),
                why="-0.5 is not a probability",
                spec="its entries are not a distribution",
            ),
        ),
    ),
}
