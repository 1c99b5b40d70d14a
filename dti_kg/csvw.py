"""CSV on the Web (W3C CSVW) metadata for the tables the project hands out.

A table's metadata names its columns with labels and XSD datatypes, the release it comes from and the
sources behind it, so a CSV downloaded today can be read correctly — and traced — later.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
XSD = "http://www.w3.org/2001/XMLSchema#"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

# SPARQL JSON datatypes -> CSVW base datatypes; a column mixing kinds is a string.
_FROM_XSD = {
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "double": "double",
    "float": "float",
    "boolean": "boolean",
    "date": "date",
    "dateTime": "dateTime",
    "gYear": "gYear",
    "string": "string",
}


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str  # a CSVW base datatype: string, integer, decimal, gYear, anyURI, boolean, date, ...
    title: str = ""
    description: str = ""

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "titles": self.title or self.name,
            "datatype": self.datatype,
        }
        if self.description:
            out["dc:description"] = self.description
        return out


def infer_columns(
    variables: Sequence[str], bindings: Iterable[Mapping[str, Mapping[str, str]]]
) -> list[Column]:
    """Column datatypes from SPARQL JSON bindings: IRIs are anyURI, typed literals their XSD type."""
    seen: dict[str, set[str]] = {v: set() for v in variables}
    for binding in bindings:
        for var, term in binding.items():
            if var not in seen:
                continue
            if term["type"] == "uri":
                seen[var].add("anyURI")
            elif term["type"] == "bnode":
                seen[var].add("string")
            else:
                datatype = term.get("datatype", "")
                seen[var].add(_FROM_XSD.get(datatype.removeprefix(XSD), "string") if datatype else "string")
    return [Column(v, _common(kinds)) for v, kinds in seen.items()]


def _common(kinds: set[str]) -> str:
    """One datatype for a column: ranks (integer) and scores (decimal) together are decimals."""
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds and kinds <= {"integer", "decimal"}:
        return "decimal"
    return "string"


def table_metadata(
    url: str,
    columns: Sequence[Column],
    *,
    title: str,
    description: str = "",
    release: str | None = None,
    release_iri: str | None = None,
    sources: Sequence[str] = (),
    context: bool = True,
) -> dict[str, Any]:
    """CSVW metadata of one table (``url`` relative to the metadata file or absolute); without
    ``context`` for a table inside a table group, which holds the context."""
    meta: dict[str, Any] = {"@context": [CSVW_CONTEXT, {"@language": "en"}]} if context else {}
    meta |= {
        "url": url,
        "dc:title": title,
        "dc:license": {"@id": LICENSE},
        "tableSchema": {"columns": [c.as_json() for c in columns]},
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n", "\n"]},
    }
    if description:
        meta["dc:description"] = description
    if release:
        meta["dc:hasVersion"] = release
    if release_iri:
        meta["prov:wasDerivedFrom"] = {"@id": release_iri}
    if sources:
        meta["dc:source"] = [{"@id": s} for s in sources]
    return meta


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()
