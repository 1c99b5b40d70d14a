"""Interleaved rounds of ASK (and hello-world) against the HTTP fronts: rates and server CPU per request.

    python -m benchmarks.front_ab --store STORE [--rounds 5] [--clients 1,8,32] [--seconds 2]
        [--before CHECKOUT] [--only NAME,NAME]

Every round measures every contender at every client count, one after the other, so a change in the
machine's load (shared cores) falls on all of them alike; the table gives the median over the rounds
of each contender's rate, its ratio to Oxigraph's rate in the same round, and the server's CPU time
per request (user + system of the server's processes and their children, from /proc): the one figure
that the other load on the machine moves little.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import contenders
from benchmarks.load import Cell, Request, http_load
from dti_kg import store as dti_store

ASK = "ASK { ?s ?p ?o }"
JSON = "application/sparql-results+json"
TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            found[int(entry.name)] = (int(stat[1]), (entry / "cmdline").read_bytes().decode(errors="replace"))
    return found


def server_pids(port: int) -> list[int]:
    """The processes started for the server on ``port`` (its port is in their command line) and theirs."""
    table = _processes()
    roots = {
        pid
        for pid, (_, cmd) in table.items()
        if pid != os.getpid() and any(str(port) in arg for arg in cmd.split("\0"))
    }
    pids = set(roots)
    grew = True
    while grew:
        children = {pid for pid, (parent, _) in table.items() if parent in pids} - pids
        pids |= children
        grew = bool(children)
    return sorted(pids)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(stat[11]) + int(stat[12])
    return total / TICK


def measured(port: int, request: Request, clients: int, seconds: float) -> tuple[Cell, float]:
    """The cell and the server's CPU seconds per request during it."""
    pids = server_pids(port)
    before = cpu_seconds(pids)
    cell = http_load(port, request, clients, seconds)
    used = cpu_seconds(pids) - before
    return cell, used / cell.requests if cell.requests else float("nan")


def _ask(path: str) -> Request:
    return Request(f"{path}?{urlencode({'query': ASK})}", {"Accept": JSON})


@contextlib.contextmanager
def running(
    store_link: Path, logs: Path, before: Path | None = None, only: set[str] | None = None
) -> Iterator[dict[str, tuple[int, Request]]]:
    build_dir = dti_store.current_build_dir(store_link)
    starts: dict[str, Callable[[], contextlib.AbstractContextManager[contenders.Server]]] = {
        "oxigraph": lambda: contenders.oxigraph(build_dir / dti_store.OXIGRAPH_DIR, logs),
        "hello": lambda: contenders.hello(logs),
        "hello-fast": lambda: contenders.hello_fast(logs),
        "hello-plain-fast": lambda: contenders.hello_fast(logs, plain=True),
        "hello-granian": lambda: contenders.hello_granian(logs),
        "dti": lambda: contenders.dti(store_link, logs),
        "dti-nocache": lambda: contenders.dti(store_link, logs, cache=False),
        "dti-gunicorn": lambda: contenders.dti(store_link, logs, http_server="gunicorn"),
        "gunicorn-nocache": lambda: contenders.dti(store_link, logs, cache=False, http_server="gunicorn"),
    }
    if before is not None:
        starts["before-nocache"] = lambda: contenders.dti(store_link, logs, cache=False, checkout=before)
    if only is not None:  # oxigraph always: the ratios are to it
        starts = {name: start for name, start in starts.items() if name in only or name == "oxigraph"}
    with contextlib.ExitStack() as stack:
        found = {}
        for name, start in starts.items():
            server = stack.enter_context(start())
            request = Request("/") if name.startswith("hello") else _ask(server.sparql_path)
            found[name] = (server.port, request)
        yield found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.front_ab", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/front-ab"))
    parser.add_argument(
        "--before",
        type=Path,
        help="a source tree holding another dti_kg (e.g. `git archive main dti_kg` unpacked): adds "
        "before-nocache, served from it, to every round",
    )
    parser.add_argument("--only", help="comma-separated contenders (oxigraph is always measured)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    clients = [int(c) for c in args.clients.split(",")]
    rates: dict[tuple[str, int], list[float]] = {}
    ratios: dict[tuple[str, int], list[float]] = {}
    cpu: dict[tuple[str, int], list[float]] = {}
    loads: list[float] = []
    print(f"# python -m benchmarks.front_ab {' '.join(argv if argv is not None else sys.argv[1:])}")
    only = set(args.only.split(",")) if args.only else None
    with running(args.store, args.work, args.before, only) as servers:
        for port, request in servers.values():
            http_load(port, request, 2, 0.3)  # warm up (query workers, caches)
        for r in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for c in clients:
                cells = {name: measured(*server, c, args.seconds) for name, server in servers.items()}
                for name, (cell, per_request) in cells.items():
                    bad = sum(n for s, n in cell.statuses.items() if s != 200)
                    if bad:
                        note = f"  round {r} {name} c={c}: {bad} answers not 200: {cell.statuses}"
                        print(note, file=sys.stderr)
                    rates.setdefault((name, c), []).append(cell.rate)
                    ratios.setdefault((name, c), []).append(cell.rate / cells["oxigraph"][0].rate)
                    cpu.setdefault((name, c), []).append(per_request)
            done = f"  round {r + 1}/{args.rounds} done, load {os.getloadavg()[0]:.1f}"
            print(done, file=sys.stderr, flush=True)
    loads.append(os.getloadavg()[0])
    shown = ", ".join(f"{x:.1f}" for x in loads)
    print(f"\nload average (1 min) at the start of each round and at the end: {shown}")
    print("\nMedians over the rounds; ratio = requests/s ÷ Oxigraph's in the same round (min–max).\n")
    print("| contender | clients | requests/s | ÷ oxigraph | ratio range | server CPU µs / request |")
    print("|---|---:|---:|---:|---|---:|")
    for c in clients:
        for name in servers:
            key = (name, c)
            rate, ratio = statistics.median(rates[key]), statistics.median(ratios[key])
            spread = f"{min(ratios[key]):.2f}–{max(ratios[key]):.2f}"
            per_request = 1e6 * statistics.median(cpu[key])
            print(f"| {name} | {c} | {rate:,.0f} | {ratio:.2f} | {spread} | {per_request:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
