"""The benchmark runner's smoke mode, run as a user runs it: every contender starts on loopback,
answers, and the table comes out with its ratios (speed itself is never asserted here)."""

from __future__ import annotations

import subprocess
import sys
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
        "hello",
        "granian-nocache",
        "hello-granian",
        "dti-fast-nocache",
        "hello-fast",
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
        "granian/oxigraph",
        "granian/hello-granian",
        "fast/oxigraph",
    )
    for column in (*columns, "fast/hello-fast", "hello-fast/oxigraph"):
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
