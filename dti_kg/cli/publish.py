"""``dti publish``: push the served graph to a triple store (SPARQL 1.1 Graph Store Protocol)."""

from __future__ import annotations

from pathlib import Path

import click

from dti_kg.cli.options import store_option
from dti_kg.publish import publish


@click.command("publish")
@click.option(
    "--to",
    "target",
    required=True,
    help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
    "http://localhost:8890/sparql-graph-crud (Virtuoso).",
)
@store_option
def publish_command(target: str, store_path: Path) -> None:
    """Push the store's current build (never quarantined sources) to another triple store.

    Every named graph is replaced with one HTTP PUT, then the release manifest graph is written, then
    the graphs of the previous release that this one no longer has are deleted. It says what it did.
    """
    result = publish(store_path, target)
    for graph in result.replaced:
        click.echo(f"PUT {graph}", err=True)
    for graph in result.removed:
        click.echo(f"DELETE {graph}", err=True)
    click.echo(result.summary())
