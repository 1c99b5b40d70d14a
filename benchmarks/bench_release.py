"""What recording a release costs a build, against the build itself, in the same run (not a test).

    .venv/bin/python benchmarks/bench_release.py [--articles ../shared/corpus]

Builds release A from all but the last article and release B from all of them (B's build includes
recording it), then times the recording's parts on B alone: the content hash of the dump, the claim
diff against A, and the zip (tables, CSVW metadata, README). Reports them as a fraction of B's build
and of a cached rebuild of the same inputs.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph

from dti_kg import releases, store
from dti_kg.build import build_store
from dti_kg.diff import claims_of, diff_claims
from dti_kg.release_zip import release_files, write_release_zip


def _opened(release: releases.Release) -> pyoxigraph.Store:
    return pyoxigraph.Store.read_only(str(release.build_dir / store.OXIGRAPH_DIR))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=Path, default=Path("../shared/corpus"))
    args = parser.parse_args()
    files = sorted(args.articles.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        first = root / "a"
        first.mkdir()
        for f in files[:-1]:
            shutil.copy(f, first / f.name)
        link = root / "store"
        build_store(link, [first])
        start = time.perf_counter()
        build_store(link, files)
        build_b = time.perf_counter() - start
        a, b = releases.kept_releases(link)[-2:]
        old, new = _opened(a), _opened(b)
        start = time.perf_counter()
        releases.content_hash(new)
        hashing = time.perf_counter() - start
        start = time.perf_counter()
        diff_claims(claims_of(old), claims_of(new), a.info, b.info)
        diffing = time.perf_counter() - start
        start = time.perf_counter()
        write_release_zip(root / "bench.zip", release_files(new, b.info))
        zipping = time.perf_counter() - start
        start = time.perf_counter()
        build_store(link, files)
        cached = time.perf_counter() - start
    record = hashing + diffing + zipping
    print(f"build of B {build_b:.2f} s (cached rebuild {cached:.2f} s)")
    print(f"recording B: hash {hashing:.3f} s, diff {diffing:.3f} s, zip {zipping:.3f} s = {record:.3f} s")
    print(f"recording / build of B = {record / build_b:.3f}")
    print(f"recording / cached rebuild = {record / cached:.3f}")


if __name__ == "__main__":
    main()
