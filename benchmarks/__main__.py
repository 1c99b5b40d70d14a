"""The benchmark suite: build cost and serving speed, each against named baselines in the same run.

    python -m benchmarks [--sizes 100,1000] [--clients 1,8,32] [--seconds 3]
    python -m benchmarks --smoke          # seconds: tiny store, a few cells; CI runs it through pytest

For each size N: generate N articles from the seed corpus (``benchmarks.corpus``), build them
(``benchmarks.build_phases``: time and peak memory per phase), add one article and build again (the
increment), then start every contender on loopback over that build and measure every workload at each
client count, contenders interleaved. Prints one table per size and the build table with the exponent
fitted over the sizes. Results are ratios within this run; the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph

from benchmarks import contenders, corpus
from benchmarks.load import Cell, Request, call_load, http_load
from benchmarks.workloads import Workload, workloads
from dti_kg import store as dti_store
from dti_kg.dumps import create_servable_build

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sparql" / "dti_small.trig"
SHOWN = [
    "dti",
    "dti-nocache",
    "in-process",
    "oxigraph",
    "hello-fast",
    "gunicorn-nocache",
    "hello",
    "granian-nocache",
    "hello-granian",
]
DTI_LIKE = ("dti", "dti-nocache", "gunicorn-nocache", "granian-nocache")
HELLOS = ("hello", "hello-granian", "hello-fast")  # answer dti's own requests (/queries, /doc, 304)
RESULT_FORMATS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
}


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) {five:.1f} (5 min) on {os.cpu_count()} cores"


# ------------------------------------------------------------------ build


def build(articles: Path, store_link: Path, cache: Path) -> dict:
    """One build in a fresh process (its own peak memory), with its own verdict cache."""
    env = {**os.environ, "DTI_KG_CACHE": str(cache)}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.build_phases", str(articles), str(store_link)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"the build of {articles} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fitted_exponent(points: list[tuple[int, float]]) -> float | None:
    """b in seconds ~ a * N**b, least squares on logs; None with fewer than two sizes."""
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(s) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def print_builds(builds: dict[int, dict]) -> None:
    phases = ["prepare", "extract", "shacl", "reconcile", "store"]
    print("\n## Build (seconds / peak MB at the end of each phase)\n")
    print("| articles | quads | " + " | ".join(phases) + " | total s | peak MB | +1 article s |")
    print("|---:|---:|" + "---:|" * len(phases) + "---:|---:|---:|")
    for n, b in sorted(builds.items()):
        cells = [
            f"{b['phases'][p]['seconds']:.1f} / {b['phases'][p]['peak_mb']:.0f}" if p in b["phases"] else "-"
            for p in phases
        ]
        print(
            f"| {n} | {b['quads']} | "
            + " | ".join(cells)
            + f" | {b['seconds']:.1f} | {b['peak_mb']:.0f} | {b['increment']['seconds']:.1f} |"
        )
    exponent = fitted_exponent([(n, b["seconds"]) for n, b in builds.items()])
    if exponent is not None:
        print(f"\nfitted exponent of the total build time over the sizes: {exponent:.2f} (1.0 = linear)")


# ------------------------------------------------------------------ serving


def in_process(store: pyoxigraph.Store, w: Workload) -> Callable[[], object]:
    fmt = RESULT_FORMATS[w.accept]

    def call() -> object:
        return store.query(w.sparql, use_default_graph_as_union=True).serialize(format=fmt)

    return call


def sparql_request(server: contenders.Server, w: Workload) -> Request:
    from urllib.parse import urlencode

    return Request(f"{server.sparql_path}?{urlencode({'query': w.sparql})}", {"Accept": w.accept})


def revalidation(port: int, request: Request) -> Request:
    """``request`` with the If-None-Match of its current answer (so the server answers 304)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", request.path, headers=request.headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return Request(request.path, {**request.headers, "If-None-Match": response.headers["ETag"]}, 304)


def fmt_cell(c: Cell | str | None) -> str:
    if c is None:
        return "-"
    if isinstance(c, str):
        return c  # why a contender was not measured in this cell
    if not c.latencies:
        return f"0/s none answered **{c.refused} refused, {c.unexpected} other**"
    p50, spread, p99 = (
        1000 * c.percentile(50),
        1000 * (c.percentile(90) - c.percentile(10)),
        1000 * c.percentile(99),
    )
    text = f"{c.rate:.0f}/s {p50:.1f}±{spread:.1f} p99 {p99:.0f}"
    if c.refused or c.unexpected:
        text += f" **{c.refused} refused, {c.unexpected} other**"
    return text


@contextlib.contextmanager
def servers(
    store_link: Path, logs: Path, before: Path | None = None, granian: bool = True, gunicorn: bool = True
) -> Iterator[dict[str, contenders.Server]]:
    build_dir = dti_store.current_build_dir(store_link)
    with contextlib.ExitStack() as stack:
        found = {
            "dti": stack.enter_context(contenders.dti(store_link, logs)),
            "dti-nocache": stack.enter_context(contenders.dti(store_link, logs, cache=False)),
            "oxigraph": stack.enter_context(contenders.oxigraph(build_dir / dti_store.OXIGRAPH_DIR, logs)),
            "hello-fast": stack.enter_context(contenders.hello_fast(logs)),
        }
        if gunicorn:
            found["gunicorn-nocache"] = stack.enter_context(
                contenders.dti(store_link, logs, cache=False, http_server="gunicorn")
            )
            found["hello"] = stack.enter_context(contenders.hello(logs))
        if granian:
            found["granian-nocache"] = stack.enter_context(contenders.granian_dti(store_link, logs))
            found["hello-granian"] = stack.enter_context(contenders.hello_granian(logs))
        if before is not None:
            found["before-nocache"] = stack.enter_context(
                contenders.dti(store_link, logs, cache=False, checkout=before)
            )
        yield found


class SlowContender:
    """rdflib-endpoint, restarted whenever a request to it timed out.

    Its queries run on after the client gives up (nothing cancels them), so a timed-out query would
    keep a core busy through the next cells and slow every other contender down; a restart ends it.
    """

    def __init__(self, dump: Path, logs: Path, timeout: float) -> None:
        self.dump, self.logs, self.timeout = dump, logs, timeout
        self._stack = contextlib.ExitStack()
        self.server: contenders.Server | None = None

    def start(self) -> contenders.Server | None:
        if self.server is None:
            self.server = self._stack.enter_context(contenders.rdflib_endpoint(self.dump, self.logs))
        return self.server

    def restart(self) -> None:
        self.close()
        self.start()

    def close(self) -> None:
        self._stack.close()
        self.server = None

    def answers_in_time(self, request: Request) -> bool:
        """One request within the timeout (restarting the server if it did not answer)."""
        assert self.server is not None
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=self.timeout)
        try:
            conn.request("GET", request.path, headers=request.headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        self.restart()
        return False

    def measure(self, request: Request, clients: int, seconds: float) -> Cell:
        assert self.server is not None
        cell = http_load(self.server.port, request, clients, seconds, timeout=self.timeout)
        if cell.unexpected:
            self.restart()
        return cell


def measure(
    store_link: Path,
    logs: Path,
    clients: list[int],
    seconds: float,
    max_query_seconds: float,
    with_rdflib: bool,
    only: set[str] | None = None,
    province: str = "ha-noi",
    rdflib_timeout: float = 60.0,
    before: Path | None = None,
    granian: bool = True,
    gunicorn: bool = True,
) -> list[tuple[Workload, int, dict[str, Cell | str | None], str]]:
    oxi = dti_store.open_read_only(store_link)
    rows: list[tuple[Workload, int, dict[str, Cell | str | None], str]] = []
    slow = SlowContender(dti_store.current_build_dir(store_link) / "dump.nq", logs, rdflib_timeout)
    with servers(store_link, logs, before, granian, gunicorn) as running, contextlib.closing(slow):
        if with_rdflib and slow.start() is not None:
            print(f"  rdflib-endpoint loaded ({load_note()})", file=sys.stderr, flush=True)
        for w in workloads(province):
            if only and w.name not in only:
                continue
            note = ""
            if w.sparql is not None:
                started = time.perf_counter()
                in_process(oxi, w)()
                took = time.perf_counter() - started
                if took > max_query_seconds:
                    rows.append(
                        (w, 0, {}, f"skipped: {took:.1f} s once in process (> {max_query_seconds:g} s)")
                    )
                    continue
            rdflib_request = None
            if w.sparql is not None and slow.server is not None:
                rdflib_request = sparql_request(slow.server, w)
                if not slow.answers_in_time(rdflib_request):
                    rdflib_request = None
            for c in clients:
                cells: dict[str, Cell | str | None] = {}
                request = w.dti
                if w.name.startswith("304"):
                    request = revalidation(running["dti"].port, request)
                for name in (*DTI_LIKE, "before-nocache"):
                    if name not in running:
                        continue
                    if name != "dti" and w.name.startswith("304"):
                        continue  # a 304 does no work either way
                    port = running[name].port
                    http_load(port, request if name == "dti" else w.dti, 1, 0.05)  # warm up
                    cells[name] = http_load(port, request if name == "dti" else w.dti, c, seconds)
                if w.sparql is not None:
                    cells["in-process"] = call_load(in_process(oxi, w), c, seconds)
                    cells["oxigraph"] = http_load(
                        running["oxigraph"].port, sparql_request(running["oxigraph"], w), c, seconds
                    )
                    if slow.server is not None:
                        cells["rdflib-endpoint"] = (
                            slow.measure(rdflib_request, c, seconds)
                            if rdflib_request is not None
                            else f"no answer within {rdflib_timeout:g} s"
                        )
                if w.hello:
                    for name in HELLOS:
                        if name in running:
                            cells[name] = http_load(running[name].port, Request("/"), c, seconds)
                rows.append((w, c, cells, note))
            print(f"  measured {w.name} ({load_note()})", file=sys.stderr, flush=True)
    return rows


# (column, numerator, denominator): requests/s ratios printed after the cells
RATIOS = [
    ("dti/oxigraph", "dti", "oxigraph"),
    ("nocache/oxigraph", "dti-nocache", "oxigraph"),
    ("dti/hello-fast", "dti", "hello-fast"),
    ("nocache/hello-fast", "dti-nocache", "hello-fast"),
    ("hello-fast/oxigraph", "hello-fast", "oxigraph"),
    ("gunicorn/oxigraph", "gunicorn-nocache", "oxigraph"),
    ("nocache/gunicorn", "dti-nocache", "gunicorn-nocache"),
    ("hello/oxigraph", "hello", "oxigraph"),
    ("granian/oxigraph", "granian-nocache", "oxigraph"),
    ("granian/hello-granian", "granian-nocache", "hello-granian"),
    ("hello-granian/oxigraph", "hello-granian", "oxigraph"),
    ("nocache/before", "dti-nocache", "before-nocache"),
    ("before/oxigraph", "before-nocache", "oxigraph"),
]
# p50 over in-process
GAPS = [("nocache", "dti-nocache"), ("gunicorn", "gunicorn-nocache"), ("granian", "granian-nocache")]


def ratio(cells: dict[str, Cell | str | None], top: str, bottom: str) -> str:
    """``top``'s requests/s over ``bottom``'s ("-" when either was not measured)."""
    a, b = cells.get(top), cells.get(bottom)
    if not isinstance(a, Cell) or not isinstance(b, Cell) or not b.rate:
        return "-"
    return f"{a.rate / b.rate:.2f}"


def print_serving(n: str, rows: list, contenders_shown: list[str]) -> None:
    print(f"\n## Serving, {n}\n")
    print(
        "Each cell: answered requests/s (200 or 304; refused and other counted apart), p50 ± (p90 − p10) "
        "ms, p99 ms, of answered requests. dti-nocache is dti with its response cache off "
        "(RESPONSE_CACHE_MB=0), so every request runs its query; granian-nocache is the same app behind "
        "granian. Ratios: answered/s over answered/s; gaps: p50 minus in-process p50.\n"
    )
    versus_rdflib = "rdflib-endpoint" in contenders_shown
    columns = [name for name, _, _ in RATIOS] + [f"{label} p50 − in-process p50" for label, _ in GAPS]
    if versus_rdflib:
        columns += ["dti/rdflib", "nocache/rdflib", "gunicorn/rdflib", "granian/rdflib"]
    print("| workload | clients | " + " | ".join(contenders_shown + columns) + " |")
    print("|---|---:|" + "---|" * len(contenders_shown) + "---:|" * len(columns))
    for w, c, cells, note in rows:
        if note:
            print(f"| {w.name} | | {note} |")
            continue
        inproc = cells.get("in-process")
        values = [ratio(cells, top, bottom) for _, top, bottom in RATIOS]
        for _, name in GAPS:
            ours = cells.get(name)
            ok = isinstance(ours, Cell) and isinstance(inproc, Cell)
            values.append(f"{1000 * (ours.percentile(50) - inproc.percentile(50)):.2f} ms" if ok else "-")
        if versus_rdflib:
            theirs = cells.get("rdflib-endpoint")
            values += [rdflib_ratio(cells.get(name), theirs) for name in DTI_LIKE]
        print(
            f"| {w.name} | {c} | "
            + " | ".join([fmt_cell(cells.get(k)) for k in contenders_shown] + values)
            + " |"
        )


def rdflib_ratio(ours: Cell | str | None, theirs: Cell | str | None) -> str:
    """ours ÷ rdflib-endpoint's rate ("no answer": it gave none within --rdflib-timeout)."""
    if not isinstance(ours, Cell):
        return "-"
    if isinstance(theirs, str) or (isinstance(theirs, Cell) and not theirs.rate):
        return "no answer"  # not within --rdflib-timeout, before the cell or in it
    if theirs is None:
        return "-"
    return f"{ours.rate / theirs.rate:.1f}"


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="numbers of generated articles (comma-separated)")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients (comma-separated)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per measured cell")
    parser.add_argument(
        "--max-query-seconds",
        type=float,
        default=2.0,
        help="skip a query that takes longer once in process (reported, not measured)",
    )
    parser.add_argument(
        "--rdflib-max",
        type=int,
        default=100,
        help="largest size at which rdflib-endpoint is loaded (it holds the dump in memory)",
    )
    parser.add_argument(
        "--rdflib-timeout",
        type=float,
        default=60.0,
        help="seconds a request to rdflib-endpoint may take; past it the query is not measured and the "
        "server is restarted (its query would run on and load the machine)",
    )
    parser.add_argument(
        "--with-rdflib", action="store_true", help="with --store: measure rdflib-endpoint over its dump too"
    )
    parser.add_argument(
        "--no-build", action="store_true", help="serving only (still builds each corpus once)"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="keep corpora and stores here (default: temporary)"
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="also serve with the dti_kg of this source tree (e.g. `git archive main`), cache off, "
        "as before-nocache: before/after ratios from the same run",
    )
    parser.add_argument("--no-granian", action="store_true", help="leave out the two granian contenders")
    parser.add_argument(
        "--no-gunicorn",
        action="store_true",
        help="leave out dti serve --http-server gunicorn (gunicorn-nocache) and gunicorn's hello-world",
    )
    parser.add_argument(
        "--only", default=None, help="with --store: only these workloads (comma-separated names, e.g. ASK)"
    )
    parser.add_argument("--smoke", action="store_true", help="a run of seconds over the test fixture store")
    parser.add_argument(
        "--store",
        type=Path,
        action="append",
        default=None,
        help="serving only, over this existing store (no corpus, no build); repeat it for several "
        "stores in one run",
    )
    args = parser.parse_args(argv)
    # A SIGTERM unwinds like Ctrl-C, so every server started here is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"# python -m benchmarks {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    print(
        f"\n{platform.platform()}, Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}; "
        f"{load_note()} at the start"
    )
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dti-bench-")))
        work.mkdir(parents=True, exist_ok=True)
        if args.smoke:
            link = work / "smoke-store"
            if not link.is_symlink():
                p = dti_store.paths(link)
                quads = list(pyoxigraph.parse(path=str(FIXTURE), format=pyoxigraph.RdfFormat.TRIG))
                dti_store.publish(p, create_servable_build(p, quads, {"note": "benchmark smoke"}))
            only = {"ASK", "canned edition-top", "deref Turtle", "304 revalidation"}
            rows = measure(link, work, [1, 2], 0.3, 5.0, with_rdflib=False, only=only, province="thai-nguyen")
            print_serving("smoke (test fixture store)", rows, SHOWN)
            return 0
        for store_link in args.store or []:
            rows = measure(
                store_link,
                work,
                [int(c) for c in args.clients.split(",")],
                args.seconds,
                args.max_query_seconds,
                with_rdflib=args.with_rdflib,
                rdflib_timeout=args.rdflib_timeout,
                before=args.before,
                granian=not args.no_granian,
                gunicorn=not args.no_gunicorn,
                only=set(args.only.split(",")) if args.only else None,
            )
            quads = dti_store.read_build_info(store_link)["quads"]
            left_out = {"granian-nocache", "hello-granian"} if args.no_granian else set()
            left_out |= {"gunicorn-nocache", "hello"} if args.no_gunicorn else set()
            shown = [n for n in SHOWN if n not in left_out]
            shown += ["before-nocache"] if args.before else []
            shown += ["rdflib-endpoint"] if args.with_rdflib else []
            print_serving(f"{store_link} ({quads} quads)", rows, shown)
            print(f"\n{load_note()} after this store")
        if args.store:
            return 0
        builds: dict[int, dict] = {}
        for n in (int(x) for x in args.sizes.split(",")):
            articles = work / f"articles-{n}"
            link = work / f"store-{n}"
            corpus.write_corpus(articles, n)
            print(f"building {n} articles ({load_note()})", file=sys.stderr, flush=True)
            result = build(articles, link, work / f"cache-{n}")
            if not args.no_build:
                corpus.write_corpus(articles, n + 1)  # one more article, then the incremental build
                result["increment"] = build(articles, link, work / f"cache-{n}")
                builds[n] = result
            shown = list(SHOWN)
            with_rdflib = n <= args.rdflib_max
            if with_rdflib:
                shown.append("rdflib-endpoint")
            rows = measure(
                link,
                work,
                [int(c) for c in args.clients.split(",")],
                args.seconds,
                args.max_query_seconds,
                with_rdflib,
                rdflib_timeout=args.rdflib_timeout,
            )
            print_serving(f"{n} articles ({result['quads']} quads)", rows, shown)
            sys.stdout.flush()
        if builds:
            print_builds(builds)
    print(f"\n{load_note()} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
