"""The bundled snapshot: the validated article graphs of the seed corpus, as sorted N-Quads.

Whole articles are not shipped; the snapshot holds what was extracted from them (claims, short
evidence quotes with offsets, source metadata and hashes), so a fresh clone without ``../shared``
still builds a store with real data.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from dti_kg.config import DEFAULT_BASE_IRI
from dti_kg.errors import DtiError
from dti_kg.iri import Minter
from dti_kg.serialize import dump_nquads
from dti_kg.source_entries import Cache, Entry, SourceOutcome, gather_sources, reference_graphs, shape_gate
from dti_kg.sources import article_sources


def snapshot_text(corpus: Path) -> str:
    """Sorted N-Quads of the article graphs built from ``corpus`` (always on the default base IRI)."""
    minter = Minter(DEFAULT_BASE_IRI)
    reference = reference_graphs(minter)
    graphs = pyoxigraph.Store()

    def take(outcome: SourceOutcome, entry: Entry) -> None:
        assert outcome.graph is not None
        for part in (entry.graph, entry.review):  # candidates too: each build moves them to review
            if part:
                graphs.load(
                    part.encode(),
                    format=pyoxigraph.RdfFormat.N_TRIPLES,
                    to_graph=pyoxigraph.NamedNode(outcome.graph),
                )

    outcomes = gather_sources(
        article_sources([corpus]),
        minter,
        Cache(None, ""),
        lambda: shape_gate(reference),
        lambda _m: None,
        take,
    )
    failed = [o for o in outcomes if o.status != "served"]
    if failed:
        lines = "; ".join(f"{o.name}: {o.reason or o.report.splitlines()[0]}" for o in failed)
        raise DtiError(f"the snapshot must come from sources that all pass validation: {lines}")
    return dump_nquads(graphs)


def write_snapshot(corpus: Path, output: Path) -> int:
    if not output.parent.is_dir():
        raise DtiError(f"{output.parent} does not exist: run `dti snapshot` from the checkout")
    text = snapshot_text(corpus)
    output.write_text(text, encoding="utf-8")
    return text.count("\n")
