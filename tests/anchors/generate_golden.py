"""Write golden.json: what PyTorch, TensorFlow and Keras return for the course's functions.

tests/test_golden.py checks solutions.helpers against these records, so the test suite
needs neither torch nor TensorFlow. Regenerate (from /work/main) with exactly:

    python3 -m venv /work/venv-golden
    /work/venv-golden/bin/pip install torch==2.13.0 tensorflow-cpu==2.21.0 keras==3.15.1 \\
        numpy==2.4.6
    /work/venv-golden/bin/python tests/anchors/generate_golden.py

Pin torch exactly (a bare ``torch`` may pull a CUDA build). The script sets
KERAS_BACKEND=tensorflow and TF_ENABLE_ONEDNN_OPTS=0 (oneDNN may reorder float sums)
itself and records every version into the output. Inputs come from a fixed seed, so a
rerun with the same versions writes the same file.

Each record's "anchor" is the very expression that produced "expected", evaluated with
the record's kwargs as variables (torch tensors for torch, NumPy arrays otherwise;
F is torch.nn.functional). Framework imports live in main(): pytest --doctest-modules
imports this module in the project's venv, which has neither framework.
"""

import json
import os
import platform
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("golden.json")
# exp overflows just past these logits: 88 and 89 in float32, 709 and 710 in float64.
THRESHOLDS = {"float32": (88.0, 89.0), "float64": (709.0, 710.0)}
INF = np.inf
FRAMEWORKS = {"torch": "torch", "F": "torch", "tf": "tensorflow", "keras": "keras"}


def encode(value):
    if isinstance(value, np.ndarray):
        return {"dtype": str(value.dtype), "shape": list(value.shape), "data": value.tolist()}
    return value


def call(head, options):
    """The anchor's text: array options by their keyword's name, the rest by value."""
    args = [f"{k}={k if isinstance(v, np.ndarray) else repr(v)}" for k, v in options.items()]
    return ", ".join([head, *args]) + ")"


def main():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf
    import torch
    import torch.nn.functional as F

    assert keras.backend.backend() == "tensorflow", keras.backend.backend()
    namespace = {"torch": torch, "F": F, "tf": tf, "keras": keras}
    rng = np.random.default_rng(20240611)
    records = []

    def add(function, case, anchor, kwargs, **extra):
        framework = FRAMEWORKS[anchor.split(".")[0]]
        names = dict(kwargs)
        if framework == "torch":
            names = {
                k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v
                for k, v in kwargs.items()
            }
            if "autograd" in anchor:
                names["logits"].requires_grad_()
        expected = eval(anchor, namespace, names)  # the anchor is this script's own text
        expected = np.asarray(expected.numpy() if hasattr(expected, "numpy") else expected)
        kw = {k: encode(v) for k, v in kwargs.items()}
        floats = {v["dtype"] for v in kw.values() if isinstance(v, dict) and "float" in v["dtype"]}
        assert floats == {str(expected.dtype)}, (function, case, floats, expected.dtype)
        records.append(
            {
                "function": function,
                "case": case,
                "anchor": anchor,
                "framework": framework,
                "kwargs": kw,
                "expected": encode(expected),
                **extra,
            }
        )

    for dtype in ("float32", "float64"):
        t0, t1 = THRESHOLDS[dtype]

        def arr(a, dtype=dtype):
            return np.asarray(a, dtype)

        def dist(shape, alpha=1.0, dtype=dtype):
            return rng.dirichlet(np.full(shape[-1], alpha), size=shape[:-1]).astype(dtype)

        def normal(shape, dtype=dtype):
            return (3 * rng.standard_normal(shape)).astype(dtype)

        logit_sets = {
            "random": normal((4, 5)),
            "extreme": arr([[1e3, 0, -1e3], [-1e3, -1e3, -1e3], [1e3, 1e3, 999], [-1e3, -999, 0]]),
            "overflow": arr([[t0, t1, 0], [-t0, -t1, 0], [t1, t1, -t1], [t0, -t0, 1]]),
            "neg_inf": arr([[-INF, 0, 1], [-INF, -INF, 2], [-INF, 1e3, -1e3]]),
        }
        for case, z in logit_sets.items():
            add("softmax", case, "torch.softmax(z, dim=-1)", {"z": z})
            add("log_softmax", case, "torch.log_softmax(z, dim=-1)", {"z": z})
            add("logsumexp", case, "torch.logsumexp(z, dim=-1)", {"z": z})
            add("softmax", case, "tf.nn.softmax(z, axis=-1)", {"z": z})
            add("logsumexp", case, "tf.math.reduce_logsumexp(z, axis=-1)", {"z": z})
        z = arr([[-INF, -INF, -INF], [-INF, 0, -INF]])
        add("logsumexp", "all_neg_inf", "torch.logsumexp(z, dim=-1)", {"z": z})

        z = arr([0, 1, -1, t0, -t0, t1, -t1, 1e3, -1e3, INF, -INF, *normal(9)])
        add("sigmoid", "mixed", "torch.sigmoid(z)", {"z": z})
        add("log_sigmoid", "mixed", "F.logsigmoid(z)", {"z": z})

        # F.cross_entropy: (N, C) = (6, 4) with index or probability targets.
        z, y, w = normal((6, 4)), rng.integers(0, 4, 6), rng.uniform(0.2, 2, 4).astype(dtype)
        y_ignored = np.where(np.arange(6) % 3 == 1, -100, y)
        z_ext = arr([[1e3, 0, -1e3, 5], [-1e3, -1e3, 0, 0], [t0, t1, 0, -t1], [-t1, t0, -t0, 0]])
        y_ext = np.array([2, 0, 0, 3])
        z_inf = arr([[-INF, 0, 1, 2], [0, -INF, -INF, 1e3]])  # -inf is never the target
        z3, y3 = normal((3, 4, 5)), rng.integers(0, 4, (3, 5))
        y3[0, 1] = y3[2, 4] = -100
        cross_entropy_cases = [
            ("plain", z, y, {}),
            ("weight", z, y, {"weight": w}),
            ("ignored", z, y_ignored, {}),
            ("weight_ignored", z, y_ignored, {"weight": w}),
            ("ignore_index_2", z, y, {"weight": w, "ignore_index": 2}),
            ("smoothing", z, y, {"label_smoothing": 0.1}),
            ("smoothing_weight_ignored", z, y_ignored, {"weight": w, "label_smoothing": 0.2}),
            ("extreme", z_ext, y_ext, {}),
            ("extreme_weight_smoothing", z_ext, y_ext, {"weight": w, "label_smoothing": 0.1}),
            ("neg_inf", z_inf, np.array([1, 3]), {}),
            ("prob_targets", z, dist((6, 4)), {}),
            (
                "prob_targets_weight_smoothing",
                z,
                dist((6, 4), 0.3),
                {"weight": w, "label_smoothing": 0.1},
            ),
            ("single_sample", z[0], np.array(y[0]), {"weight": w}),
            ("single_sample_prob", z[1], dist((4,)), {}),
            ("kdim", z3, y3, {}),
            ("kdim_weight_smoothing", z3, y3, {"weight": w, "label_smoothing": 0.1}),
            ("kdim_prob_targets", z3, np.moveaxis(dist((3, 5, 4)), -1, 1), {"weight": w}),
        ]
        for case, logits, target, options in cross_entropy_cases:
            for reduction in ("none", "sum", "mean"):
                opts = {**options, "reduction": reduction}
                add(
                    "cross_entropy_loss",
                    f"{case}_{reduction}",
                    call("F.cross_entropy(logits, target", opts),
                    {"logits": logits, "target": target, **opts},
                )
        add(
            "cross_entropy_loss",
            "all_ignored_mean",
            "F.cross_entropy(logits, target)",
            {"logits": z[:3], "target": np.full(3, -100)},
        )

        # F.binary_cross_entropy_with_logits: (N, L) = (6, 3).
        x = normal((6, 3))
        x[:2] = [[1e3, -1e3, 0], [t0, -t1, t1]]
        target = rng.integers(0, 2, (6, 3)).astype(dtype)
        target[:3] = [[0, 1, 1], [1, 0, 1], rng.uniform(0, 1, 3)]
        weight, pos_weight = rng.uniform(0.2, 2, (6, 3)).astype(dtype), arr([0.5, 2, 4])
        for case, options in [
            ("plain", {}),
            ("weight", {"weight": weight}),
            ("weight_row", {"weight": weight[0]}),
            ("pos_weight", {"pos_weight": pos_weight}),
            ("weight_pos_weight", {"weight": weight, "pos_weight": pos_weight}),
        ]:
            for reduction in ("none", "sum", "mean"):
                opts = {**options, "reduction": reduction}
                add(
                    "binary_cross_entropy_with_logits",
                    f"{case}_{reduction}",
                    call("F.binary_cross_entropy_with_logits(logits, target", opts),
                    {"logits": x, "target": target, **opts},
                )

        # F.binary_cross_entropy: interior probabilities, then the boundary where torch
        # clamps each log at -100 and we return inf.
        yb = arr([*rng.integers(0, 2, 8), *rng.uniform(0, 1, 4)])
        pb = arr([1e-6, 1 - 1e-6, *rng.uniform(0.001, 0.999, 10)])
        anchor = "F.binary_cross_entropy(q, y, reduction='none')"
        add("binary_cross_entropy", "interior", anchor, {"y": yb, "q": pb})
        add(
            "binary_cross_entropy",
            "boundary",
            anchor,
            {"y": arr([1, 0, 0, 1, 1, 0.5]), "q": arr([0, 1, 0, 1, 0.5, 0.25])},
            documented_difference="torch clamps log(0) at -100: 100 there, inf ours",
        )

        # kl_div(input, target) is KL(target || exp(input)): the arguments swap round.
        p, q = dist((5, 4)), dist((5, 4))
        p[3] = [0.5, 0.5, 0, 0]  # p_k = 0 adds nothing
        p[4], q[4] = [0.5, 0.5, 0, 0], [0.5, 0, 0.25, 0.25]  # q_k = 0 < p_k: inf
        # No p_k = q_k = 0: torch computes 0 * log(0) - 0 * log(0) = NaN there.
        add(
            "kl_divergence",
            "mixed",
            "F.kl_div(q.log(), p, reduction='none').sum(-1)",
            {"p": p, "q": q},
        )

        labels = dist((5, 4))
        labels[0] = [0, 1, 0, 0]
        z_ext = arr([[1e3, 0, -1e3, 1], [t1, t0, 0, -t1], [-1e3] * 4, [t1, t1, -t0, 2], [0] * 4])
        for case, logits in [("random", normal((5, 4))), ("extreme", z_ext)]:
            add(
                "softmax_cross_entropy_grad",
                case,
                "torch.autograd.grad(F.cross_entropy(logits, labels, reduction='sum'), logits)[0]",
                {"labels": labels, "logits": logits},
            )

        # tf.nn losses. No -inf logits: tf forms 0 * (-inf) = NaN where a label is 0.
        for case, logits in list(logit_sets.items())[:3]:
            n, c = logits.shape
            labels = dist((n, c), 0.5)
            labels[0] = np.eye(c)[-1]
            add(
                "softmax_cross_entropy_with_logits",
                case,
                "tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)",
                {"labels": labels, "logits": logits},
            )
            add(
                "sparse_softmax_cross_entropy_with_logits",
                case,
                "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)",
                {"labels": rng.integers(0, c, n).astype(np.int32), "logits": logits},
            )
            labels = rng.integers(0, 2, (n, c)).astype(dtype)
            labels[-1] = rng.uniform(0, 1, c)
            add(
                "sigmoid_cross_entropy_with_logits",
                case,
                "tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)",
                {"labels": labels, "logits": logits},
            )
        add(
            "sparse_softmax_cross_entropy_with_logits",
            "batch_2d",
            "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)",
            {"labels": rng.integers(0, 4, (2, 3)), "logits": normal((2, 3, 4))},
        )

        # keras.losses.categorical_crossentropy renormalises and clips probabilities.
        y_true = dist((5, 4), 0.5)
        y_true[0] = [0, 0, 1, 0]
        probs = dist((5, 4))
        keras_cases = [
            ("probs", probs, False),
            ("unnormalised", probs * rng.uniform(0.5, 2, (5, 1)).astype(dtype), False),
            (
                "zero_one",
                arr([[1, 0, 0, 0], [0, 1, 0, 0], [0.5, 0.5, 0, 0], [0, 0, 0, 1], [0.25] * 4]),
                False,
            ),
            ("logits", normal((5, 4)), True),
            ("extreme_logits", z_ext, True),
        ]
        for case, y_pred, from_logits in keras_cases:
            for smoothing in (0.0, 0.1):
                opts = {"from_logits": from_logits, "label_smoothing": smoothing}
                add(
                    "categorical_crossentropy",
                    f"{case}_smoothing{smoothing}",
                    call("keras.losses.categorical_crossentropy(y_true, y_pred", opts),
                    {"y_true": y_true, "y_pred": y_pred, **opts},
                )
        # Class axis 1, unsmoothed: Keras smooths with the last axis's size whatever the axis.
        y_true = np.moveaxis(dist((2, 3, 4), 0.5), -1, 1)
        for case, y_pred, from_logits in [
            ("axis1_probs", np.moveaxis(dist((2, 3, 4)), -1, 1), False),
            ("axis1_logits", normal((2, 4, 3)), True),
        ]:
            opts = {"from_logits": from_logits, "axis": 1}
            add(
                "categorical_crossentropy",
                case,
                call("keras.losses.categorical_crossentropy(y_true, y_pred", opts),
                {"y_true": y_true, "y_pred": np.ascontiguousarray(y_pred), **opts},
            )

    ids = [(r["framework"], r["function"], r["case"], r["expected"]["dtype"]) for r in records]
    assert len(set(ids)) == len(ids), "duplicate record ids"
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
    }
    OUT.write_text(json.dumps({"versions": versions, "records": records}) + "\n")
    print(f"wrote {len(records)} records to {OUT} ({OUT.stat().st_size} bytes); {versions}")


if __name__ == "__main__":
    main()
