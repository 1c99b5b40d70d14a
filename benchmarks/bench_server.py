"""Throughput of a simple SELECT through `dti serve` against pyoxigraph in-process (not run by pytest).

    .venv/bin/python benchmarks/bench_server.py [--seconds 5] [--clients 4]

Baseline: the same query on ``pyoxigraph.Store.read_only`` in this process, results serialized to
SPARQL JSON. Measured: the same query over HTTP (requests, keep-alive) through gunicorn, the guard,
the worker pipe and our serializer; and a repeated query answered 304 from its ETag. Prints queries/s
and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from server_helpers import dti_serve, make_store

from dti_kg import store as dti_store

QUERY = """PREFIX dti: <https://w3id.org/dti-kg/def#>
SELECT ?province ?rank WHERE { ?o dti:province ?province ; dti:rank ?rank } ORDER BY ?rank"""


def rate(seconds: float, clients: int, make_call: Callable[[], Callable[[], None]]) -> float:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def loop(i: int) -> None:
        call = make_call()
        while time.monotonic() < stop:
            call()
            done[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        link = make_store(Path(tmp) / "store")
        oxi = dti_store.open_read_only(link)

        def direct() -> Callable[[], None]:
            def call() -> None:
                oxi.query(QUERY, use_default_graph_as_union=True).serialize(
                    format=pyoxigraph.QueryResultsFormat.JSON
                )

            return call

        baseline = rate(args.seconds, args.clients, direct)
        with dti_serve(link, {"QUERY_WORKERS": "2"}, Path(tmp) / "serve.log") as (url, _):

            def http(conditional: bool) -> Callable[[], Callable[[], None]]:
                def make() -> Callable[[], None]:
                    session = requests.Session()
                    etag = session.get(url + "/sparql", params={"query": QUERY}).headers["ETag"]
                    headers = {"If-None-Match": etag} if conditional else {}

                    def call() -> None:
                        r = session.get(url + "/sparql", params={"query": QUERY}, headers=headers)
                        assert r.status_code == (304 if conditional else 200), r.status_code

                    return call

                return make

            served = rate(args.seconds, args.clients, http(False))
            revalidated = rate(args.seconds, args.clients, http(True))
    print(f"clients={args.clients} seconds={args.seconds:g}")
    print(f"baseline  pyoxigraph in-process   {baseline:9.1f} q/s   1.00")
    print(f"server    GET /sparql (200)       {served:9.1f} q/s   {served / baseline:.3f}")
    print(f"server    GET /sparql (304 ETag)  {revalidated:9.1f} q/s   {revalidated / baseline:.3f}")


if __name__ == "__main__":
    main()
