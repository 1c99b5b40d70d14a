"""rdflib nodes as the terms they are.

rdflib types what a graph returns as ``Node``, which declares no order; every node it actually returns
is an ``Identifier`` (URIRef, BNode or Literal), which rdflib orders by kind, then by text (literals by
value). :func:`term` recovers that type, so ``sorted(..., key=term)`` is rdflib's own order, checked.
"""

from __future__ import annotations

from rdflib.term import Identifier, Node


def term(node: Node) -> Identifier:
    """``node`` as an ``Identifier``; a graph formula or other non-term is a programming error."""
    if not isinstance(node, Identifier):
        raise TypeError(f"not an RDF term: {node!r}")
    return node
