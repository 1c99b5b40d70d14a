"""``dti publish --to URL`` against a real Oxigraph server (PyPI ``oxigraph``) on loopback: afterwards
every canned query returns the same rows there as from ``dti serve``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from publish_helpers import BASE, graph_sizes, publish, release_sizes, releases_seen, same_rows_as_dti_serve
from server_helpers import free_port, http_process, make_store

from dti_kg import store
from dti_kg.publish import graph_ntriples, switch_request
from dti_kg.server.canned import canned_queries

pytestmark = pytest.mark.integration
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """``oxigraph serve`` on a free loopback port, union default graph like ``dti serve``."""
    port = free_port()
    command = [str(OXIGRAPH), "serve", "--location", str(tmp_path / "oxi"), "--bind", f"127.0.0.1:{port}"]
    with http_process(
        [*command, "--union-default-graph"], port, "/query?query=ASK%7B%7D", tmp_path / "oxi.log"
    ) as (
        url,
        _process,
    ):
        yield url


def _publish(store_link: Path, to: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return publish(store_link, to, *extra)


def test_published_graph_answers_every_canned_query_like_dti_serve(
    tmp_path: Path, seed_store: Path, oxigraph: str
) -> None:
    run = _publish(seed_store, oxigraph + "/store")
    assert run.returncode == 0, run.stderr
    info = store.read_build_info(seed_store)
    graphs = {g.value for g in store.open_read_only(seed_store).named_graphs()}
    assert (
        f"published build {info['build_id']} to {oxigraph}/store: no --update-endpoint was given, so "
        f"{len(graphs)} graph(s) were replaced" in run.stdout
    )
    remote = requests.post(
        oxigraph + "/query",
        data="SELECT DISTINCT ?g { GRAPH ?g {} }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    remote_graphs = {b["g"]["value"] for b in remote["results"]["bindings"]}
    assert remote_graphs == graphs | {f"{BASE}id/graph/release"}
    # by_value=False: every term must be identical
    answers, answered = same_rows_as_dti_serve(
        seed_store, oxigraph + "/query", tmp_path / "serve.log", by_value=False
    )
    assert set(answers) == set(canned_queries()), "every example parameter names something in the seed build"
    assert len(answered) >= len(answers) - 3, "choose example parameters that give rows"


def test_with_an_update_endpoint_a_reader_never_sees_two_releases_at_once(
    tmp_path: Path, seed_store: Path, oxigraph: str
) -> None:
    """Switch between two releases while a reader asks for the size of every graph in one query:
    each answer is exactly one release, graphs and manifest, never parts of both."""
    small = make_store(tmp_path / "small")
    releases = {"small": small, "seed": seed_store}
    endpoints = (oxigraph + "/store", "--update-endpoint", oxigraph + "/update")
    run = _publish(seed_store, *endpoints)
    assert run.returncode == 0 and f"one SPARQL Update request to {oxigraph}/update" in run.stdout, run.stdout
    seen = releases_seen(oxigraph + "/query", releases, lambda link: _publish(link, *endpoints), 2)
    assert "mix" not in seen and set(seen) == set(releases), seen
    assert graph_sizes(oxigraph + "/query") == release_sizes(seed_store)


def test_graph_by_graph_a_reader_can_see_two_releases_at_once(
    tmp_path: Path, seed_store: Path, oxigraph: str
) -> None:
    """The same reader does catch the per-graph fallback between releases: it can tell a mix."""
    small = make_store(tmp_path / "small")
    releases = {"small": small, "seed": seed_store}
    seen: list[str] = []

    def per_graph(link: Path) -> subprocess.CompletedProcess[str]:
        return _publish(link, oxigraph + "/store")

    for _ in range(10):  # a switch takes a few PUTs; a reader between two of them is likely, not certain
        seen += releases_seen(oxigraph + "/query", releases, per_graph, 1)
        if "mix" in seen:
            break
    assert "mix" in seen, seen


def test_a_failing_update_request_changes_nothing_on_oxigraph(
    tmp_path: Path, seed_store: Path, oxigraph: str
) -> None:
    """The claim docs/publishing.md makes for Oxigraph: one update request is one transaction. The
    switch request for the seed build, with a last operation that fails, leaves the store as it was."""
    small = make_store(tmp_path / "small")
    assert _publish(small, oxigraph + "/store", "--update-endpoint", oxigraph + "/update").returncode == 0
    before = graph_sizes(oxigraph + "/query")
    source = store.open_read_only(seed_store)
    bodies = {g.value: graph_ntriples(source, g.value) for g in source.named_graphs()}
    request = switch_request(bodies, f"{BASE}id/graph/release", b"", []) + b"; DROP GRAPH <urn:dti:missing>"
    reply = requests.post(
        oxigraph + "/update", data=request, headers={"Content-Type": "application/sparql-update"}, timeout=120
    )
    assert reply.status_code >= 400, reply.text
    assert graph_sizes(oxigraph + "/query") == before


def test_an_update_endpoint_that_refuses_falls_back_to_one_put_per_graph(
    seed_store: Path, oxigraph: str
) -> None:
    run = _publish(seed_store, oxigraph + "/store", "--update-endpoint", oxigraph + "/no-such-endpoint")
    assert run.returncode == 0, run.stderr
    assert "update endpoint refused, falling back to one PUT per graph: POST" in run.stderr
    assert "the update endpoint did not take the release (POST" in run.stdout and "404" in run.stdout
    assert graph_sizes(oxigraph + "/query") == release_sizes(seed_store)


def test_a_second_release_replaces_the_first_and_removes_stale_graphs(
    tmp_path: Path, seed_store: Path, oxigraph: str
) -> None:
    assert _publish(seed_store, oxigraph + "/store").returncode == 0
    small = make_store(tmp_path / "small")  # the small TriG fixture: other graphs than the seed build
    run = _publish(small, oxigraph + "/store")
    assert run.returncode == 0, run.stderr
    old = {g.value for g in store.open_read_only(seed_store).named_graphs()}
    new = {g.value for g in store.open_read_only(small).named_graphs()}
    assert f"{len(old - new)} stale graph(s) of the previous release deleted" in run.stdout
    assert f"(replacing build {store.read_build_info(seed_store)['build_id']})" in run.stdout
    count = requests.get(
        oxigraph + "/query",
        params={
            "query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } FILTER(?g != <"
            + BASE
            + "id/graph/release>) }"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == len(store.open_read_only(small))


def test_an_unreachable_target_is_one_line(seed_store: Path, tmp_path: Path) -> None:
    run = _publish(seed_store, f"http://127.0.0.1:{free_port()}/store")
    assert run.returncode == 2
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("error: GET http://127.0.0.1:") and "cannot reach the store" in line
