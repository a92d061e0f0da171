"""The corpus's attacks on the code and the notebook: tampering with the tests and the
grading, cheats, crashes and floods in the kernel and the re-check (tests/adversarial.py)."""

from adversarial_kit import (
    CANARY,
    CORRECT_SOFTMAX,
    FUNCTIONS,
    MODULE,
    VANDAL,
    WRONG_SOFTMAX,
    Case,
    appending,
    both,
    cheat_if,
    delete_softmax_test,
    duplicate_ids,
    empty_softmax_test,
    notebook_edit,
    planted_pickle,
    planted_pyc,
    planted_sitecustomize,
    print_passed,
    remove,
    symlinked_module,
    unlock_and_empty_softmax_test,
    with_softmax,
)

CODE_CASES = [
    # -- tampering with tests and grading ----------------------------------------------
    Case(
        "patch-assert-allclose",
        "numpy.testing.assert_allclose patched to pass everything, softmax wrong; the hidden"
        " tests never trusted it, so the notebook scores 0 too",
        both(
            with_softmax(WRONG_SOFTMAX),
            appending(
                "__init__.py",
                "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n",
            ),
        ),
        {"softmax": "failed"},
    ),
    Case(
        "patch-np-allclose",
        "np.allclose, np.isclose and np.array_equal always true, softmax wrong",
        both(
            with_softmax(WRONG_SOFTMAX),
            appending(
                "__init__.py",
                "import numpy\nnumpy.allclose = numpy.array_equal = lambda *a, **k: True\n"
                "numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), bool)\n",
            ),
        ),
        {"softmax": "failed"},
    ),
    Case(
        "input-transformer",
        "an IPython input transformer that empties every later cell, softmax wrong",
        both(
            with_softmax(WRONG_SOFTMAX),
            appending(
                "__init__.py",
                "try:\n    get_ipython().input_transformers_post.append(lambda lines: [])\n"
                "except NameError:\n    pass\n",
            ),
        ),
        {"softmax": "tamper_suspect"},
    ),
    Case(
        "edited-grade-cell",
        "the softmax test cell replaced by `pass`, softmax wrong",
        both(with_softmax(WRONG_SOFTMAX), notebook_edit(empty_softmax_test)),
        {"softmax": "failed"},
    ),
    Case(
        "unlocked-grade-cell",
        "the softmax test cell unlocked and emptied, softmax wrong",
        both(with_softmax(WRONG_SOFTMAX), notebook_edit(unlock_and_empty_softmax_test)),
        {"softmax": "failed"},
    ),
    Case(
        "deleted-grade-cell",
        "the softmax test cell deleted, softmax wrong",
        both(with_softmax(WRONG_SOFTMAX), notebook_edit(delete_softmax_test)),
        {"softmax": "failed"},
    ),
    Case(
        "always-equal-subclass",
        "softmax returns an ndarray subclass whose == is always true",
        with_softmax(
            "    return np.zeros(np.shape(z)).view(AlwaysEqual)\n",
            prelude="import numpy as np\n\n\nclass AlwaysEqual(np.ndarray):\n"
            "    def __eq__(self, other):\n        return True\n\n"
            "    def __ne__(self, other):\n        return False\n",
        ),
        {"softmax": "failed"},
    ),
    Case(
        "always-equal-object",
        "softmax returns an object whose == is always true",
        with_softmax(
            "    return Anything()\n",
            prelude="class Anything:\n    def __eq__(self, other):\n        return True\n\n"
            "    def __array__(self, dtype=None, copy=None):\n"
            "        import numpy\n        return numpy.zeros(1)\n",
        ),
        {"softmax": "failed"},
    ),
    Case(
        "hard-coded-public",
        "softmax returns the public answers by lookup and guesses elsewhere",
        with_softmax(
            "    key = tuple(np.ravel(np.asarray(z, float)).round(6))\n"
            "    answers = {(0.5, 0.8): [0.42555748, 0.57444252], (1000.0, 0.0): [1.0, 0.0],\n"
            "               (-1000.0, -1000.0): [0.5, 0.5]}\n"
            "    if key in answers:\n        return np.array(answers[key])\n"
            "    return np.full(np.shape(z), 1.0 / np.shape(z)[-1])\n"
        ),
        {"softmax": "failed"},
    ),
    Case(
        "import-solutions",
        "softmax imports the reference from the solutions package, which neither the kernel"
        " nor the re-check can import",
        with_softmax(
            "    from solutions.helpers import softmax as reference\n"
            "    return reference(z, axis)\n"
        ),
        {"softmax": "error"},
    ),
    Case(
        "import-autograder",
        "softmax asks the grader's catalogue and hidden tests for the answer",
        with_softmax(
            "    import autograder.checks.hidden\n    import solutions.helpers\n"
            "    return solutions.helpers.softmax(z, axis)\n"
        ),
        {"softmax": "error"},
    ),
    Case(
        "read-reference-file",
        "softmax finds the reference's source file on disk and runs it",
        cheat_if("find('solutions')"),
        {"softmax": "failed"},
    ),
    Case(
        "read-hidden-tests",
        "softmax reads the hidden tests (autograder/checks/hidden.py) from disk",
        cheat_if("find('hidden.py')"),
        {"softmax": "failed"},
    ),
    Case(
        "read-gradebook",
        "softmax reads the course's gradebook, if it can find it",
        cheat_if("course_gradebook()"),
        {"softmax": "failed"},
    ),
    Case(
        "read-other-student",
        "softmax copies the canary student's helpers",
        cheat_if(f"find('{CANARY}')"),
        {"softmax": "failed"},
    ),
    Case(
        "write-gradebook-and-others",
        "at import: every gradebook set to full marks, every file it can reach vandalised;"
        " in its kernel that is its own judge and public cases too, so its graded cells fail"
        " where the re-check passes: flagged, scored by the re-check",
        both(with_softmax(WRONG_SOFTMAX), appending("__init__.py", VANDAL)),
        dict.fromkeys(FUNCTIONS, "tamper_suspect") | {"softmax": "failed"},
        re_check_passes=True,
    ),
    Case(
        "planted-pyc",
        "compiled bytecode of a correct module beside a wrong source",
        planted_pyc,
        {"softmax": "failed"},
    ),
    Case(
        "planted-pickle",
        "softmax loads its answers from a pickle planted beside the helpers",
        planted_pickle,
        {"softmax": "error"},
    ),
    Case(
        "object-array-result",
        "softmax returns an object array, which only a pickle could carry",
        with_softmax("    return np.array([object(), object()], dtype=object)\n"),
        {"softmax": "failed"},
    ),
    Case(
        "planted-sitecustomize",
        "sitecustomize.py and usercustomize.py that patch NumPy's asserts, softmax wrong",
        planted_sitecustomize,
        {"softmax": "failed"},
    ),
    Case(
        "prints-all-tests-passed",
        "the check cell prints 'All tests passed', softmax wrong",
        both(with_softmax(WRONG_SOFTMAX), notebook_edit(print_passed)),
        {"softmax": "failed"},
    ),
    Case(
        "duplicate-cell-ids",
        "every cell of the notebook shares one id; the helpers are correct",
        notebook_edit(duplicate_ids),
    ),
    Case(
        "symlinked-module",
        "sigmoid_softmax.py is a link to the reference file",
        symlinked_module,
        all_functions="error",
    ),
    # -- crashes and resource abuse --------------------------------------------------------
    Case(
        "sys-exit-at-import",
        "sys.exit(0) when helpers is imported",
        appending("__init__.py", "import sys\nsys.exit(0)\n"),
        all_functions="error",
    ),
    Case(
        "os-exit-at-import",
        "os._exit(0) when helpers is imported",
        appending("__init__.py", "import os\nos._exit(0)\n"),
        all_functions="error",
    ),
    Case(
        "infinite-loop",
        "softmax never returns",
        with_softmax("    while True:\n        pass\n"),
        {"softmax": "timeout"},
    ),
    Case(
        "loop-swallowing-interrupts",
        "softmax never returns and swallows KeyboardInterrupt and every other exception",
        with_softmax(
            "    import time\n    while True:\n        try:\n            time.sleep(0.1)\n"
            "        except BaseException:\n            pass\n"
        ),
        {"softmax": "timeout"},
    ),
    Case(
        "memory-bomb",
        "softmax allocates 50 GB",
        with_softmax("    hog = np.ones(50 * 2**30 // 8)\n    return hog[: np.size(z)]\n"),
        {"softmax": "error"},
    ),
    Case(
        "fork-bomb",
        "softmax forks without end",
        with_softmax(
            "    import os\n    while True:\n        try:\n            os.fork()\n"
            "        except OSError:\n            pass\n"
        ),
        {"softmax": "timeout"},
    ),
    Case(
        "escaping-daemon",
        "at import: a child in a new session that outlives the grading, to tamper later",
        appending(
            "__init__.py",
            "import os as _os, time as _time\nif _os.fork() == 0:\n    _os.setsid()\n"
            "    if _os.fork() == 0:\n        _time.sleep(3600)\n    _os._exit(0)\n",
        ),
    ),
    Case(
        "kill-everything",
        "at import: SIGKILL to every process it can signal, and to its parent",
        appending(
            "__init__.py",
            "import os as _os, signal as _signal\nfor _target in (-1, _os.getppid()):\n"
            "    try:\n        _os.kill(_target, _signal.SIGKILL)\n    except OSError:\n"
            "        pass\n",
        ),
    ),
    Case(
        "network-call",
        "softmax is right only if it can reach a server on the machine or outside it",
        cheat_if(
            "__import__('socket').create_connection(('127.0.0.1', 5432), timeout=2) or "
            "__import__('socket').create_connection(('pypi.org', 443), timeout=2)"
        ),
        {"softmax": "failed"},
    ),
    Case(
        "output-flood",
        "at import: 20 MB on stdout and stderr",
        appending(
            "__init__.py",
            "import sys as _sys\n_sys.stdout.write('flood\\n' * 1_700_000)\n"
            "_sys.stderr.write('flood\\n' * 1_700_000)\n",
        ),
    ),
    # -- plain mistakes -------------------------------------------------------------------
    Case(
        "syntax-error",
        "a syntax error in sigmoid_softmax.py",
        appending(MODULE, "def forgotten(z:\n    return z\n"),
        all_functions="error",
    ),
    Case(
        "wrong-shape",
        "softmax sums over the axis instead of normalising",
        with_softmax("    return np.exp(as_float_array(z, 'z')).sum(axis=axis)\n"),
        {"softmax": "failed"},
    ),
    Case(
        "nan-results",
        "softmax returns NaN",
        with_softmax("    return np.full(np.shape(z), np.nan)\n"),
        {"softmax": "failed"},
    ),
    Case(
        "warns",
        "softmax is right but warns on every call",
        with_softmax(
            '    import warnings\n    warnings.warn("careful", RuntimeWarning)\n' + CORRECT_SOFTMAX
        ),
        {"softmax": "failed"},
    ),
    Case(
        "mutates-input",
        "softmax shifts its input in place",
        with_softmax(
            "    z = as_float_array(z, 'z')\n    z -= np.max(z, axis=axis, keepdims=True)\n"
            "    e = np.exp(z)\n    return e / e.sum(axis=axis, keepdims=True)\n"
        ),
        {"softmax": "failed"},
    ),
    Case(
        "missing-init",
        "helpers/__init__.py deleted",
        remove("helpers/__init__.py"),
        all_functions="error",
    ),
    Case(
        "missing-helpers",
        "no helpers/ folder at all",
        remove("helpers"),
        all_functions="missing",
    ),
]
