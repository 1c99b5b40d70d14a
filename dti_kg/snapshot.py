"""The bundled snapshot: the validated article graphs of the seed corpus, as sorted N-Quads.

Whole articles are not shipped; the snapshot holds what was extracted from them (claims, short
evidence quotes with offsets, source metadata and hashes), so a fresh clone without ``../shared``
still builds a store with real data.
"""

from __future__ import annotations

from pathlib import Path

from dti_kg.build import Cache, gather_sources, graph_quads, reference_graphs
from dti_kg.config import DEFAULT_BASE_IRI
from dti_kg.errors import DtiError
from dti_kg.iri import Minter
from dti_kg.serialize import dump_nquads
from dti_kg.sources import article_sources


def snapshot_text(corpus: Path) -> str:
    """Sorted N-Quads of the article graphs built from ``corpus`` (always on the default base IRI)."""
    minter = Minter(DEFAULT_BASE_IRI)
    outcomes, graphs, _reports = gather_sources(
        article_sources([corpus]), minter, Cache(None, ""), reference_graphs(minter), lambda _m: None
    )
    failed = [o for o in outcomes if o.status != "served"]
    if failed:
        lines = "; ".join(f"{o.name}: {o.reason or o.report.splitlines()[0]}" for o in failed)
        raise DtiError(f"the snapshot must come from sources that all pass validation: {lines}")
    served = {o.graph: graphs[o.graph] for o in outcomes if o.graph}
    return dump_nquads(graph_quads(served))


def write_snapshot(corpus: Path, output: Path) -> int:
    if not output.parent.is_dir():
        raise DtiError(f"{output.parent} does not exist: run `dti snapshot` from the checkout")
    text = snapshot_text(corpus)
    output.write_text(text, encoding="utf-8")
    return text.count("\n")
