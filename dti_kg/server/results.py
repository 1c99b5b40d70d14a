"""Running the pages' own queries through the executor and decoding what comes back.

Every page query goes to :func:`executor` (only ``/sparql`` answers a query whose shape bounds its
cost in the web process: dti_kg.server.bounded).
SELECT results are asked for as SPARQL JSON and decoded into :class:`Term` rows; graphs as N-Triples
and parsed with rdflib.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, g
from rdflib import Graph

from dti_kg.server.bindings import inline
from dti_kg.server.executor import EXECUTOR_KEY, Executor

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
XSD = "http://www.w3.org/2001/XMLSchema#"

Substitution = tuple[str, ...] | tuple[str, str, str | None, str | None]


@dataclass(frozen=True)
class Term:
    """One RDF term of a result row: ``kind`` is "uri", "literal" or "bnode"."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    def number(self) -> float | None:
        """The numeric value of an xsd number literal, else None (for charts and sorting)."""
        if self.kind != "literal" or not self.datatype or not self.datatype.startswith(XSD):
            return None
        try:
            return float(self.value)
        except ValueError:
            return None

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Table:
    """A decoded SELECT result."""

    columns: list[str]
    rows: list[dict[str, Term]]
    truncated: bool
    build_id: str


def executor() -> Executor:
    """This web process's query executor."""
    return current_app.extensions[EXECUTOR_KEY]


def pinned_build() -> str | None:
    """The build of the release this request pinned (``?release=``, ``Accept-Datetime``), else None."""
    return g.get("release_build")


def iri(value: str) -> tuple[str, str]:
    return ("iri", value)


def literal(
    lexical: str, datatype: str | None = None, lang: str | None = None
) -> tuple[str, str, str | None, str | None]:
    return ("literal", lexical, datatype, lang)


def sparql_json_bindings(body: bytes) -> tuple[list[str], list[dict[str, dict[str, str]]]]:
    """The columns and the raw bindings of a SPARQL JSON result (each cell ``{"type", "value", ...}``)."""
    data = json.loads(body)
    return list(data.get("head", {}).get("vars", [])), data.get("results", {}).get("bindings", [])


def term_kind(cell: dict[str, str]) -> str:
    """A SPARQL JSON cell's kind as Term has it: "uri", "literal" (typed-literal too) or "bnode"."""
    return "literal" if cell["type"] in {"literal", "typed-literal"} else cell["type"]


def decode_rows(bindings: list[dict[str, dict[str, str]]]) -> list[dict[str, Term]]:
    return [
        {
            var: Term(term_kind(t), t["value"], t.get("datatype"), t.get("xml:lang"))
            for var, t in binding.items()
        }
        for binding in bindings
    ]


def decode_sparql_json(body: bytes) -> tuple[list[str], list[dict[str, Term]]]:
    columns, bindings = sparql_json_bindings(body)
    return columns, decode_rows(bindings)


def select(query: str, substitutions: Mapping[str, tuple] | None = None) -> Table:
    """Run a SELECT through the executor and decode it; ``substitutions`` are written into its text."""
    result = executor().run(inline(query, substitutions or {}), accept=SPARQL_JSON, build=pinned_build())
    columns, rows = decode_sparql_json(result.body)
    return Table(columns, rows, bool(result.truncated), result.build_id)


def construct(query: str, substitutions: Mapping[str, tuple] | None = None) -> tuple[Graph, bool, str]:
    """Run a CONSTRUCT through the executor: the triples (rdflib Graph), truncation flag, build id."""
    result = executor().run(inline(query, substitutions or {}), accept=N_TRIPLES, build=pinned_build())
    graph = Graph()
    graph.parse(data=result.body.decode("utf-8"), format="nt")
    return graph, bool(result.truncated), result.build_id
