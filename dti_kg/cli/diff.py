"""``dti diff OLD NEW`` and ``dti releases``: the kept releases of a store and what changed between two."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click
import pyoxigraph

from dti_kg import releases, store
from dti_kg.cli.options import store_option
from dti_kg.config import base_iri
from dti_kg.diff import claims_of, diff_claims, diff_csv, diff_graph
from dti_kg.errors import InputError
from dti_kg.serialize import dump_turtle


def _release(store_path: Path, release_id: str, role: str) -> releases.Release:
    found = releases.find_release(store_path, release_id)
    if found is None:
        kept = ", ".join(r.release_id for r in releases.kept_releases(store_path)) or "none"
        raise InputError(f"{role}: no kept release {release_id!r} in {store_path} (kept: {kept})")
    return found


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "ttl", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@store_option
def diff_command(old: str, new: str, fmt: str, store_path: Path) -> None:
    """The claims added, removed and changed from release OLD to release NEW, each with its reason.

    OLD and NEW are release ids as listed by `dti releases` (e.g. 2026-12-01-1a2b3c4d).
    """
    before, after = _release(store_path, old, "OLD"), _release(store_path, new, "NEW")
    changes = diff_claims(
        claims_of(pyoxigraph.Store.read_only(str(before.build_dir / store.OXIGRAPH_DIR))),
        claims_of(pyoxigraph.Store.read_only(str(after.build_dir / store.OXIGRAPH_DIR))),
        before.info,
        after.info,
    )
    if fmt == "csv":
        sys.stdout.write(diff_csv(changes))
    elif fmt == "json":
        click.echo(json.dumps([asdict(c) for c in changes], indent=2, ensure_ascii=False))
    elif fmt == "ttl":
        sys.stdout.write(dump_turtle(diff_graph(changes, old, new, base_iri())))
    else:
        for c in changes:
            values = f"{c.old_value or '-'} -> {c.new_value or '-'}"
            subject = " ".join(
                (*(x.rsplit("/", 1)[-1] for x in (c.province, c.edition, c.indicator)), c.measure)
            )
            click.echo(f"{c.change:8} {subject:50} {values:20} {c.reason} ({c.source_file})")
        click.echo(f"({len(changes)} change{'s' if len(changes) != 1 else ''} from {old} to {new})")


@click.command("releases")
@store_option
def releases_command(store_path: Path) -> None:
    """The releases kept in the store, oldest first; the current one is marked with *."""
    current = releases.current_release(store_path)
    kept = releases.kept_releases(store_path)
    if not kept:
        raise InputError(f"{store_path}: no releases recorded; run `dti build --store {store_path}`")
    for r in kept:
        mark = "*" if current and r.release_id == current.release_id else " "
        quads = r.info.get("quads", "?")
        click.echo(f"{mark} {r.release_id}  {r.published_text}  {quads} quads  {r.build_id}")
