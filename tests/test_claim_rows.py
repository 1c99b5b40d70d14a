"""A release's claim rows (diff.claims_of) read in parts give the rows of the one GROUP BY query.

Regression (session 11): at 10,000 articles the one query took 35 s and ~370 MB, the release phase's
peak; over the whole store the rows are now joined in Python from five streamed queries.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from dti_kg import diff
from dti_kg.namespaces import DTI

PROV_GENERATED = pyoxigraph.NamedNode("http://www.w3.org/ns/prov#wasGeneratedBy")
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _one_query(opened: pyoxigraph.Store) -> list[diff.ClaimRow]:
    """The rows as the one query gives them (what claims_of returned before)."""
    rows = [diff.solution_row(claim, row) for claim, row in diff.claim_solutions(opened, diff.CLAIMS_QUERY)]
    return sorted(rows, key=diff._order)


def _node(term: object) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(str(term))


def test_rows_in_parts_equal_the_one_query_on_built_stores(seed_store: Path, bundled_store: Path) -> None:
    for link in (seed_store, bundled_store):
        opened = pyoxigraph.Store.read_only(str(link / "oxigraph"))
        rows = diff.claims_of(opened)
        assert len(rows) > 20, link
        assert rows == _one_query(opened), link


def test_rows_in_parts_keep_every_group_of_the_query(seed_store: Path) -> None:
    """The cases a GROUP BY keeps apart: a claim made by a review decision, a claim with two statuses
    (two rows), a claim without evidence (no quote), a claim stated in two graphs (one row)."""
    opened = pyoxigraph.Store.read_only(str(seed_store / "oxigraph"))
    store = pyoxigraph.Store()
    store.extend(opened.quads_for_pattern(None, None, None, None))
    claims = sorted(r.claim for r in diff.claims_of(opened))
    reviewed, two_statuses, no_evidence, twice = (pyoxigraph.NamedNode(c) for c in claims[:4])
    graph = pyoxigraph.NamedNode("https://example.org/graph/extra")
    decision = pyoxigraph.NamedNode("https://example.org/decision/1")
    store.add(pyoxigraph.Quad(reviewed, PROV_GENERATED, decision, graph))
    store.add(pyoxigraph.Quad(decision, RDF_TYPE, _node(DTI.ReviewDecision), graph))
    check = pyoxigraph.NamedNode(f"{two_statuses.value}/reconciliation")
    store.add(pyoxigraph.Quad(check, _node(DTI.status), _node(DTI.Unverifiable), graph))
    store.add(pyoxigraph.Quad(check, _node(DTI.status), _node(DTI.Confirmed), graph))
    for quad in list(store.quads_for_pattern(no_evidence, _node(DTI.evidence), None, None)):
        store.remove(quad)
    for quad in list(store.quads_for_pattern(twice, None, None, None)):
        store.add(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, graph))

    rows = diff.claims_of(store)
    assert rows == _one_query(store)
    picked = (reviewed, two_statuses, no_evidence, twice)
    by_claim = {c: [r for r in rows if r.claim == c.value] for c in picked}
    assert [r.reviewed for r in by_claim[reviewed]] == [True]
    assert len(by_claim[two_statuses]) == 2
    assert [r.quote for r in by_claim[no_evidence]] == [""]
    assert len(by_claim[twice]) == 1
