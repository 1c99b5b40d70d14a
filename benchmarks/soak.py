"""Soak test: 32 clients against a real `dti serve` over the bundled graph for a while.

    .venv/bin/python benchmarks/soak.py [--seconds 300] [--clients 32] [--json report.json]

Each client loops over a mix of requests: canned queries with parameters, ad-hoc SPARQL (GET, POST
form, POST body; SELECT, ASK, CONSTRUCT), dereferences of minted IRIs (303 then HTML or Turtle), and a
few hostile requests (the query shapes that crashed workers, an update, an oversized body). It
reports requests by outcome, p50/p99 latency per kind, and the resident memory of the whole server
(gunicorn processes and query workers) over time.

Expected outcomes: 2xx/3xx/304; 400/403/413 for the hostile requests; 503 with Retry-After when
the queue is full or a query hits its deadline (load shedding: 32 clients against 2 query workers
and a queue of 8). Anything else — a 500, a 503 that says a worker died, a 4xx on a valid request,
a connection error — is unexpected. (A kept-alive connection closed by gunicorn just as it is
reused is retried once, like a browser does, and counted as ``keepalive_retries``.)
Exit status 1 if there is any unexpected outcome or if memory
after warm-up grows by more than 25 %.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from server_helpers import dti_serve

from dti_kg.build import build_store

# How a connection closed by gunicorn's keep-alive timeout just as the client reuses it shows up.
KEEPALIVE_RACE = ("without response", "Connection reset by peer")
MEMORY_GROWTH_LIMIT = 1.25  # end of run / end of warm-up
WARM_UP_SHARE = 0.25  # of the run

CANNED = [
    "/queries/province-trajectory.json?province=province/thai-nguyen",
    "/queries/edition-top.json?year=2024&cohort=34&limit=10",
    "/queries/edition-top.csv?year=2021&cohort=63&limit=5",
    "/queries/claims-about.json?province=province/thai-nguyen&year=2021",
    "/queries/disagreeing-claims.json",
    "/queries/conflicts.json?province=province/ben-tre",
    "/queries/agency-editions.json",
    "/queries/unit-history.json?unit=province/thai-nguyen-2025",
    "/queries/pillar-comparison.json?year=2022&a=province/ha-noi&b=province/da-nang",
]
SPARQL = [
    "SELECT ?p ?r WHERE { ?c dti:province ?p ; dti:rank ?r } ORDER BY ?r LIMIT 20",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ASK { ?s a dti:Claim }",
    "CONSTRUCT { ?e ?p ?o } WHERE { ?e a dti:Edition ; ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
]
PREFIX = "PREFIX dti: <https://w3id.org/dti-kg/def#>\n"
DEREFERENCE = [
    ("/id/province/thai-nguyen", "text/html"),
    ("/id/province/thai-nguyen", "text/turtle"),
    ("/id/edition/2021", "text/html"),
    ("/id/indicator/digital-government", "application/ld+json"),
    ("/doc/province/ha-noi", "text/html"),
    ("/", "text/html"),
]
HOSTILE = [
    ("|| chain", "SELECT * { ?s ?p ?o FILTER(" + "||".join(["?o"] * 7400) + ") }", 400),
    ("collection", "SELECT * { ?s ?p (" + " ".join(["1"] * 10000) + ") }", 400),
    ("IRI parens", "SELECT * { ?s ?p ?o FILTER(?o<" + "(" * 6000 + "1" + ")" * 6000 + "&&?o>0) }", 400),
    ("update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
    ("oversized", "ASK {} #" + "x" * 70000, 413),
]


@dataclass
class Outcome:
    kind: str
    status: int
    seconds: float
    expected: bool
    note: str = ""
    retried: bool = False


def _shed(reply: requests.Response) -> bool:
    """A 503 that sheds load (queue full, deadline) rather than one that reports a dead worker."""
    return (
        reply.status_code == 503
        and "Retry-After" in reply.headers
        and "worker was stopped" not in reply.text
        and "worker exited" not in reply.text
    )


def one_request(session: requests.Session, url: str, rng: random.Random) -> Outcome:
    """One request of a random kind. A kept-alive connection the server closed as it was reused
    (gunicorn's keep-alive timeout racing the client: "closed without response", or a reset when
    the request reached the closed socket) is retried once on a new connection, as browsers do;
    such retries are counted, not hidden, and a second failure counts as unexpected."""
    state = rng.getstate()
    outcome = _one_request(session, url, rng)
    if outcome.status == 0 and any(race in outcome.note for race in KEEPALIVE_RACE):
        rng.setstate(state)  # the same request again
        again = _one_request(session, url, rng)
        again.retried = True
        return again
    return outcome


def _one_request(session: requests.Session, url: str, rng: random.Random) -> Outcome:
    roll = rng.random()
    kind = (
        "canned" if roll < 0.35 else "sparql" if roll < 0.7 else "dereference" if roll < 0.95 else "hostile"
    )
    started = time.monotonic()
    expected_status = 200
    try:
        if kind == "canned":
            reply = session.get(url + rng.choice(CANNED), timeout=60)
        elif kind == "sparql":
            query = PREFIX + rng.choice(SPARQL)
            how = rng.randrange(3)
            if how == 0:
                reply = session.get(url + "/sparql", params={"query": query}, timeout=60)
            elif how == 1:
                reply = session.post(url + "/sparql", data={"query": query}, timeout=60)
            else:
                headers = {"Content-Type": "application/sparql-query"}
                reply = session.post(url + "/sparql", data=query.encode(), headers=headers, timeout=60)
        elif kind == "dereference":
            path, accept = rng.choice(DEREFERENCE)
            reply = session.get(url + path, headers={"Accept": accept}, timeout=60)
        else:
            _name, query, expected_status = rng.choice(HOSTILE)
            headers = {"Content-Type": "application/sparql-query"}
            reply = session.post(url + "/sparql", data=query.encode(), headers=headers, timeout=60)
    except requests.ConnectionError as exc:
        # The server answers 413 before an oversized body is read and closes: the client may see
        # the reset before the answer. Any other connection error is unexpected.
        ok = kind == "hostile" and expected_status == 413
        return Outcome(kind, 0, time.monotonic() - started, ok, f"{kind}: {type(exc).__name__}: {exc}"[:300])
    except requests.Timeout:
        return Outcome(kind, 0, time.monotonic() - started, False, f"{kind}: no answer within 60 s")
    elapsed = time.monotonic() - started
    if _shed(reply):  # a polite client waits a little before the next request
        time.sleep(rng.uniform(0.5, 1.0))
        return Outcome(kind, 503, elapsed, True)
    ok = reply.status_code == expected_status or (reply.status_code == 304 and expected_status == 200)
    note = (
        ""
        if ok
        else f"{reply.status_code} {reply.request.method} {reply.request.url[:100]}: {reply.text[:200]}"
    )
    return Outcome(kind, reply.status_code, elapsed, ok, note)


def server_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (gunicorn workers, query workers), in KB."""
    total = 0
    pending = [pid]
    while pending:
        p = pending.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # a query worker replaced in the meantime
    return total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def soak(url: str, pid: int, seconds: float, clients: int, seed: int = 10) -> dict[str, object]:
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    memory: list[tuple[float, int]] = []

    def client(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        with requests.Session() as session:
            while time.monotonic() < stop:
                outcome = one_request(session, url, rng)
                with lock:
                    outcomes.append(outcome)

    def sampler() -> None:
        start = time.monotonic()
        while time.monotonic() < stop:
            memory.append((round(time.monotonic() - start, 1), server_rss_kb(pid)))
            time.sleep(max(1.0, seconds / 60))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=sampler))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return summarise(outcomes, memory, seconds, clients)


def summarise(
    outcomes: list[Outcome], memory: list[tuple[float, int]], seconds: float, clients: int
) -> dict[str, object]:
    latencies: dict[str, list[float]] = defaultdict(list)
    for o in outcomes:
        latencies[o.kind].append(o.seconds)
    unexpected = [o for o in outcomes if not o.expected]
    warm = [kb for t, kb in memory if t >= seconds * WARM_UP_SHARE]
    growth = (warm[-1] / warm[0]) if len(warm) >= 2 else 1.0
    return {
        "seconds": seconds,
        "clients": clients,
        "requests": len(outcomes),
        "statuses": dict(sorted(Counter(o.status for o in outcomes).items())),
        "shed_503": sum(o.status == 503 and o.expected for o in outcomes),
        "unexpected": len(unexpected),
        "keepalive_retries": sum(o.retried for o in outcomes),
        "unexpected_5xx": sum(o.status >= 500 and not o.expected for o in outcomes),
        "unexpected_examples": sorted({o.note for o in unexpected})[:10],
        "latency_s": {
            kind: {
                "n": len(v),
                "p50": round(statistics.median(v), 3),
                "p99": round(percentile(v, 0.99), 3),
            }
            for kind, v in sorted(latencies.items())
        },
        "p99_s": round(percentile([o.seconds for o in outcomes], 0.99), 3),
        "memory_kb": memory,
        "memory_growth_after_warm_up": round(growth, 3),
        "memory_growth_limit": MEMORY_GROWTH_LIMIT,
        "warm_up_s": seconds * WARM_UP_SHARE,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        link = Path(tmp) / "store"
        build_store(link)  # the bundled graph: what `dti serve` serves on a fresh machine
        with dti_serve(link, {}, Path(tmp) / "serve.log") as (url, process):
            report = soak(url, process.pid, args.seconds, args.clients)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    summary = {k: v for k, v in report.items() if k != "memory_kb"}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    failed = report["unexpected"] or report["memory_growth_after_warm_up"] > MEMORY_GROWTH_LIMIT
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
