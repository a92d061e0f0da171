"""Benchmark the reference helpers against their anchors: time per call and peak extra memory.

What it measures, side by side in one run, on logits of shape (4096, 1000) (normal * 5, fixed
seed) in float32 and float64:

* ``softmax``, ``log_softmax``, ``logsumexp`` (axis -1) against ``scipy.special``;
* ``softmax_cross_entropy_with_logits`` (one-hot and soft labels) and
  ``sparse_softmax_cross_entropy_with_logits`` (integer labels) against
  ``torch.nn.functional.cross_entropy(reduction="none")`` on the CPU, with torch held to one
  thread like NumPy's element-wise loops (rows skipped if torch is missing).

Time: each repeat times a batch of calls of ours, then of the anchor (the order alternating), so
that load from other processes hits both alike; the table shows the median time per call and
the median of the per-repeat ratios ours/anchor, with its interquartile range. Torch tensors
are made with ``torch.from_numpy`` before timing; only the call is timed. On glibc, freed
memory is kept on the heap (mallopt), so that neither side pays for fresh pages by the luck of
what ran before.

Memory: the peak allocated during one call beyond the inputs, in units of the logits' size,
including and excluding the returned array. NumPy and SciPy rows use tracemalloc, which sees
NumPy's buffers; torch's allocator is invisible to it, so torch rows (marked "prof") add up
the allocations and frees of torch's profiler (``profile_memory=True``), else show "n/a".
Memory is measured apart from timing, as both tools slow the calls they watch.

Goals: within 1.5x of SciPy, within 2x of torch, at most two temporaries the size of the input
beyond the output.

Run (about a minute; --quick uses (256, 100) arrays for a smoke run)::

    /work/venv-bench/bin/python benchmarks/bench_reference.py [--repeat N] [--quick]
"""

import argparse
import contextlib
import ctypes
import gc
import os
import statistics
import sys
import time
import tracemalloc

import numpy as np
import scipy
import scipy.special as sp

from solutions.helpers import (
    log_softmax,
    logsumexp,
    softmax,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
)

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

# MEMORY_GOAL counts whole temporaries the size of the input: per-row vectors (4096
# entries beside 4096 x 1000) add about 1/C each and are not counted.
SCIPY_GOAL, TORCH_GOAL, MEMORY_GOAL = 1.5, 2.0, 2.0


def make_cases(shape, dtype, rng):
    """Rows (function, labels, ours, anchor name, anchor, goal, uses torch) on one dtype."""
    n, c = shape
    z = (rng.standard_normal(shape) * 5).astype(dtype)
    y = rng.integers(0, c, n)
    onehot = np.eye(c, dtype=dtype)[y]
    soft = sp.softmax(rng.standard_normal(shape) * 2, axis=-1).astype(dtype)
    against_scipy = [
        ("softmax", "", lambda: softmax(z), "scipy", lambda: sp.softmax(z, axis=-1)),
        ("log_softmax", "", lambda: log_softmax(z), "scipy", lambda: sp.log_softmax(z, axis=-1)),
        ("logsumexp", "", lambda: logsumexp(z), "scipy", lambda: sp.logsumexp(z, axis=-1)),
    ]
    cases = [(*case, SCIPY_GOAL, False) for case in against_scipy]
    if torch is None:
        return cases
    tz = torch.from_numpy(z)

    def torch_ce(target):
        target = torch.from_numpy(target)
        return lambda: F.cross_entropy(tz, target, reduction="none")

    ce, sparse = softmax_cross_entropy_with_logits, sparse_softmax_cross_entropy_with_logits
    torch_cases = [
        (ce.__name__, "one-hot", lambda: ce(onehot, z), torch_ce(onehot)),
        (ce.__name__, "soft", lambda: ce(soft, z), torch_ce(soft)),
        (sparse.__name__, "int64", lambda: sparse(y, z), torch_ce(y)),
    ]
    return cases + [(*case[:3], "torch", case[3], TORCH_GOAL, True) for case in torch_cases]


def as_numpy(out):
    return out.numpy() if torch is not None and isinstance(out, torch.Tensor) else np.asarray(out)


def batch_size(fn, target):
    """Like timeit's autorange: the smallest 1, 2, 5, 10, ... calls that take `target` seconds."""
    number = 1
    while True:
        for k in (1, 2, 5):
            start = time.perf_counter()
            for _ in range(number * k):
                fn()
            if time.perf_counter() - start >= target:
                return number * k
        number *= 10


def time_pair(ours, anchor, repeat, target):
    """Median seconds per call of each, and the quartiles of the per-repeat ratios."""
    fns = (ours, anchor)
    numbers = [batch_size(fn, target) for fn in fns]
    times = ([], [])
    gc.disable()  # as timeit does: a collection would land on one side only
    try:
        for r in range(repeat):
            for i in (0, 1) if r % 2 == 0 else (1, 0):
                start = time.perf_counter()
                for _ in range(numbers[i]):
                    fns[i]()
                times[i].append((time.perf_counter() - start) / numbers[i])
    finally:
        gc.enable()
    ratios = [a / b for a, b in zip(*times, strict=True)]
    quartiles = statistics.quantiles(ratios, n=4) if repeat > 1 else ratios * 3
    return statistics.median(times[0]), statistics.median(times[1]), quartiles


def traced_peak(fn):
    """Peak bytes allocated (as tracemalloc sees them) during one call, and the output's bytes."""
    gc.collect()
    tracemalloc.start()  # the inputs were allocated before: they are not counted
    try:
        out = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, as_numpy(out).nbytes


def steady_allocator():
    """Make glibc keep freed blocks up to 32 MiB on its heap and never trim it.

    Otherwise whether a 16-33 MB block comes back from the heap or as fresh pages from mmap
    depends on what ran before (glibc's dynamic thresholds), and page faults swing a call's time
    up to 3x (torch's float64 cross-entropy: 12 ms or 43 ms): both sides now run warm.
    """
    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(-3, 32 << 20) and libc.mallopt(-1, 1 << 30))  # M_MMAP_, M_TRIM_
    except (OSError, AttributeError):  # not glibc
        return False


@contextlib.contextmanager
def quiet_stderr():
    """Silence file descriptor 2, where Kineto logs every profiler start and stop."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def torch_peak(fn):
    """Peak bytes held by torch's allocator during one call, from the profiler's memory events."""
    activities = [torch.profiler.ProfilerActivity.CPU]
    with quiet_stderr(), torch.profiler.profile(activities=activities, profile_memory=True) as prof:
        out = fn()
    events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"]
    live = peak = 0
    for event in sorted(events, key=lambda e: e.start_ns()):
        live += event.nbytes()  # negative for a free
        peak = max(peak, live)
    return peak, as_numpy(out).nbytes


def memory(fn, uses_torch, size):
    """Peak extra memory (incl, excl the output) in units of `size`, or None if unmeasurable."""
    fn()  # warm-up: lazy initialisation is not part of a call's cost
    try:
        peak, out = (torch_peak if uses_torch else traced_peak)(fn)
    except (AttributeError, RuntimeError):  # a torch without these profiler internals
        return None
    return peak / size, (peak - out) / size


def show_memory(mem, torch_row):
    if mem is None:
        return "n/a"
    return f"{mem[0]:.2f} / {mem[1]:.2f}" + (" prof" if torch_row else "")


def check_agree(ours, anchor, dtype):
    """Guard against timing two different computations."""
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(as_numpy(ours()), as_numpy(anchor()), rtol=rtol, atol=rtol)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, help="timed repeats per row (default 25, quick 5)")
    parser.add_argument("--quick", action="store_true", help="small arrays, for a smoke run")
    args = parser.parse_args()
    shape = (256, 100) if args.quick else (4096, 1000)
    repeat = args.repeat or (5 if args.quick else 25)
    target = 0.005 if args.quick else 0.05  # seconds per timed batch

    threads = "torch not importable"
    if torch is not None:
        torch.set_num_threads(1)  # NumPy's element-wise ufuncs run on one thread
        torch.set_num_interop_threads(1)
        threads = (
            f"torch threads {torch.get_num_threads()}, interop {torch.get_num_interop_threads()}"
        )
    print("# Reference helpers against SciPy and PyTorch\n")
    print(f"- numpy {np.__version__}, scipy {scipy.__version__}, ", end="")
    print(f"torch {torch.__version__ if torch is not None else 'not installed'}")
    print(f"- CPUs: {os.cpu_count()} ({len(os.sched_getaffinity(0))} usable); {threads}")
    print(f"- logits {shape}, normal * 5, seed 0; {repeat} repeats of batches >= {target} s")
    warm = "kept on the heap (mallopt)" if steady_allocator() else "allocator left as it is"
    print(f"- freed memory: {warm}")
    print("- load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if torch is None:
        print("- torch is not importable: the cross-entropy rows are skipped")

    rows = []
    for dtype in (np.float32, np.float64):
        size = np.dtype(dtype).itemsize * shape[0] * shape[1]  # of the logits
        for name, labels, ours, anchor_name, anchor, goal, torch_row in make_cases(
            shape, dtype, np.random.default_rng(0)
        ):
            check_agree(ours, anchor, dtype)
            timing = time_pair(ours, anchor, repeat, target)
            rows.append([f"`{name}`", labels, np.dtype(dtype).name, anchor_name, timing, goal])
            rows[-1] += [memory(ours, False, size), memory(anchor, torch_row, size), torch_row]
    print("- load average at end: {:.2f} {:.2f} {:.2f}\n".format(*os.getloadavg()))

    header = ["function", "labels", "dtype", "anchor", "ours ms", "anchor ms", "ours/anchor (IQR)"]
    header += ["speed goal", "ours mem (incl / excl out)", "anchor mem", "mem goal"]
    table = [header, ["---"] * len(header)]
    for *names, (t_ours, t_anchor, (q1, ratio, q3)), goal, mem_ours, mem_anchor, torch_row in rows:
        table.append([
            *names, f"{t_ours * 1e3:.2f}", f"{t_anchor * 1e3:.2f}",
            f"{ratio:.2f} ({q1:.2f}-{q3:.2f})", f"{'ok' if ratio <= goal else 'MISS'} (<= {goal}x)",
            show_memory(mem_ours, False), show_memory(mem_anchor, torch_row),
            f"{'ok' if int(mem_ours[1]) <= MEMORY_GOAL else 'MISS'} (excl <= {MEMORY_GOAL:g})",
        ])  # fmt: skip
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
    print("\nMemory: peak extra during one call in units of the logits' size, with / without the")
    print("returned array; by tracemalloc, or by torch's profiler where marked 'prof'.")


if __name__ == "__main__":
    main()
