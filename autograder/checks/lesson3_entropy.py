"""Lesson 3, entropy: its public cases and bad inputs.

The functions: ``self_information``, ``entropy``, ``binary_entropy``.
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
        "self_information",
        (
            case(
                f64([1.0, 0.5, 0.25]), base=2, example=True, hint="in bits: -log2(p), so 0, 1 and 2"
            ),
            case(f64([0.5]), example=True, hint="in nats by default: -ln(0.5) = ln 2"),
            case(f64([0.0]), hint="an impossible outcome is infinitely surprising"),
        ),
        raises=(
            raises(f64([1.2]), why="1.2 is not a probability"),
            raises(f64([0.5]), base=1, why="there is no logarithm in base 1"),
        ),
    ),
    Spec(
        "entropy",
        (
            case(f64([0.5, 0.5]), base=2, example=True, hint="a fair coin carries 1 bit"),
            case(f64([[1.0, 0.0], [0.25, 0.75]]), example=True, hint=ZERO_LOG_ZERO),
            case(
                f64([0.25, 0.25, 0.25, 0.25]),
                example=True,
                hint="the uniform distribution on 4 outcomes: ln 4",
            ),
            case(
                f64([[0.5, 1.0], [0.5, 0.0]]),
                axis=0,
                hint="with axis=0 each column is a distribution",
            ),
        ),
        raises=(
            raises(f64([0.5, 0.6]), why="p sums to 1.1, not 1"),
            raises(f64([-0.1, 1.1]), why="-0.1 is not a probability"),
        ),
    ),
    Spec(
        "binary_entropy",
        (
            case(f64([0.5]), base=2, example=True, hint="a fair coin carries 1 bit"),
            case(f64([0.0, 1.0]), example=True, hint=ZERO_LOG_ZERO),
            case(f64([0.11, 0.9]), example=True, hint="H(p) = -p log p - (1 - p) log(1 - p)"),
            case(
                f64([1e-20]),
                scale=0,
                example=True,
                hint="for tiny p, log(1 - p) rounds to 0: use log1p(-p) (xlog1py)",
            ),
        ),
        raises=(raises(f64([2.0]), why="2 is not a probability"),),
    ),
)

CONTRACT = {
    "self_information": (
        (
            case(
                [0.5, 0.25],
                base=2,
                hint="a list is array-like: check_probabilities turns it into an array",
                spec="any shape (a list, a scalar or an array)",
            ),
            case(0.5, hint="a scalar works too", spec="probabilities in $[0, 1]$"),
            case(
                ints([[1, 0]]),
                quiet=True,
                hint=f"{INTEGERS}; -log 0 = inf must not warn (np.errstate)",
                spec=(
                    "turns integers into float64",
                    "$p = 0$ must give `inf` **without a warning**",
                ),
            ),
            case(
                f32([0.0, 0.5, 1e-20]),
                base=2,
                quiet=True,
                hint=f"{KEEP_DTYPE}: divide by math.log(base), a Python float (in_base does)",
                spec=("float32 input stays float32", "or in the unit of `base`"),
            ),
            case(
                f64([[0.1], [1e-20]]),
                base=10,
                hint="in base 10: -log10(p)",
                spec="Return $-\\log p$ in nats",
            ),
        ),
        (
            raises(f32([-0.5]), why="-0.5 is not a probability", spec="for anything outside"),
            raises(
                f64([0.5]),
                base=-2,
                why="a logarithm's base must be positive",
                spec="for a base that is not positive or is 1",
            ),
        ),
    ),
    "entropy": (
        (
            case(
                f64([[0.5, 1.0, 0.0], [0.5, 0.0, 1.0]]),
                axis=0,
                base=2,
                hint=AXIS,
                spec="each slice along `axis` is one distribution",
            ),
            case(
                f32([[1.0, 0.0], [0.5, 0.5], [1e-20, 1.0]]),
                base=2,
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=(
                    "Apply $0 \\log 0 = 0$ with no `nan` and no warning",
                    "Float32 stays float32",
                ),
            ),
            case(
                f64([[[0.25, 0.75], [1.0, 0.0]], [[0.5, 0.5], [0.9, 0.1]]]),
                hint="sum over the axis only: one entropy per slice",
                spec=("summed along `axis`", "gives `N` entropies"),
            ),
            case(
                ints([0, 1, 0]),
                base=3,
                hint=INTEGERS,
                spec=("a single distribution gives a scalar", "in nats or in the unit of `base`"),
            ),
        ),
        (
            raises(
                f64([[1.0, 0.0], [0.5, 0.5]]),
                axis=0,
                why="the columns sum to 1.5 and 0.5: check the slices along axis",
                spec="a slice does not sum to one",
            ),
            raises(f32([[1.5, -0.5]]), why="1.5 is not a probability", spec="an entry is outside"),
        ),
    ),
    "binary_entropy": (
        (
            case(
                f64([[1e-20, 0.5], [0.9, 1.0]]),
                scale=0,
                hint="for tiny p, log(1 - p) rounds to 0: use log1p(-p) (xlog1py)",
                spec="for tiny $p$ compute $\\log(1 - p)$ as `log1p(-p)`",
            ),
            case(
                f32([[0.0, 1.0], [0.5, 0.25]]),
                base=2,
                hint=f"{KEEP_DTYPE}; {ZERO_LOG_ZERO}",
                spec=("give exactly $0$ with no warning", "Float32 stays float32"),
            ),
            case(
                ints([0, 1]),
                hint=INTEGERS,
                spec=("elementwise, same shape as `p`", "in the unit of `base`"),
            ),
        ),
        (
            raises(
                f32([[0.5, -0.5]]),
                why="-0.5 is not a probability",
                spec=("probabilities of heads in $[0, 1]$, any shape", "outside $[0, 1]$"),
            ),
        ),
    ),
}
