"""Deterministic text dumps of RDF: sorted N-Quads, TriG and Turtle.

Every function accepts the same inputs (:data:`RdfSource`):

- a ``pyoxigraph.Store`` (all its quads, every graph);
- an ``rdflib.Dataset`` (all its quads; rdflib's default graph is written as the default graph);
- an ``rdflib.Graph`` (its triples, in the named graph given by its identifier when that is an IRI,
  else in the default graph) — e.g. what :func:`dti_kg.graph.extraction_graph` returns;
- any iterable of ``pyoxigraph.Quad``, or of rdflib tuples ``(s, p, o, graph)`` / ``(s, p, o)`` where
  ``graph`` is an IRI, a Graph, or None for the default graph.

Inputs that are not already a pyoxigraph Store are first loaded into an in-memory Store, which
canonicalises literals exactly as the on-disk store does ("1.000"^^xsd:decimal -> "1", "+08" -> "8",
language tags lower-cased, "+00:00" -> "Z"). Identical content therefore gives identical bytes whether it
comes from rdflib objects or from the store. Output is sorted: N-Quads line by line; Turtle/TriG by graph,
subject, predicate (rdf:type first) and object. Prefixes are those of :data:`dti_kg.namespaces.PREFIXES`.
"""

from __future__ import annotations

import heapq
import itertools
import mmap
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import IO, Union

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from dti_kg.errors import InputError
from dti_kg.namespaces import PREFIXES, RDF, XSD

RdfSource = Union[ox.Store, Graph, Iterable[ox.Quad], Iterable[tuple[Node, ...]]]  # noqa: UP007

_RDF_TYPE = str(RDF.type)
# Prefixed names are only used where the local part is unambiguous in every Turtle parser.
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_TURTLE_SHORTHAND = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.boolean): re.compile(r"true|false"),
}
_INDENT = "    "


# --- converting inputs ------------------------------------------------------------------------


def _ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as exc:
        raise InputError(f"cannot serialise RDF term {term!r}: {exc}") from None
    raise InputError(f"cannot serialise RDF term of type {type(term).__name__}: {term!r}")


def _ox_quad(s: Node, p: Node, o: Node, g: object) -> ox.Quad:
    subject, predicate = _ox_term(s), _ox_term(p)
    if isinstance(subject, ox.Literal):
        raise InputError(f"cannot serialise a literal as a subject: {s!r}")
    if not isinstance(predicate, ox.NamedNode):
        raise InputError(f"cannot serialise {p!r} as a predicate (an IRI is needed)")
    return ox.Quad(subject, predicate, _ox_term(o), _ox_graph_name(g))


def _ox_graph_name(name: object) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    if isinstance(name, Graph):
        name = name.identifier
    if name is None or name == DATASET_DEFAULT_GRAPH_ID or isinstance(name, ox.DefaultGraph):
        return ox.DefaultGraph()
    if isinstance(name, ox.NamedNode | ox.BlankNode):
        return name
    try:
        if isinstance(name, URIRef):
            return ox.NamedNode(str(name))
        if isinstance(name, BNode):
            return ox.BlankNode(str(name))
    except ValueError as exc:
        raise InputError(f"cannot use {name!r} as a graph name: {exc}") from None
    raise InputError(f"cannot use {name!r} as a graph name")


def _ox_quads(source: RdfSource) -> Iterable[ox.Quad]:
    if isinstance(source, Dataset):
        for s, p, o, g in source.quads((None, None, None, None)):
            yield _ox_quad(s, p, o, g)
        return
    if isinstance(source, Graph):
        name = _ox_graph_name(source.identifier if isinstance(source.identifier, URIRef) else None)
        for s, p, o in source:
            yield _ox_quad(s, p, o, name)
        return
    for item in source:
        if isinstance(item, ox.Quad):
            yield item
        elif isinstance(item, tuple) and len(item) in (3, 4):
            s, p, o, *graph = item
            yield _ox_quad(s, p, o, graph[0] if graph else None)
        else:
            raise InputError(f"expected a quad or a triple, got {item!r}")


def as_quads(triples: Iterable[tuple[Node, Node, Node]], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """rdflib triples (a Graph, or any iterable of them) as pyoxigraph quads in ``graph``."""
    for s, p, o in triples:
        yield _ox_quad(s, p, o, graph)


def canonical_store(source: RdfSource) -> ox.Store:
    """``source`` as a pyoxigraph Store (an in-memory copy unless it already is one)."""
    if isinstance(source, ox.Store):
        return source
    store = ox.Store()
    store.extend(_ox_quads(source))
    return store


# --- N-Quads ----------------------------------------------------------------------------------


def dump_nquads(source: RdfSource) -> str:
    """Canonical N-Quads, one statement a line, lines sorted; identical content gives identical bytes."""
    return "".join(sorted(f"{quad} .\n" for quad in canonical_store(source)))


# --- Turtle and TriG --------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)  # a dump renders the same IRIs (classes, properties, graphs) over and over
def _prefixed(iri: str) -> str | None:
    best: tuple[str, str] | None = None
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if (
            iri.startswith(ns)
            and _LOCAL_NAME.fullmatch(iri[len(ns) :])
            and (best is None or len(ns) > len(best[1]))
        ):
            best = (prefix, ns)
    return f"{best[0]}:{iri[len(best[1]) :]}" if best else None


def _render(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, *, predicate: bool = False) -> str:
    if isinstance(term, ox.NamedNode):
        if predicate and term.value == _RDF_TYPE:
            return "a"
        return _prefixed(term.value) or str(term)
    if isinstance(term, ox.Literal):
        text = str(term)
        datatype = term.datatype.value
        shorthand = _TURTLE_SHORTHAND.get(datatype)
        if shorthand is not None and shorthand.fullmatch(term.value):
            return term.value
        suffix = f"^^<{datatype}>"
        if text.endswith(suffix):
            name = _prefixed(datatype)
            if name:
                return text[: -len(suffix)] + "^^" + name
        return text
    return str(term)


def _statements(quads: Iterable[ox.Quad], indent: str) -> list[str]:
    """Turtle statements, one per subject, in sorted order."""
    by_subject: dict[str, dict[str, set[str]]] = {}
    subject_text: dict[str, str] = {}
    predicate_text: dict[str, str] = {}
    for quad in quads:
        skey, pkey = str(quad.subject), str(quad.predicate)
        subject_text[skey] = _render(quad.subject)
        predicate_text[pkey] = _render(quad.predicate, predicate=True)
        by_subject.setdefault(skey, {}).setdefault(pkey, set()).add(_render(quad.object))
    out = []
    for skey in sorted(by_subject):
        predicates = sorted(by_subject[skey], key=lambda p: (p != f"<{_RDF_TYPE}>", p))
        lines = [
            f"{indent}{_INDENT}{predicate_text[p]} "
            + f",\n{indent}{_INDENT * 2}".join(sorted(by_subject[skey][p]))
            for p in predicates
        ]
        out.append(f"{indent}{subject_text[skey]}\n" + " ;\n".join(lines) + " .\n")
    return out


def prefix_block() -> str:
    """The ``@prefix`` lines every Turtle and TriG dump starts with."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))


def dump_turtle(source: RdfSource) -> str:
    """Turtle of the union of all graphs (Turtle has no named graphs), sorted, with the project prefixes."""
    store = canonical_store(source)
    unique = {str(ox.Quad(q.subject, q.predicate, q.object)): q for q in store}
    return prefix_block() + "\n" + "\n".join(_statements(unique.values(), ""))


def trig_block(name: ox.NamedNode | ox.BlankNode | None, quads: Iterable[ox.Quad]) -> str:
    """One graph of a TriG dump (``name`` None: the default graph), its statements sorted."""
    if name is None:
        return "\n".join(_statements(quads, ""))
    return f"{_render(name)} {{\n" + "\n".join(_statements(quads, _INDENT)) + "}\n"


def write_trig_block(
    name: ox.NamedNode | ox.BlankNode | None, sorted_lines: Iterable[bytes], write: Callable[[bytes], int]
) -> int:
    """Write ``trig_block(name, quads)`` from the graph's N-Quads lines in byte order (each ending in
    a newline), one subject at a time; the bytes written. A large graph (the reconciliation's) is
    never held whole, as quads or as text: lines sorted as bytes are in the order of ``_statements``
    (a subject's text ends at its first space, and ``>`` or a blank node label ends it in both)."""
    indent = "" if name is None else _INDENT
    written = 0 if name is None else write(f"{_render(name)} {{\n".encode())
    first = True
    for _subject, lines in itertools.groupby(sorted_lines, key=lambda line: line[: line.index(b" ")]):
        quads = ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS)
        statement = _statements(quads, indent)[0].encode("utf-8")
        written += write(statement if first else b"\n" + statement)
        first = False
    return written + (0 if name is None else write(b"}\n"))


def patch_trig_block(
    text: mmap.mmap | bytes,
    start: int,
    end: int,
    name: ox.NamedNode,
    quads: Mapping[str, list[ox.Quad]],
    out: IO[bytes],
) -> int:
    """Write the TriG block of named graph ``name`` (``trig_block``'s text, ``text[start:end]``) with
    the statements of some subjects written anew from ``quads`` (by ``str`` of the subject; an empty
    list: the subject has no triples any more); the bytes written. The other statements are copied as
    they are, one at a time (the reconciliation's block is ~100 MB at 10,000 articles: never decoded
    or held whole): the text of ``trig_block`` over the changed graph, without rendering the unchanged
    subjects again (~20 µs a quad). Statements are in subject order, so the fresh ones merge in."""
    header = f"{_render(name)} {{\n".encode()
    body_start, body_end = start + len(header), end - len(b"}\n")

    def kept() -> Iterator[tuple[str, bytes]]:
        pos = body_start
        while pos < body_end:
            # A statement ends with " .\n" and holds no blank line (literals escape \n).
            blank = text.find(b"\n\n", pos, body_end)
            stop = body_end if blank < 0 else blank + 1
            first = bytes(text[pos : text.find(b"\n", pos, stop)])
            key = _statement_subject(first.decode("utf-8"))
            if key not in quads:
                yield key, bytes(text[pos:stop])
            pos = stop + 1

    fresh = sorted((key, _statements(q, _INDENT)[0].encode("utf-8")) for key, q in quads.items() if q)
    written = out.write(header)
    for i, (_key, statement) in enumerate(heapq.merge(kept(), fresh, key=lambda item: item[0])):
        written += out.write(b"\n" + statement if i else statement)
    return written + out.write(b"}\n")


def _statement_subject(first: str) -> str:
    """``str`` of a statement's subject, from the first line of its rendering (an IRI, a prefixed name
    or a blank node)."""
    first = first.strip()
    if first.startswith(("<", "_:")):
        return first
    prefix, local = first.split(":", 1)
    return f"<{PREFIXES[prefix]}{local}>"


def dump_trig(source: RdfSource) -> str:
    """TriG: the default graph first, then each named graph in IRI order, all sorted."""
    store = canonical_store(source)
    graphs: dict[str, list[ox.Quad]] = {}
    names: dict[str, ox.NamedNode | ox.BlankNode] = {}
    for quad in store:
        key = ""
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            key = str(quad.graph_name)
            names[key] = quad.graph_name
        graphs.setdefault(key, []).append(quad)
    parts = [prefix_block()]
    for key in sorted(graphs):
        parts.append(trig_block(names[key] if key else None, graphs[key]))
    return "\n".join(parts)
