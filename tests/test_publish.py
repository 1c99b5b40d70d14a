"""``dti publish --to URL`` against a real Oxigraph server (PyPI ``oxigraph``) on loopback: afterwards
every canned query returns the same rows there as from ``dti serve``."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from server_helpers import dti_serve, free_port, http_process, make_store

from dti_kg import store
from dti_kg.server.canned import canned_queries

pytestmark = pytest.mark.integration
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
DTI = Path(sys.executable).with_name("dti")
BASE = "https://w3id.org/dti-kg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
# One example per parameter, as a client of /queries would send it.
EXAMPLES = {
    "province": "province/thai-nguyen",
    "year": "2021",
    "unit": "province/thai-nguyen-2025",
    "a": "province/thai-nguyen",
    "b": "province/ben-tre",
    "cohort": "63",
    "limit": "10",
}


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


def _publish(store_link: Path, to: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DTI), "publish", "--to", to, "--store", str(store_link)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _rows(results: dict) -> Counter:
    return Counter(
        tuple(
            sorted(
                (k, v["type"], v["value"], v.get("datatype", ""), v.get("xml:lang", "")) for k, v in b.items()
            )
        )
        for b in results["results"]["bindings"]
    )


def _term(kind: str, value: str) -> str:
    """A parameter as the canned endpoint binds it: an IRI under the base, else an xsd:integer."""
    if kind == "iri":
        return f"<{BASE}id/{value}>"
    return f'"{value}"^^<{XSD}integer>'


def test_published_graph_answers_every_canned_query_like_dti_serve(
    tmp_path: Path, seed_store: Path, oxigraph: str
) -> None:
    run = _publish(seed_store, oxigraph + "/store")
    assert run.returncode == 0, run.stderr
    info = store.read_build_info(seed_store)
    graphs = {g.value for g in store.open_read_only(seed_store).named_graphs()}
    assert (
        f"published build {info['build_id']} to {oxigraph}/store: {len(graphs)} graph(s) replaced"
        in run.stdout
    )
    remote = requests.post(
        oxigraph + "/query",
        data="SELECT DISTINCT ?g { GRAPH ?g {} }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    remote_graphs = {b["g"]["value"] for b in remote["results"]["bindings"]}
    assert remote_graphs == graphs | {f"{BASE}id/graph/release"}
    answered = 0  # canned queries with rows for the example parameters (the rest compare empty)
    with dti_serve(seed_store, {"QUERY_TIMEOUT": "30"}, tmp_path / "serve.log") as (url, _process):
        for name, query in sorted(canned_queries().items()):
            params = {p.name: EXAMPLES[p.name] for p in query.params if p.required or p.name in EXAMPLES}
            ours = requests.get(f"{url}/queries/{name}.srj", params=params, timeout=60)
            assert ours.status_code == 200, (name, ours.text)
            kinds = {p.name: p.type for p in query.params}
            # The remote store has no substitutions: bind each parameter with a BIND at the start
            # of every SELECT's group (subqueries included), which is what substituting it does.
            binds = "".join(f" BIND({_term(kinds[k], v)} AS ?{k})" for k, v in sorted(params.items()))
            text = re.sub(r"(\bSELECT\b[^{]*?\{)", lambda m, b=binds: m.group(1) + b, query.text, flags=re.I)
            theirs = requests.post(
                oxigraph + "/query",
                data=text.encode(),
                headers={
                    "Content-Type": "application/sparql-query",
                    "Accept": "application/sparql-results+json",
                },
                timeout=60,
            )
            assert theirs.status_code == 200, (name, theirs.text)
            assert _rows(theirs.json()) == _rows(ours.json()), name
            answered += bool(_rows(ours.json()))

    assert answered >= len(canned_queries()) - 3, "choose example parameters that give rows"


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
    assert line.startswith("error: GET http://127.0.0.1:") and "cannot reach the Graph Store" in line
