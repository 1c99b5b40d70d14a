"""Canned results as plain tables for pandas and spreadsheets: JSON records with typed numbers, and TSV
with plain values (SPARQL's TSV writes each term in N-Triples form, ``"8"^^<…#integer>``).

Both are made from the SPARQL JSON the worker returns; ``/sparql`` keeps the W3C formats.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from dti_kg.server.results import XSD, sparql_json_bindings, term_kind

_INTEGERS = {
    XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    )
}  # fmt: skip
_DECIMALS = {XSD + "decimal", XSD + "double", XSD + "float"}


def plain(kind: str, value: str, datatype: str | None) -> object:
    """A cell as JSON wants it: integers and decimals as numbers, booleans as true/false, else text."""
    try:
        if datatype in _INTEGERS:
            return int(value)
        if datatype in _DECIMALS:
            return float(Decimal(value))
    except ValueError:  # an ill-typed literal stays text rather than failing the whole table
        return value
    if datatype == XSD + "boolean":
        return value in {"true", "1"}
    return "_:" + value if kind == "bnode" else value


def records(body: bytes) -> bytes:
    """SPARQL JSON -> a JSON list of objects, one per row, every column present (null when unbound).

    Read from the parsed cells directly, not through results.Term: at 10,000 rows × 36 columns (the whole
    audit trail) the Term objects took most of 2.7 s."""
    columns, bindings = sparql_json_bindings(body)
    out = [
        {
            c: (
                plain(term_kind(t), t["value"], t.get("datatype"))
                if (t := binding.get(c)) is not None
                else None
            )
            for c in columns
        }
        for binding in bindings
    ]
    return (json.dumps(out, ensure_ascii=False) + "\n").encode("utf-8")


def tsv(body: bytes) -> bytes:
    """SPARQL JSON -> tab-separated plain values with a header of column names (no ``?``, no ``^^<…>``)."""
    columns, bindings = sparql_json_bindings(body)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([b[c]["value"] if c in b else "" for c in columns] for b in bindings)
    return buffer.getvalue().encode("utf-8")
