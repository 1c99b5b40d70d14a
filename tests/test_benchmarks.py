"""The benchmark runner's smoke mode, run as a user runs it: every contender starts on loopback,
answers, and the table comes out with its ratios (speed itself is never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from server_helpers import make_store

ROOT = Path(__file__).resolve().parent.parent


def run_module(module: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m module argv`` from the checkout, as a user runs it; it must exit 0."""
    command = [sys.executable, "-m", module, *argv]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def test_benchmark_smoke_mode_measures_every_contender(tmp_path: Path) -> None:
    out = run_module("benchmarks", "--smoke", "--work", str(tmp_path))
    table = [line for line in out.stdout.splitlines() if line.startswith("| ")]
    assert table[0].split(" | ")[2:11] == [
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
    rows = {tuple(cell.strip() for cell in line.split("|")[1:3]) for line in table[1:]}
    for workload in ("ASK", "canned edition-top", "deref Turtle", "304 revalidation"):
        assert {(workload, "1"), (workload, "2")} <= rows, workload
    for line in table[1:]:
        assert "/s " in line.split("|")[3], line  # dti answered and was timed
        if not line.startswith("| 304"):
            assert "/s " in line.split("|")[4], line  # and so did dti with its response cache off
        assert "refused" not in line, line  # every dti request was answered 200 (or 304)
    header = [cell.strip() for cell in table[0].split("|")]
    ask = [cell.strip() for cell in next(line for line in table if line.startswith("| ASK | 1 ")).split("|")]
    assert float(ask[header.index("dti")].split("/s")[0]) > 0  # dti's requests/s
    columns = (
        "dti/oxigraph",
        "nocache/oxigraph",
        "nocache/hello-fast",
        "hello-fast/oxigraph",
        "gunicorn/oxigraph",
        "nocache/gunicorn",
        "granian/oxigraph",
        "granian/hello-granian",
    )
    for column in columns:
        assert float(ask[header.index(column)]) > 0, column  # the ratios of this run are printed


def test_sustained_load_reports_refusals_and_p99_with_the_cache_on_and_off(tmp_path: Path) -> None:
    link = make_store(tmp_path / "store")
    argv = ["--store", str(link), "--seconds", "0.5", "--clients", "2", "--queries", "edition-top"]
    out = run_module("benchmarks.sustained", *argv)
    rows = [line.split("|") for line in out.stdout.splitlines() if line.startswith("| canned")]
    assert [row[2].strip() for row in rows] == ["dti", "dti-nocache"]
    for row in rows:
        assert int(row[5]) > 0 and int(row[6]) == 0 and int(row[7]) == 0  # answered, none refused, no other
        assert float(row[10]) >= float(row[9]) > 0  # p99 >= p50


class _HalfRefused(BaseHTTPRequestHandler):
    """Every other request refused at once with 503; the others answered 200 after 20 ms."""

    protocol_version = "HTTP/1.1"
    count = 0

    def do_GET(self) -> None:
        type(self).count += 1
        refused = type(self).count % 2 == 0
        if not refused:
            time.sleep(0.02)
        self.send_response(503 if refused else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


# benchmarks.load's closed loop on one client against PORT, run from the checkout as the runner is (the
# benchmarks package is not installed); prints what the cell counted.
MEASURE_ONE_CELL = """
import json, sys
from benchmarks.load import Request, http_load
cell = http_load(int(sys.argv[1]), Request("/"), clients=1, seconds=0.5)
print(json.dumps({"requests": cell.requests, "refused": cell.refused,
                  "ok": cell.statuses.get(200, 0), "timed": len(cell.latencies),
                  "rate_x_seconds": cell.rate * cell.seconds, "p50": cell.percentile(50)}))
"""


def test_a_cell_counts_only_answered_requests_in_its_rate_and_latencies() -> None:
    # Regression: refused requests (fast 503s) counted as throughput and in p50, so dti refusing 1,590
    # of 32 clients' requests in 4 s read as 294x Oxigraph, with a p50 of 49 ms.
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HalfRefused)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        out = run_module("benchmarks", "--help")  # the runner itself imports (and the cwd is the checkout)
        assert "--seconds" in out.stdout
        command = [sys.executable, "-c", MEASURE_ONE_CELL, str(server.server_address[1])]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    cell = json.loads(done.stdout)
    assert cell["refused"] > 0 and cell["ok"] > 0
    assert cell["requests"] == cell["ok"] + cell["refused"]
    assert cell["timed"] == cell["ok"]
    assert abs(cell["rate_x_seconds"] - cell["ok"]) < 1e-6
    assert cell["p50"] >= 0.02  # the answers' latency, not the instant refusals'


def test_a_contender_that_answered_nothing_in_its_cell_is_no_answer_not_a_ratio() -> None:
    # With rates counting answers only, rdflib-endpoint timing out on all 8 clients (status 0) printed
    # "-" (not measured) in the dti/rdflib column instead of "no answer".
    script = (
        "from benchmarks.__main__ import rdflib_ratio\n"
        "from benchmarks.load import Cell\n"
        "ours = Cell(requests=10, seconds=1.0, latencies=[0.1] * 10, statuses={200: 10})\n"
        "print(rdflib_ratio(ours, Cell(requests=8, seconds=30.0, statuses={0: 8})))\n"
        "print(rdflib_ratio(ours, Cell(requests=2, seconds=1.0, latencies=[0.5] * 2, statuses={200: 2})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split("\n")[:2] == ["no answer", "5.0"]
