"""Before/after timings of the canned queries and the dereferences on one store, interleaved.

    python -m benchmarks.slow_reads --store STORE --before tests/fixtures/queries_before \\
        [--checkout DIR] [--rounds 3] [--timeout 120]

Each canned query (except ``conflicts`` and ``disagreeing-claims``, being rewritten elsewhere) runs with
the benchmark's arguments (``benchmarks.workloads``) in process on pyoxigraph, once per round with the
text of ``--before`` (when it holds ``NAME.rq``) and once with today's text, alternately, each in a
child process killed after ``--timeout`` seconds. The answers' MD5 says whether both gave the same
bytes. With ``--checkout`` (e.g. ``git archive main dti_kg | tar -x -C DIR``), the description of a
province as Turtle and its HTML page are fetched from ``dti serve`` of that source tree and of this
one, both with the response cache off, alternately; Oxigraph's own ``DESCRIBE`` in process is the
baseline. Prints one Markdown table with the load average.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph

from benchmarks import contenders
from benchmarks.workloads import BASE, _arguments
from dti_kg import store as dti_store
from dti_kg.resources import query_files, read_text
from dti_kg.server.bindings import inline
from dti_kg.server.canned import bind, parse_query

BODIES: dict[tuple[int, str, str], str] = {}  # the MD5 of each server's first 200 answer
SKIPPED = ("conflicts", "disagreeing-claims")  # rewritten on another branch (the conflict model)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def bound_text(name: str, text: str, province: str) -> str:
    query = parse_query(name, text)
    return inline(query.text, bind(query, _arguments(province).get(name, {}), base=BASE))


def run_one(store: str, name: str, text_file: str, province: str) -> None:
    """Child process: run one query once, print seconds, rows and the answer's MD5."""
    db = dti_store.open_read_only(store)
    text = bound_text(name, Path(text_file).read_text(encoding="utf-8"), province)
    started = time.perf_counter()
    answer = db.query(text, use_default_graph_as_union=True).serialize(
        format=pyoxigraph.QueryResultsFormat.TSV
    )
    took = time.perf_counter() - started
    rows = answer.count(b"\n") - 1
    print(f"{took:.4f} {rows} {hashlib.md5(answer).hexdigest()[:10]}")


def timed(store: str, name: str, text_file: Path, province: str, timeout: float) -> tuple[float | None, str]:
    argv = [sys.executable, "-m", "benchmarks.slow_reads", "--one", store, name, str(text_file), province]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None, f"> {timeout:g} s"
    took, rows, md5 = done.stdout.split()
    return float(took), f"{rows} rows {md5}"


def fmt(times: list[float | None], timeout: float) -> str:
    done = [t for t in times if t is not None]
    if not done:
        return f"> {timeout:g} s"
    median = statistics.median(done)
    if median < 0.01:
        return f"{median * 1000:.2f} ms"
    return f"{median * 1000:.0f} ms" if median < 10 else f"{median:.1f} s"


def queries(args: argparse.Namespace) -> list[str]:
    rows = []
    for path in sorted(query_files(), key=lambda p: p.name):
        name = path.name.removesuffix(".rq")
        if name in SKIPPED:
            continue
        today = Path(args.scratch) / f"{name}.rq"
        today.write_text(read_text(path), encoding="utf-8")
        before = (
            args.before / f"{name}.rq" if args.before and (args.before / f"{name}.rq").is_file() else None
        )
        old: list[float | None] = []
        new: list[float | None] = []
        old_note = new_note = ""
        for _ in range(args.rounds):
            if before is not None and (not old or old[-1] is not None):  # one timeout is enough
                took, old_note = timed(args.store, name, before, args.province, args.timeout)
                old.append(took)
            took, new_note = timed(args.store, name, today, args.province, args.timeout)
            new.append(took)
        same = "-" if before is None or old[-1] is None else ("yes" if old_note == new_note else "**no**")
        ratio = "-"
        if before is not None and new[-1] is not None:
            o = [t for t in old if t is not None]
            n = statistics.median([t for t in new if t is not None])
            ratio = f"{statistics.median(o) / n:.0f}×" if o else f"> {args.timeout / n:.0f}×"
        rows.append(
            f"| {name} | {fmt(old, args.timeout) if before else '(unchanged)'} | {fmt(new, args.timeout)} | "
            f"{ratio} | {new_note} | {same} | {load()} |"
        )
    return rows


def get(port: int, path: str, accept: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        return float("nan")  # shown as the status it was: refused (503) or failed
    took = time.perf_counter() - started
    BODIES.setdefault((port, path, accept), hashlib.md5(body).hexdigest()[:10])
    return took


def fmt_http(times: list[float]) -> str:
    ok = [t for t in times if t == t]  # NaN: the answer was not a 200
    failed = f" ({len(times) - len(ok)} not 200)" if len(ok) < len(times) else ""
    return (fmt(list(ok), 0) if ok else "no 200") + failed


def ratio(old: list[float], new: list[float]) -> str:
    o, n = [t for t in old if t == t], [t for t in new if t == t]
    return f"{statistics.median(o) / statistics.median(n):.1f}×" if o and n else "-"


def dereferences(args: argparse.Namespace) -> list[str]:
    province = BASE + f"id/province/{args.province}"
    path = f"/doc/province/{args.province}"
    db = dti_store.open_read_only(args.store)
    describe = []
    for _ in range(args.rounds * 3):
        started = time.perf_counter()
        db.query(f"DESCRIBE <{province}>", use_default_graph_as_union=True).serialize(
            format=pyoxigraph.RdfFormat.TURTLE
        )
        describe.append(time.perf_counter() - started)
    del db
    rows = [f"| Oxigraph DESCRIBE in process (baseline) | - | {fmt(describe, 0)} | - | - | - | {load()} |"]
    logs = Path(args.scratch)
    # A province page took 7.8 s at 10,000 articles: let both servers finish it instead of answering 503.
    os.environ["DTI_KG_QUERY_TIMEOUT"] = str(args.timeout)
    with contextlib.ExitStack() as stack:
        after = stack.enter_context(contenders.dti(Path(args.store), logs, cache=False))
        before = stack.enter_context(
            contenders.dti(Path(args.store), logs, cache=False, checkout=args.checkout)
        )
        for label, accept in (("deref Turtle", "text/turtle"), ("deref HTML (province page)", "text/html")):
            old, new = [], []
            get(after.port, path, accept)  # the first request starts the query workers
            get(before.port, path, accept)
            for _ in range(args.rounds):
                old.append(get(before.port, path, accept))
                new.append(get(after.port, path, accept))
            mine, theirs = BODIES.get((after.port, path, accept)), BODIES.get((before.port, path, accept))
            same = "-" if mine is None or theirs is None else ("yes" if mine == theirs else "**no**")
            cells = f"{fmt_http(old)} | {fmt_http(new)} | {ratio(old, new)} | body {mine} | {same}"
            rows.append(f"| {label} | {cells} | {load()} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--one"]:
        run_one(*argv[1:5])
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.slow_reads", description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--before", type=Path, default=None, help="a folder of the queries' earlier texts")
    parser.add_argument("--checkout", type=Path, default=None, help="an earlier source tree for dereferences")
    parser.add_argument("--province", default="ha-noi")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--scratch", default=None, help="a folder for the texts and server logs")
    parser.add_argument("--only", default="queries,deref", help="queries, deref or both")
    args = parser.parse_args(argv)
    args.scratch = args.scratch or Path(args.store).parent / "slow_reads"
    Path(args.scratch).mkdir(parents=True, exist_ok=True)
    print(f"Store {args.store}; {args.rounds} rounds, before and after alternately; load average 1/5 min.\n")
    print(
        "| workload | before (median) | after (median) | before/after | after's answer | same answer | load |"
    )
    print("|---|---:|---:|---:|---|---|---|")
    if "queries" in args.only:
        for row in queries(args):
            print(row, flush=True)
    if "deref" in args.only and args.checkout is not None:
        for row in dereferences(args):
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
