"""What an incremental build takes from the build it follows, and when it must not take anything.

A build records in ``increment.json`` the fingerprint of everything besides its sources that its
store depends on (cache layout, loader version, shapes, ontology, reference data, base IRI, dti-kg
version) and the cache key of every source graph it serves. The next build over the same store starts
from a checkpoint of that store (hard links: milliseconds) when the fingerprint is the same and no
review decisions are involved, and then rewrites only the graphs whose key changed, the graphs every
source feeds (validation, reconciliation, review) and the dumps' spans that hold them
(:mod:`dti_kg.dumps`). Anything else (no previous build, another fingerprint, a damaged or missing
file) gives a full build, with a one-line message saying why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dti_kg import __version__, store
from dti_kg.dumps import INDEX
from dti_kg.errors import StoreError, first_line

MANIFEST = "increment.json"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class PreviousBuild:
    build_dir: Path
    graphs: dict[str, str]  # served source graph IRI -> its cache key

    @property
    def oxigraph(self) -> Path:
        return self.build_dir / store.OXIGRAPH_DIR


def fingerprint(cache_version: str, reference_digest: str) -> str:
    """Everything but the sources that a build's store and dumps depend on."""
    return f"{cache_version}-{__version__}-{reference_digest}"


def previous_build(
    p: store.StorePaths, fingerprint: str, decisions: bool, say: Progress
) -> PreviousBuild | None:
    """The current build of ``p``, if the next build may start from it; else None, saying why."""
    if not p.link.is_symlink():
        return None  # the first build of this store: nothing to start from, nothing to say
    try:
        build_dir = store.current_build_dir(p.link)
    except StoreError as exc:
        say(f"full build: {exc}")
        return None
    why = _unusable(build_dir, fingerprint, decisions)
    if why:
        say(f"full build: {why}")
        return None
    data = json.loads((build_dir / MANIFEST).read_text(encoding="utf-8"))
    return PreviousBuild(build_dir, dict(data["graphs"]))


def _unusable(build_dir: Path, fingerprint: str, decisions: bool) -> str:
    """Why the next build cannot start from ``build_dir`` ("" when it can)."""
    if decisions:
        return "review decisions are applied to a full build"
    try:
        data = json.loads((build_dir / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(data.get("graphs"), dict):
            return f"{build_dir / MANIFEST} has no graphs"
    except (OSError, ValueError) as exc:
        return f"cannot read {build_dir / MANIFEST} ({first_line(exc)})"
    if data.get("decisions"):
        return f"the current build {build_dir.name} applied review decisions"
    if data.get("fingerprint") != fingerprint:
        return (
            f"the loader, shapes, reference data or dti-kg version changed since the current build "
            f"{build_dir.name}"
        )
    missing = [
        n
        for n in ("dump.nq", "dump.trig", "dump.nq.gz", "dump.trig.gz", INDEX)
        if not (build_dir / n).is_file()
    ]
    if missing:
        return f"the current build {build_dir.name} lacks {', '.join(missing)}"
    return ""


def write_manifest(build_dir: Path, fingerprint: str, graphs: dict[str, str], decisions: bool) -> None:
    """Record what the next build needs to start from this one."""
    data = {"fingerprint": fingerprint, "decisions": decisions, "graphs": dict(sorted(graphs.items()))}
    store.write_atomically(build_dir / MANIFEST, json.dumps(data, indent=0, sort_keys=True))
