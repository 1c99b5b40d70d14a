"""Writing validated parameter values into a query's text as typed, escaped SPARQL terms.

pyoxigraph's ``substitutions`` are slow on this store (the perf benchmarks measure it), so a query's
parameters are written as one ``VALUES`` row at the head of its outer ``WHERE`` group instead. The
values are never pasted as they came: each is first a pyoxigraph term (``NamedNode`` refuses any
character an IRI may not hold) and is written in its N-Triples form, which escapes quotes,
backslashes and line breaks. A parameter left out stays unbound, as with substitutions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph

# ("iri", value) or ("literal", lexical, datatype_or_None, lang_or_None): see dti_kg.server.results.
Value = tuple

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def term(value: Value) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    """The pyoxigraph term of a value; ValueError when it is malformed or not a valid IRI."""
    if value[0] == "iri" and len(value) == 2:
        return pyoxigraph.NamedNode(value[1])
    if value[0] == "literal" and len(value) == 4:
        _, lexical, datatype, lang = value
        if lang:
            return pyoxigraph.Literal(lexical, language=lang)
        if datatype:
            return pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(datatype))
        return pyoxigraph.Literal(lexical)
    raise ValueError(f"a value is ('iri', value) or ('literal', lexical, datatype, lang), not {value!r}")


def _outer_where(query: str) -> re.Match[str]:
    """The first ``WHERE {`` outside a comment line."""
    for match in _WHERE.finditer(query):
        line_start = query.rfind("\n", 0, match.start()) + 1
        if "#" not in query[line_start : match.start()]:
            return match
    raise ValueError("the query has no WHERE { … } group to bind parameters in")


def inline(query: str, values: Mapping[str, Value]) -> str:
    """``query`` with ``values`` bound by a ``VALUES`` row at the head of its outer WHERE group."""
    if not values:
        return query
    names = sorted(values)
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"{name!r} is not a SPARQL variable name")
    row = " ".join(str(term(values[name])) for name in names)
    clause = f"\n  VALUES ({' '.join('?' + name for name in names)}) {{ ({row}) }}"
    where = _outer_where(query)
    return query[: where.end()] + clause + query[where.end() :]
