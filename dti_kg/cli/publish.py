"""``dti publish``: push the served graph to a triple store (SPARQL 1.1 Graph Store Protocol, and one
SPARQL Update request for an atomic switch where the store offers it)."""

from __future__ import annotations

from pathlib import Path

import click

from dti_kg import config
from dti_kg.cli.options import store_option
from dti_kg.errors import InputError
from dti_kg.publish import Credentials, publish

PASSWORD = config.BY_NAME["PUBLISH_PASSWORD"]  # not an option: argv is visible to every user (ps)


@click.command("publish")
@click.option(
    "--to",
    "target",
    required=True,
    help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
    "http://localhost:8890/sparql-graph-crud-auth (Virtuoso).",
)
@click.option(
    "--update-endpoint",
    default=None,
    help="SPARQL 1.1 Update endpoint of the same store, e.g. http://127.0.0.1:7878/update (Oxigraph) or "
    "http://localhost:8890/sparql-auth (Virtuoso): the release is then switched in one update request "
    "(atomic on Oxigraph). Without it, or if it refuses, graphs are replaced one PUT at a time.",
)
@click.option(
    "--user",
    default=None,
    help=f"User on the target store (HTTP Digest or Basic auth); the password is read from ${PASSWORD.env}.",
)
@store_option
def publish_command(target: str, update_endpoint: str | None, user: str | None, store_path: Path) -> None:
    """Push the store's current build (never quarantined sources) to another triple store.

    With --update-endpoint every graph, the release manifest and the removal of the previous release's
    stale graphs go in one SPARQL Update request. Otherwise every named graph is replaced with one HTTP
    PUT, then the release manifest graph is written, then the graphs of the previous release that this
    one no longer has are deleted. It says what it did.
    """
    credentials = None
    if user is not None:
        password = config.read(PASSWORD.name)
        if not isinstance(password, str) or not password:
            raise InputError(f"--user {user}: set ${PASSWORD.env} to the user's password")
        credentials = Credentials(user, password)
    result = publish(store_path, target, update_endpoint=update_endpoint, credentials=credentials)
    if result.fallback:
        click.echo(f"update endpoint refused, falling back to one PUT per graph: {result.fallback}", err=True)
    verb = ("INSERT", "DROP") if result.update_endpoint else ("PUT", "DELETE")
    for graph in result.replaced:
        click.echo(f"{verb[0]} {graph}", err=True)
    for graph in result.removed:
        click.echo(f"{verb[1]} {graph}", err=True)
    click.echo(result.summary())
