"""dti_kg.query.query_store: the one SPARQL runner of the CLI, the audit and the server's workers."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pyoxigraph
import pytest

from dti_kg.errors import InputError
from dti_kg.query import query_store, run_query, run_select
from dti_kg.server.worker import OpenStore
from dti_kg.server.worker import run_query as worker_run_query

REPO = Path(__file__).resolve().parent.parent
XSD_INTEGER = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
G1, G2 = "https://example.org/g1", "https://example.org/g2"


@pytest.fixture()
def store() -> pyoxigraph.Store:
    # Two named graphs, nothing in the default graph: as in a built store.
    s = pyoxigraph.Store()
    dti = "https://w3id.org/dti-kg/def#"
    for graph, unit, rank in ((G1, "a", 8), (G2, "b", 9)):
        s.add(
            pyoxigraph.Quad(
                pyoxigraph.NamedNode(f"https://example.org/{unit}"),
                pyoxigraph.NamedNode(dti + "rank"),
                pyoxigraph.Literal(str(rank), datatype=XSD_INTEGER),
                pyoxigraph.NamedNode(graph),
            )
        )
    return s


def _ranks(result: object) -> list[str]:
    assert isinstance(result, pyoxigraph.QuerySolutions)
    return sorted(row["rank"].value for row in result)


def test_prefixes_are_predeclared_and_the_default_graph_is_the_union(store: pyoxigraph.Store) -> None:
    # No PREFIX line: dti: is predeclared; both named graphs are seen without GRAPH.
    assert _ranks(query_store(store, "SELECT ?rank WHERE { ?u dti:rank ?rank }")) == ["8", "9"]


def test_a_protocol_dataset_replaces_the_union(store: pyoxigraph.Store) -> None:
    q = "SELECT ?rank WHERE { ?u dti:rank ?rank }"
    assert _ranks(query_store(store, q, default_graphs=[pyoxigraph.NamedNode(G2)])) == ["9"]
    named = query_store(
        store,
        "SELECT ?rank WHERE { GRAPH ?g { ?u dti:rank ?rank } }",
        named_graphs=[pyoxigraph.NamedNode(G1)],
    )
    assert _ranks(named) == ["8"]
    # Only named graphs given: the default graph is the store's own (empty) one, not the union.
    assert _ranks(query_store(store, q, named_graphs=[pyoxigraph.NamedNode(G1)])) == []


def test_substitutions_bind_variables(store: pyoxigraph.Store) -> None:
    result = query_store(
        store,
        "SELECT ?u ?rank WHERE { ?u dti:rank ?rank }",
        substitutions={pyoxigraph.Variable("u"): pyoxigraph.NamedNode("https://example.org/b")},
    )
    assert _ranks(result) == ["9"]


def test_the_cli_runner_words_a_bad_query_and_select_checks_the_form(store: pyoxigraph.Store) -> None:
    with pytest.raises(InputError, match="not valid SPARQL"):
        run_query(store, "SELECT ?x WHERE {")
    assert _ranks(run_select(store, "SELECT ?rank WHERE { ?u dti:rank ?rank }")) == ["8", "9"]
    with pytest.raises(TypeError, match="not a SELECT"):
        run_select(store, "ASK { ?u dti:rank 8 }")


def test_the_server_worker_runs_queries_the_same_way(sample_store: Path) -> None:
    # A real on-disk store, through the worker's job handler: prefixes predeclared, union default graph.
    job = {
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?p a dti:Province }",
        "accept": "application/sparql-results+json",
        "max_rows": 10,
    }
    out = worker_run_query(job, OpenStore(str(sample_store)))
    [row] = json.loads(out["body"])["results"]["bindings"]
    assert int(row["n"]["value"]) > 0


def test_no_module_queries_a_store_but_through_query_store() -> None:
    # Store.query is called in dti_kg/query.py only, so prefixes and the default graph cannot drift.
    # cube_integrity.py is the exception: it asks the W3C's ASK queries of its own normalised scratch
    # copy (data in the default graph, the specification's prefixes), never of a served store.
    exempt = ("dti_kg/cube_integrity.py:",)
    callers = []
    for path in sorted((REPO / "dti_kg").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "query"
                and not (isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name))
            ):
                callers.append(f"{rel}:{node.lineno}")
    outside = [c for c in callers if not c.startswith(("dti_kg/query.py:", *exempt))]
    assert callers and not outside, (
        f"{outside}: call dti_kg.query.query_store (common prefixes, union default graph) instead"
    )
