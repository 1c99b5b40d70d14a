"""Run one build and print, as JSON, the wall time and peak memory of each phase (run as a subprocess).

    python -m benchmarks.build_phases ARTICLES_DIR STORE

Phases follow the build's progress messages: prepare (reference data and shapes), extract (reading
sources, from the cache or the files), shacl (extracting and validating fresh sources, batch by batch;
interleaved with extract, each phase's seconds are summed), reconcile, store (the Oxigraph store and
the dumps; before 1 December 2026 also the release), release (release.json, the diff, the zip). Peak
memory is this process's maximum resident set size at the end of the phase (a high-water mark, so it
never falls from one phase to the next); ``workers_peak_mb`` is the largest of the worker processes
that validated fresh batches (0 when none was started), and the build's peak is the larger of the two
(each worker is a separate process: the machine holds both).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

from dti_kg.build import build_store

# progress message prefix -> phase it starts
PHASES = {
    "preparing": "prepare",
    "reading sources": "extract",
    "validating the shipped": "prepare",
    "validating": "shacl",
    "reconciling": "reconcile",
    "writing the store": "store",
    "recording the release": "release",
}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def workers_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(articles: Path, store_path: Path) -> dict[str, object]:
    phases: dict[str, dict[str, float]] = {}
    current = ["start", time.perf_counter()]

    def close(now: float) -> None:
        name, started = current
        if name != "start":
            entry = phases.setdefault(str(name), {"seconds": 0.0, "peak_mb": 0.0})
            entry["seconds"] += now - float(started)
            entry["peak_mb"] = max(entry["peak_mb"], peak_mb())

    def progress(message: str) -> None:
        phase = next((v for k, v in PHASES.items() if message.startswith(k)), None)
        if phase is None or phase == current[0]:
            return
        now = time.perf_counter()
        close(now)
        current[:] = [phase, now]

    started = time.perf_counter()
    result = build_store(store_path, [articles], progress=progress)
    close(time.perf_counter())
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": max(peak_mb(), workers_peak_mb()),
        "main_peak_mb": peak_mb(),
        "workers_peak_mb": workers_peak_mb(),
        "load_average": os.getloadavg()[0],
        "quads": result.quads,
        "served": sum(1 for o in result.outcomes if o.status == "served"),
        "phases": phases,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
