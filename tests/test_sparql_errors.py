"""Parse errors as one readable line: pyoxigraph's real messages in, the line users see out."""

from __future__ import annotations

import pyoxigraph
import pytest

from dti_kg.namespaces import PREFIXES
from dti_kg.sparql_errors import describe

PREDECLARED = {name: str(ns) for name, ns in PREFIXES.items()}


def parse_error(query: str) -> str:
    with pytest.raises(SyntaxError) as info:
        pyoxigraph.Store().query(query, prefixes=PREDECLARED)
    return describe(query, str(info.value), PREDECLARED)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "SELECT * WHERE {\n  ?s nope:p ?o }",
            "line 2, column 12, after '?s nope:p': nope: is not declared (add a PREFIX line; predeclared:",
        ),
        (
            "SELECT * { ?s ?p ?o } LIMIT x",
            "line 1, column 29, after 'SELECT * { ?s ?p ?o } LIMIT': expected one of `HAVING` `OFFSET`",
        ),
        (
            "SELECT ?x WHERE { ?x dti:rank ?y . ?x dti:score",
            "line 1, column 48, after '… ?x dti:rank ?y . ?x dti:score': the query ends too early; expected",
        ),
        ("", "line 1, column 1: the query ends too early"),
    ],
)
def test_describe(query: str, expected: str) -> None:
    line = parse_error(query)
    assert line.startswith(expected), line
    assert "\n" not in line and "\\u{" not in line


def test_a_message_without_a_position_is_kept_on_one_line() -> None:
    assert describe("x", "something\n  went   wrong") == "something went wrong"
