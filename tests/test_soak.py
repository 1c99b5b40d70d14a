"""The soak runner (benchmarks/soak.py) as CI runs it: one minute when ``CI`` is set (the issue's
"CI runs one minute of it"), 20 s on a developer's machine; 32 clients, no unexpected outcome, no
unexpected 5xx, memory flat after warm-up, and the p99 latency printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.hostile, pytest.mark.slow, pytest.mark.integration]
SOAK = Path(__file__).resolve().parent.parent / "benchmarks" / "soak.py"
SECONDS = 60 if os.environ.get("CI") else 20


def test_a_soak_has_no_unexpected_outcome_and_flat_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    report_file = tmp_path / "soak.json"
    run = subprocess.run(
        [sys.executable, str(SOAK), "--seconds", str(SECONDS), "--json", str(report_file)],
        capture_output=True,
        text=True,
        timeout=SECONDS + 300,  # + building the bundled store and starting dti serve
    )
    report = json.loads(report_file.read_text(encoding="utf-8"))
    with capsys.disabled():  # in the CI log whether the test passes or not
        print(
            f"\nsoak {SECONDS:.0f} s, {report['clients']} clients: {report['requests']} requests, "
            f"p99 {report['p99_s']} s, statuses {report['statuses']}, "
            f"memory growth after warm-up x{report['memory_growth_after_warm_up']}"
        )
    assert report["seconds"] == SECONDS
    assert report["unexpected"] == 0 and report["unexpected_5xx"] == 0, report["unexpected_examples"]
    warm = [kb for t, kb in report["memory_kb"] if t >= report["warm_up_s"]]
    assert len(warm) >= 3, report["memory_kb"]  # flat is measured, not assumed from too few samples
    assert report["memory_growth_after_warm_up"] <= report["memory_growth_limit"], report["memory_kb"]
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert report["clients"] == 32 and report["requests"] > 100
    assert set(report["latency_s"]) >= {"canned", "sparql", "dereference", "hostile"}
    assert report["p99_s"] > 0
    assert report["statuses"].get("200", 0) > 0, "nothing was answered"
