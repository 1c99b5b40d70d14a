"""Canned results as plain tables for pandas and spreadsheets: JSON records with typed numbers, and TSV
with plain values (SPARQL's TSV writes each term in N-Triples form, ``"8"^^<…#integer>``).

Both are made from the SPARQL JSON the worker returns; ``/sparql`` keeps the W3C formats.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from dti_kg.server.results import XSD, decode_sparql_json

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
    """SPARQL JSON -> a JSON list of objects, one per row, every column present (null when unbound)."""
    columns, rows = decode_sparql_json(body)
    out = [
        {c: (plain(t.kind, t.value, t.datatype) if (t := row.get(c)) is not None else None) for c in columns}
        for row in rows
    ]
    return (json.dumps(out, ensure_ascii=False) + "\n").encode("utf-8")


def tsv(body: bytes) -> bytes:
    """SPARQL JSON -> tab-separated plain values with a header of column names (no ``?``, no ``^^<…>``)."""
    columns, rows = decode_sparql_json(body)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[c].value if c in row else "" for c in columns] for row in rows)
    return buffer.getvalue().encode("utf-8")
