"""Running SPARQL on a store for the command line, and a plain-text table of results."""

from __future__ import annotations

import pyoxigraph

from dti_kg.errors import InputError
from dti_kg.namespaces import PREFIXES
from dti_kg.sparql_errors import describe

QueryResult = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples


def run_query(store: pyoxigraph.Store, query: str) -> QueryResult:
    """Query with the common prefixes predeclared and the union of named graphs as default graph."""
    try:
        return store.query(
            query, prefixes={k: str(v) for k, v in PREFIXES.items()}, use_default_graph_as_union=True
        )
    except SyntaxError as exc:
        raise InputError(f"the query is not valid SPARQL: {describe(query, str(exc), PREFIXES)}") from exc


def term_text(term: object) -> str:
    """A cell's text: the IRI, the literal's lexical form, or empty for an unbound variable."""
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def format_table(solutions: pyoxigraph.QuerySolutions) -> str:
    """Results as aligned columns, for reading in a terminal."""
    names = [v.value for v in solutions.variables]
    rows = [[term_text(row[i]) for i in range(len(names))] for row in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
