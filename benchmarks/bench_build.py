"""Build cost against named baselines, measured in the same run (not part of the test suite).

    .venv/bin/python benchmarks/bench_build.py [--sizes 10,40,160]

Reports, for N generated articles (our own short texts, one DTI claim each):
- gate: the one-run ShapeGate vs the baseline "naive": one plain pyshacl call per source, on that source's
  nodes (ratio naive/gate);
- build: a fresh `build_store` per N, with seconds per source (linear cost means a flat column);
- cache: a rebuild of unchanged sources vs the fresh build of the same sources (ratio).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyshacl
import rdflib

from dti_kg.build import Cache, build_store, gather_sources, reference_graphs
from dti_kg.gazetteer import gazetteer
from dti_kg.iri import Minter
from dti_kg.resources import ontology_file, read_text, shape_files
from dti_kg.sources import article_sources
from dti_kg.validate import ShapeGate


def write_articles(folder: Path, n: int) -> None:
    units = gazetteer().pre_merger
    for i in range(n):
        unit = units[i % len(units)]
        (folder / f"a{i:04}.txt").write_text(
            f"{unit.name_vi} và chuyển đổi số (bài {i})\n\n"
            f"Theo DTI 2021, tỉnh {unit.name_vi} đứng thứ {i % 63 + 1}/63 tỉnh, thành phố"
            " về chuyển đổi số.\n",
            encoding="utf-8",
        )


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def bench_gate(folder: Path, minter: Minter) -> tuple[float, float, int]:
    reference = reference_graphs(minter)
    _outcomes, graphs, _reports = gather_sources(
        article_sources([folder]), minter, Cache(None, ""), reference, lambda _m: None
    )
    sources = {iri: g for iri, g in graphs.items()}
    context = rdflib.Graph()
    for g in reference.values():
        context += g
    gate_seconds, _ = timed(ShapeGate(context).validate, sources)

    shapes = rdflib.Graph()
    for f in shape_files():
        shapes.parse(data=read_text(f), format="turtle")
    ontology = rdflib.Graph().parse(data=read_text(ontology_file()), format="turtle")

    def naive() -> None:
        # One pyshacl call per source, each only on that source's own nodes (so the reference data is
        # looked up, not re-validated): what remains is the per-call cost the gate avoids.
        for g in sources.values():
            data = rdflib.Graph()
            data += context
            data += g
            focus = sorted({s for s in g.subjects() if isinstance(s, rdflib.URIRef)})
            pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, advanced=True, focus_nodes=focus)

    naive_seconds, _ = timed(naive)
    return gate_seconds, naive_seconds, len(sources)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,40,160", help="comma-separated numbers of articles")
    parser.add_argument("--gate-size", type=int, default=10, help="articles for the gate vs naive comparison")
    args = parser.parse_args()
    minter = Minter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        gate_dir = root / "gate"
        gate_dir.mkdir()
        write_articles(gate_dir, args.gate_size)
        gate_s, naive_s, n = bench_gate(gate_dir, minter)
        print(
            f"gate ({n} sources): one run {gate_s:.2f} s; naive per-source pyshacl {naive_s:.2f} s; "
            f"naive/gate = {naive_s / gate_s:.1f}x"
        )
        print(f"{'sources':>8} {'fresh s':>8} {'s/source':>9} {'cached s':>9} {'fresh/cached':>13}")
        for size in (int(x) for x in args.sizes.split(",")):
            folder = root / f"in{size}"
            folder.mkdir()
            write_articles(folder, size)
            store_path = root / f"store{size}"
            fresh, result = timed(build_store, store_path, [folder])
            assert result.ok, result.quarantined[:3]
            cached, _ = timed(build_store, store_path, [folder])
            print(f"{size:>8} {fresh:>8.2f} {fresh / size:>9.3f} {cached:>9.2f} {fresh / cached:>13.1f}")


if __name__ == "__main__":
    main()
