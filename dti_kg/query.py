"""The one way dti_kg runs SPARQL on a store (CLI, audit, the server's query workers), and a
plain-text table of results for the command line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph

from dti_kg.errors import InputError
from dti_kg.namespaces import PREFIXES
from dti_kg.sparql_errors import describe

QueryResult = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples
# Predeclared in every query: dti:, skos:, qb:, prov:, ... (dti_kg.namespaces.PREFIXES).
QUERY_PREFIXES: dict[str, str] = {name: str(namespace) for name, namespace in PREFIXES.items()}
Binding = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal


def query_store(
    store: pyoxigraph.Store,
    query: str,
    *,
    substitutions: Mapping[pyoxigraph.Variable, Binding] | None = None,
    default_graphs: Sequence[pyoxigraph.NamedNode] = (),
    named_graphs: Sequence[pyoxigraph.NamedNode] = (),
    base_iri: str | None = None,
    predeclared: bool = True,
) -> QueryResult:
    """Run ``query`` with the common prefixes predeclared (unless ``predeclared`` is False: a query
    without a prefixed name, where passing them would only cost time).

    Without a dataset (``default_graphs``/``named_graphs``, the SPARQL Protocol's default-graph-uri
    and named-graph-uri) the default graph is the union of all named graphs, where the data lives.
    pyoxigraph's errors pass through (SyntaxError for a query that does not parse): each caller words
    them for its own users.
    """
    subs: dict[pyoxigraph.Variable, Binding | pyoxigraph.Triple] | None = (
        dict(substitutions) if substitutions else None
    )
    prefixes = QUERY_PREFIXES if predeclared else None
    if not default_graphs and not named_graphs:
        return store.query(
            query,
            prefixes=prefixes,
            substitutions=subs,
            base_iri=base_iri,
            use_default_graph_as_union=True,
        )
    return store.query(
        query,
        prefixes=prefixes,
        substitutions=subs,
        base_iri=base_iri,
        default_graph=list(default_graphs) or pyoxigraph.DefaultGraph(),
        named_graphs=list(named_graphs) or None,
    )


def run_query(store: pyoxigraph.Store, query: str) -> QueryResult:
    """:func:`query_store` for a person at the command line: a bad query is a one-line InputError."""
    try:
        return query_store(store, query)
    except SyntaxError as exc:
        detail = describe(query, str(exc), QUERY_PREFIXES)
        raise InputError(f"the query is not valid SPARQL: {detail}") from exc


def run_select(store: pyoxigraph.Store, query: str) -> pyoxigraph.QuerySolutions:
    """:func:`run_query` for a SELECT of our own (audit, stats): any other form is a programming error."""
    result = run_query(store, query)
    if not isinstance(result, pyoxigraph.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]!r}")
    return result


def values_by_key(store: pyoxigraph.Store, query: str) -> dict[str, set[str]]:
    """A ``SELECT ?key ?x`` of our own as each key's set of values (texts, see :func:`term_text`):
    one part of a table joined in Python, streamed instead of held in one query's GROUP BY."""
    found: dict[str, set[str]] = {}
    for row in run_select(store, query):
        found.setdefault(term_text(row["key"]), set()).add(term_text(row["x"]))
    return found


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
