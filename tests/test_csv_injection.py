"""CSV from `screengraph --csv` cannot smuggle spreadsheet formulas (the web's CSV: cells.test.js)."""

from __future__ import annotations

import csv
import io

import pytest

from screengraph.graph.backend import Results
from screengraph.graph.result_text import csv_cell
from screengraph.output import emit


@pytest.mark.parametrize(
    "text, expected",
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        ("The Bureau", "The Bureau"),
    ],
)
def test_csv_cell(text, expected):
    assert csv_cell(text) == expected


def test_every_csv_cell_and_header_is_neutralised(capsys):
    node = {"label": "Show", "key": "x", "properties": {"title": "=1+1"}}
    emit(Results(["=col", "n"], [[node, "@me"], ["-3", {"label": "x", "properties": 1}]]), "csv")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [
        ["'=col", "n"],
        ["'=1+1 (Show)", "'@me"],
        ["'-3", '{"label": "x", "properties": 1}'],
    ]
