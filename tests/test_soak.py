"""The soak runner (benchmarks/soak.py) for 20 s, as CI runs it: 32 clients, no unexpected outcome."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.hostile, pytest.mark.slow, pytest.mark.integration]
SOAK = Path(__file__).resolve().parent.parent / "benchmarks" / "soak.py"


def test_twenty_seconds_of_soak_have_no_unexpected_outcome(tmp_path: Path) -> None:
    report_file = tmp_path / "soak.json"
    run = subprocess.run(
        [sys.executable, str(SOAK), "--seconds", "20", "--json", str(report_file)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["unexpected"] == 0 and report["unexpected_5xx"] == 0, report["unexpected_examples"]
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert report["clients"] == 32 and report["requests"] > 100
    assert set(report["latency_s"]) >= {"canned", "sparql", "dereference", "hostile"}
    assert report["p99_s"] > 0 and len(report["memory_kb"]) >= 3
    assert report["statuses"].get("200", 0) > 0, "nothing was answered"
