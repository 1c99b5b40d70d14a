"""A release's claim rows (diff.claims_of, release_zip.claim_rows) read in parts give the rows of
the one GROUP BY query each used to be.

Regression (session 11): at 10,000 articles the two queries took 35 s and 44 s and ~650 MB together,
the release phase's peak; over the whole store the rows are now joined in Python from streamed parts.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from dti_kg import diff, release_zip
from dti_kg.namespaces import DTI

PROV_GENERATED = pyoxigraph.NamedNode("http://www.w3.org/ns/prov#wasGeneratedBy")
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _one_query(opened: pyoxigraph.Store) -> list[diff.ClaimRow]:
    """The rows as the one query gives them (what claims_of returned before)."""
    rows = [diff.solution_row(claim, row) for claim, row in diff.claim_solutions(opened, diff.CLAIMS_QUERY)]
    return sorted(rows, key=diff._order)


def _one_table_query(opened: pyoxigraph.Store) -> list[list[str]]:
    """claims.csv's rows as the one query gives them (what claim_rows returned before), in its order."""
    names = [c.name for c in release_zip.CLAIM_COLUMNS[1:]]
    solutions = diff.claim_solutions(opened, release_zip.CLAIMS_QUERY)
    rows = [[claim, *(release_zip._cell(row[n]) for n in names)] for claim, row in solutions]
    return sorted(rows, key=release_zip._claim_order)


def _node(term: object) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(str(term))


def test_rows_in_parts_equal_the_one_query_on_built_stores(seed_store: Path, bundled_store: Path) -> None:
    for link in (seed_store, bundled_store):
        opened = pyoxigraph.Store.read_only(str(link / "oxigraph"))
        rows = diff.claims_of(opened)
        assert len(rows) > 20, link
        assert rows == _one_query(opened), link
        table = release_zip.claim_rows(opened)
        assert len(table) >= len(rows), link
        assert table == _one_table_query(opened), link


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
    other = pyoxigraph.NamedNode("https://example.org/check/1")  # a check with two official values
    store.add(pyoxigraph.Quad(other, _node(DTI.claim), two_statuses, graph))
    store.add(pyoxigraph.Quad(other, _node(DTI.status), _node(DTI.Contradicted), graph))
    for official in ("10", "9"):
        value = pyoxigraph.Literal(official, datatype=XSD_INTEGER)
        store.add(pyoxigraph.Quad(other, _node(DTI.officialValue), value, graph))
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
    table = release_zip.claim_rows(store)
    assert table == _one_table_query(store)
    contradicted = [r for r in table if r[0] == two_statuses.value and r[9] == "contradicted"]
    assert [r[10] for r in contradicted] == ["9"], "the least official value, compared as numbers"
