"""The request path under load: the build stamp is read once per build, /healthz stays outside query
admission, and a burst of 32 clients on a canned query is queued and answered, not refused."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph
import pytest
import requests
from server_helpers import BASE, app_over, dti_serve, fixture_quads, make_store

from dti_kg import store
from dti_kg.server.caching import current_stamp
from dti_kg.server.errors import StoreUnavailable

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CLIENTS = 32


def _second_build(link: Path) -> None:
    extra = pyoxigraph.Quad(
        pyoxigraph.NamedNode(BASE + "id/x"), pyoxigraph.NamedNode(BASE + "id/p"), pyoxigraph.Literal("1")
    )
    make_store(link, [*fixture_quads(), extra], note="second")


def test_build_json_is_parsed_once_per_build_and_a_switch_is_noticed(tmp_path: Path) -> None:
    link = make_store(tmp_path / "store")
    first = current_stamp(link)
    assert first.quads == 123
    info_file = store.current_build_dir(link) / store.BUILD_INFO
    before = info_file.stat()
    # Same inode, same mtime, different content: a parse per request would see "tampered".
    info_file.write_text(json.dumps({"build_id": "tampered", "quads": 1}), encoding="utf-8")
    os.utime(info_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert current_stamp(link) == first
    _second_build(link)
    second = current_stamp(link)
    assert second.build_id != first.build_id and second.quads == 124


def test_a_missing_store_is_503_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="no store"):
        current_stamp(tmp_path / "none")


def test_healthz_answers_while_every_query_worker_is_busy(tmp_path: Path) -> None:
    link = make_store(tmp_path / "store")
    with app_over(link, QUERY_TIMEOUT=3) as app:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200  # no query worker started for it
        busy = threading.Thread(target=lambda: client.get("/sparql", query_string={"query": SLOW}))
        busy.start()
        time.sleep(0.5)
        started = time.monotonic()
        health = client.get("/healthz")
        elapsed = time.monotonic() - started
        busy.join(timeout=30)
    assert health.status_code == 200 and health.json["quads"] == 123
    assert elapsed < 1.0, f"/healthz waited {elapsed:.2f} s behind a query"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("admission")
    link = make_store(tmp / "store")
    # The default web processes (serve.py), each with its two query workers started on first use.
    with dti_serve(link, {"QUERY_WORKERS": "2"}, tmp / "serve.log", workers=2) as (url, _process):
        yield url


def test_32_clients_on_a_canned_query_are_queued_and_answered_not_refused(server: str) -> None:
    url = server + "/queries/edition-top"

    def client(_: int) -> list[int]:
        with requests.Session() as session:
            return [
                session.get(url, params={"format": "json", "year": "2022"}, timeout=60).status_code
                for _ in range(4)
            ]

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [s for batch in pool.map(client, range(CLIENTS)) for s in batch]
    assert statuses.count(200) == len(statuses), {s: statuses.count(s) for s in set(statuses)}
