"""The executor's worker processes: deadline kill and replacement, memory cap, queue bound, store switch."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from server_helpers import BASE, fixture_quads, make_store

from dti_kg.server import errors
from dti_kg.server.executor import Executor, running
from dti_kg.server.settings import load_settings

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# Sorting a 123^3-row cross product of concatenated strings needs far more than 200 MB.
HUNGRY = """SELECT (MAX(?x) AS ?m) WHERE { { SELECT (CONCAT(STR(?a), STR(?c), STR(?f), STR(?i)) AS ?x)
WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?x } }"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store_link(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("executor") / "store")


@pytest.fixture
def executor(store_link: Path, request: pytest.FixtureRequest) -> Iterator[Executor]:
    overrides: Mapping[str, Any] = getattr(request, "param", {})
    settings = load_settings({"STORE": str(store_link), "QUERY_TIMEOUT": 1, "QUERY_WORKERS": 1, **overrides})
    with running(settings) as ex:
        yield ex


def count(ex: Executor) -> int:
    return int(json.loads(ex.run(COUNT).body)["results"]["bindings"][0]["n"]["value"])


def test_a_query_past_the_deadline_is_killed_and_its_worker_replaced(executor: Executor) -> None:
    assert count(executor) == 123
    [before] = executor.worker_pids()
    started = time.monotonic()
    with pytest.raises(errors.QueryTimeout) as info:
        executor.run(SLOW)
    assert 1.0 <= time.monotonic() - started < 5
    assert info.value.status == 503 and info.value.headers == {"Retry-After": "1"}
    [after] = executor.worker_pids()
    assert after != before and executor.replaced == 1
    assert count(executor) == 123  # the new worker answers


@pytest.mark.parametrize("executor", [{"WORKER_MEMORY_MB": 200, "QUERY_TIMEOUT": 30}], indirect=True)
def test_the_memory_cap_stops_a_hungry_query_not_the_server(executor: Executor) -> None:
    with pytest.raises(errors.WorkerFailed, match="memory"):
        executor.run(HUNGRY)
    assert executor.replaced == 1
    assert count(executor) == 123


@pytest.mark.parametrize("executor", [{"QUEUE_SIZE": 1, "QUEUE_WAIT": 5}], indirect=True)
def test_a_full_queue_answers_overloaded_at_once(executor: Executor) -> None:
    outcomes: list[str] = []

    def slow() -> None:
        try:
            executor.run(SLOW)
        except errors.ApiError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=slow) for _ in range(2)]  # one runs, one waits
    for t in threads:
        t.start()
        time.sleep(0.2)
    started = time.monotonic()
    with pytest.raises(errors.Overloaded):
        executor.run(COUNT)
    assert time.monotonic() - started < 0.5
    for t in threads:
        t.join(timeout=30)
    assert outcomes == ["QueryTimeout", "QueryTimeout"]


def test_workers_follow_the_store_to_a_new_build(executor: Executor, tmp_path: Path) -> None:
    link = make_store(tmp_path / "store")
    with running(load_settings({"STORE": str(link), "QUERY_WORKERS": 1})) as ex:
        first = ex.run(COUNT)
        extra = pyoxigraph.Quad(
            pyoxigraph.NamedNode(BASE + "id/x"), pyoxigraph.NamedNode(BASE + "id/p"), pyoxigraph.Literal("1")
        )
        make_store(link, [*fixture_quads(), extra], note="second")
        second = ex.run(COUNT)
        assert first.build_id != second.build_id
        assert json.loads(second.body)["results"]["bindings"][0]["n"]["value"] == "124"


def test_substitutions_are_bound_not_pasted(executor: Executor) -> None:
    query = """PREFIX dti: <https://w3id.org/dti-kg/def#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?p ?code ?label WHERE { ?p dti:gsoCode ?code ; skos:prefLabel ?label }"""
    found = executor.run(
        query,
        substitutions={"code": ("literal", "48", None, None), "label": ("literal", "Đà Nẵng", None, "vi")},
    )
    rows = json.loads(found.body)["results"]["bindings"]
    assert [r["p"]["value"] for r in rows] == [BASE + "id/province/da-nang"]
    hostile = executor.run(query, substitutions={"code": ("literal", '48" } UNION { ?p ?x ?y', None, None)})
    assert json.loads(hostile.body)["results"]["bindings"] == []
    with pytest.raises(errors.QueryRejected):
        executor.run(query, substitutions={"p": ("iri", "not an iri with spaces")})
    with pytest.raises(errors.QueryRejected, match="projection"):
        executor.run("SELECT ?s WHERE { ?s ?p ?o }", substitutions={"o": ("literal", "1", None, None)})
    assert executor.replaced == 0  # rejected in the worker, which lives on


def test_graph_and_boolean_results(executor: Executor) -> None:
    ask = executor.run(f"ASK {{ <{BASE}id/province/da-nang> ?p ?o }}", accept="text/csv")
    assert (ask.media_type, ask.rows, ask.truncated) == ("text/csv", None, False)
    graph = executor.run(f"DESCRIBE <{BASE}id/province/da-nang>", accept="text/turtle, */*;q=0.1")
    assert graph.media_type == "text/turtle" and graph.rows == 10
    with pytest.raises(errors.NotAcceptable):
        executor.run(f"DESCRIBE <{BASE}id/province/da-nang>", accept="text/csv")


def test_a_missing_store_is_503(tmp_path: Path) -> None:
    with (
        running(load_settings({"STORE": str(tmp_path / "none"), "QUERY_WORKERS": 1})) as ex,
        pytest.raises(errors.StoreUnavailable, match="no store"),
    ):
        ex.run(COUNT)
