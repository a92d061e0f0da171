"""The trusted re-check reads what its sandboxed child wrote as hostile data (issue 11).

First on a folder where a real child (child.run_call) recorded an honest call of softmax,
then each file it wrote was replaced by a hostile one: every such file is refused with a
message, never followed, never waited on, never loaded whole. Then end to end: recheck()
on helpers whose softmax plants each artefact itself from inside the sandboxed child
(tests/adversarial.py), which costs that function only, or the lesson for import.json.
"""

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import adversarial
import numpy as np
import pytest
from adversarial_kernel import PLANTS
from adversarial_kit import FUNCTIONS

from autograder.grading.demo import reference_helpers, working_copy
from autograder.sandbox import child, trusted
from autograder.sandbox.child import Unreadable
from autograder.sandbox.printable import TRUNCATED
from solutions import helpers as reference
from solutions.helpers.checking import TIME_LIMIT, time_limit

pytestmark = [pytest.mark.slow, pytest.mark.sandbox]

# Seconds after which a read that waits (on a pipe, say) fails the test instead of hanging it.
NO_HANG = 10


@pytest.fixture
def job(tmp_path):
    """(folder, calls): the child's folder after an honest first call of softmax."""
    for sub in ("in", "out"):
        (tmp_path / sub).mkdir()
    calls = trusted.plan(["softmax"], seed=0)
    encoded = trusted.encode_calls(tmp_path, calls)
    child.run_call(reference.softmax, 0, encoded[0], tmp_path)
    child.write_json(tmp_path / "out" / "import.json", {"ok": True, "detail": "helpers"})
    return tmp_path, calls


def refusal(name, reason):
    """The pattern of the message refusing file `name` for `reason`."""
    return f"^{re.escape(name)} .*{re.escape(reason)}"


def honest_record(folder):
    return json.loads((folder / "out" / "0.json").read_text())


def test_an_honest_record_reads_back(job):
    folder, calls = job
    done = trusted.read_record(folder, 0, calls[0][1])
    assert np.array_equal(done.result, reference.softmax(*calls[0][1].args))
    assert (done.error, done.warnings, done.mutated) == (None, (), False)
    assert trusted.import_problem(folder, FUNCTIONS, "finished") is None


def edited(change):
    """An attack that rewrites the honest record with change(record)."""

    def attack(path, record):
        change(record)
        path.write_text(json.dumps(record))

    return attack


def valid_copy(path, record):
    """A copy of the honest record outside out/: what a link would point at."""
    copy = path.parent.parent / "copy.json"
    copy.write_text(json.dumps(record))
    return copy


RECORD_ATTACKS = {
    "not JSON": (lambda path, record: path.write_text("{not json"), "is not JSON"),
    "a JSON list": (lambda path, record: path.write_text("[]"), "$ is a list"),
    "a named pipe": (lambda path, record: os.mkfifo(path), "not a regular file"),
    "a directory": (lambda path, record: path.mkdir(), "not a regular file"),
    "a link to a valid record": (
        lambda path, record: path.symlink_to(valid_copy(path, record)),
        "not a regular file",
    ),
    "a hard link": (lambda path, record: os.link(valid_copy(path, record), path), "hard link"),
    "over 1 MiB": (lambda path, record: path.write_text(" " * 2**20 + "{}"), "over 1 MiB"),
    "nested past the stack": (
        lambda path, record: path.write_text("[" * 100_000 + "]" * 100_000),
        "is not JSON",
    ),
    "a 300 kB message": (
        edited(lambda r: r.update(error={"kinds": ["ValueError"], "message": "x" * 300_000})),
        "$.error.message breaks the rule maxLength",
    ),
    "a path out of out/": (
        edited(lambda r: r.update(result={"npy": "../in/0_0.npy", "scalar": False})),
        "$.result.npy breaks the rule pattern",
    ),
    "a field of its own": (edited(lambda r: r.update(score=1)), "does not fit the record"),
    "fewer inputs than the call had": (edited(lambda r: r.update(inputs=[])), "holds 0 inputs"),
    "a skip with no reason": (
        lambda path, record: path.write_text('{"skipped": true}'),
        "says the call was skipped",
    ),
}


@pytest.mark.parametrize("attack", RECORD_ATTACKS)
def test_a_hostile_record_is_refused_with_a_reason(job, attack):
    folder, calls = job
    plant, reason = RECORD_ATTACKS[attack]
    path, record = folder / "out" / "0.json", honest_record(folder)
    path.unlink()
    plant(path, record)
    with time_limit(NO_HANG), pytest.raises(Unreadable, match=refusal("0.json", reason)):
        trusted.read_record(folder, 0, calls[0][1])
    outcome = trusted.judge_recorded(folder, calls, "softmax")
    assert outcome.status == "error"
    assert outcome.message.startswith("the re-check's record for softmax was malformed: 0.json")


def write_header(header):
    def plant(path):
        with path.open("wb") as f:
            np.lib.format.write_array_header_1_0(f, header)

    return plant


def truncated(path):
    path.write_bytes(path.read_bytes()[:-8])


def padded(path):
    path.write_bytes(path.read_bytes() + b"\0" * 8)


def linked(path):
    copy = path.parent.parent / "copy.npy"
    path.rename(copy)
    path.symlink_to(copy)


ARRAY_ATTACKS = {
    "8 TiB declared": (
        write_header({"descr": "<f8", "fortran_order": False, "shape": (2**40,)}),
        "declares 8,388,608 MiB of data, over 64 MiB",
    ),
    "2**40 empty items declared": (
        write_header({"descr": "|V0", "fortran_order": False, "shape": (2**40,)}),
        "over 64 MiB",
    ),
    "a negative shape": (
        write_header({"descr": "<f8", "fortran_order": False, "shape": (-2, -4)}),
        "a shape out of bounds",
    ),
    "an empty shape of 2**70 columns": (
        write_header({"descr": "<f8", "fortran_order": False, "shape": (0, 2**70)}),
        "a shape out of bounds",
    ),
    "Python objects": (
        lambda path: np.save(path, np.array([0.5, None], dtype=object), allow_pickle=True),
        "holds Python objects",
    ),
    "shorter than its header says": (truncated, "not the size its header declares"),
    "longer than its header says": (padded, "not the size its header declares"),
    "not .npy": (lambda path: path.write_bytes(b"NOTNUMPY" * 20), "no valid .npy header"),
    "a link to a valid array": (linked, "not a regular file"),
    "a named pipe": (lambda path: (path.unlink(), os.mkfifo(path)), "not a regular file"),
}


@pytest.mark.parametrize("attack", ARRAY_ATTACKS)
def test_a_hostile_array_is_refused_before_its_data_is_read(job, attack):
    folder, calls = job
    plant, reason = ARRAY_ATTACKS[attack]
    plant(folder / "out" / "0_result.npy")
    with time_limit(NO_HANG), pytest.raises(Unreadable, match=refusal("0_result.npy", reason)):
        trusted.read_record(folder, 0, calls[0][1])


IMPORT_ATTACKS = {
    "not JSON": (lambda path: path.write_text("helpers imported fine"), "is not JSON"),
    "a JSON list": (lambda path: path.write_text("[true]"), "$ is a list"),
    "a named pipe": (os.mkfifo, "not a regular file"),
    "a link": (lambda path: path.symlink_to("/etc/passwd"), "not a regular file"),
    "a detail of 300 kB": (
        lambda path: path.write_text(json.dumps({"ok": False, "detail": "x" * 300_000})),
        "$.detail breaks the rule maxLength",
    ),
}


@pytest.mark.parametrize("attack", IMPORT_ATTACKS)
def test_a_hostile_import_record_is_every_function_s_error(job, attack):
    folder, _ = job
    plant, reason = IMPORT_ATTACKS[attack]
    (folder / "out" / "import.json").unlink()
    plant(folder / "out" / "import.json")
    with time_limit(NO_HANG):
        outcomes = trusted.import_problem(folder, FUNCTIONS, "finished")
    assert {o.status for o in outcomes.values()} == {"error"}
    message = outcomes["softmax"].message
    assert message.startswith("the re-check's record of importing helpers was malformed")
    assert reason in message


# -- end to end: the learner's softmax plants each artefact from inside the child ------------


@pytest.fixture
def temp_folder(monkeypatch):
    """A temporary folder the sandbox's user may enter, for the re-check's job folders."""
    trusted.zygote()  # started before, so that its own folder is elsewhere
    folder = Path(tempfile.mkdtemp(prefix="course-records-test-"))
    folder.chmod(0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder)


def recheck_case(name, tmp_path, **options):
    case = next(case for case in adversarial.CASES if case.name == name)
    working_copy(tmp_path / name, reference_helpers())
    case.build(tmp_path / name)
    with time_limit(120):  # a re-check that hangs fails the test instead
        return trusted.recheck(tmp_path / name / "helpers", FUNCTIONS, seed=0, **options)


@pytest.mark.parametrize("name", PLANTS)
def test_a_planted_artefact_costs_its_function_only(name, tmp_path, temp_folder):
    outcomes = recheck_case(name, tmp_path)
    broken = FUNCTIONS if name.startswith("import") else ("softmax",)
    found = {function: outcome.status for function, outcome in outcomes.items()}
    assert found == {f: "error" if f in broken else "passed" for f in FUNCTIONS}
    assert "malformed" in outcomes["softmax"].message
    assert list(temp_folder.iterdir()) == [], "the child's folder outlived the re-check"


def test_a_300_kb_exception_message_is_cut_to_a_readable_one(tmp_path, temp_folder):
    outcome = recheck_case("raises-300-kb-message", tmp_path)["softmax"]
    assert outcome.status == "error"
    assert outcome.message.startswith("softmax([0.5, 0.8]) raised ValueError: overflow")
    # Cut as every report cuts (sandbox.printable), so the CSVs and the summary agree.
    assert len(outcome.message) == trusted.MAX_MESSAGE
    assert outcome.message.endswith(TRUNCATED)


def test_a_function_that_leaks_every_descriptor_still_gets_its_record(tmp_path, temp_folder):
    outcomes = recheck_case("leaks-every-file-descriptor", tmp_path)
    assert {name: outcome.status for name, outcome in outcomes.items()} == dict.fromkeys(
        FUNCTIONS, "passed"
    )


def test_a_folder_too_deep_for_rmtree_is_still_removed(tmp_path, temp_folder):
    outcomes = recheck_case("out-folder-5000-deep", tmp_path)
    assert {outcome.status for outcome in outcomes.values()} == {"passed"}
    assert list(temp_folder.iterdir()) == []


def test_faked_progress_ends_at_the_wall_clock_budget(tmp_path, temp_folder):
    outcomes = recheck_case("fakes-progress-forever", tmp_path, budget=6)
    found = {function: outcome.status for function, outcome in outcomes.items()}
    after = FUNCTIONS[FUNCTIONS.index("softmax") :]  # the child works in the module's order
    assert found == {f: "timeout" if f in after else "passed" for f in FUNCTIONS}
    expected = f"the re-check of this submission ran out of its 6 s before {after[-1]} was judged"
    assert outcomes[after[-1]].message == expected
    assert list(temp_folder.iterdir()) == []


def test_a_swallowed_alarm_is_stopped_soon_after_the_last_record(tmp_path, temp_folder):
    """A softmax that swallows its alarm writes no record; the child is stopped once out/
    has been quiet for as long as a call may take, not at a coarser check later (it was
    40 s: two 20 s waits). The bound is generous; what it rules out is a second wait."""
    start = time.monotonic()
    outcomes = recheck_case("loop-swallowing-interrupts", tmp_path)
    elapsed = time.monotonic() - start
    found = {function: outcome.status for function, outcome in outcomes.items()}
    assert found == {f: "timeout" if f == "softmax" else "passed" for f in FUNCTIONS}
    assert elapsed < TIME_LIMIT + trusted.STALL_MARGIN + trusted.STARTUP, elapsed
    assert list(temp_folder.iterdir()) == []
