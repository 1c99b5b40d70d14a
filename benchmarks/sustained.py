"""Sustained load: C clients on one canned query for S seconds against ``dti serve``, with its response
cache on and off: how many requests were answered, how many refused (503), p50 and p99.

    python -m benchmarks.sustained --store STORE [--seconds 60] [--clients 32] [--queries a,b]

The issue's admission target: 32 clients of query-bound work over 60 s are queued and answered, none
refused. ``python -m benchmarks`` measures each cell for seconds only; this holds the load long
enough for the queue to fill if it were going to.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

from benchmarks import contenders
from benchmarks.__main__ import load_note
from benchmarks.load import http_load
from benchmarks.workloads import workloads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.sustained", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--store", type=Path, required=True, help="an existing store (link)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--queries", default="province-trajectory,edition-top", help="canned query names")
    args = parser.parse_args(argv)
    chosen = {f"canned {name}" for name in args.queries.split(",")}
    print(f"# python -m benchmarks.sustained {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    print(f"\n{load_note()} at the start\n")
    print(
        "| query | server | clients | seconds | answered | refused (503) | other | answered/s "
        "| p50 ms | p99 ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="dti-sustained-") as logs:
        for cache in (True, False):
            with contextlib.ExitStack() as stack:
                server = stack.enter_context(contenders.dti(args.store, Path(logs), cache=cache))
                for w in workloads():
                    if w.name not in chosen:
                        continue
                    http_load(server.port, w.dti, 1, 0.2)  # warm up
                    cell = http_load(server.port, w.dti, args.clients, args.seconds)
                    answered = cell.statuses.get(200, 0)
                    p50, p99 = 1000 * cell.percentile(50), 1000 * cell.percentile(99)  # sub-ms when replayed
                    print(
                        f"| {w.name} | {server.name} | {args.clients} | {args.seconds:g} | {answered} | "
                        f"{cell.refused} | {cell.unexpected} | {cell.rate:.1f} | "
                        f"{p50:.2f} | {p99:.2f} |",
                        flush=True,
                    )
    print(f"\n{load_note()} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
