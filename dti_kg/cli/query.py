"""``dti query``, ``dti export`` and ``dti stats``: reading the store from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pyoxigraph

from dti_kg import store
from dti_kg.cli.options import open_store, store_option
from dti_kg.errors import InputError
from dti_kg.namespaces import PREFIXES
from dti_kg.query import QueryResult, format_table, run_query, run_select
from dti_kg.serialize import dump_nquads, dump_trig, dump_turtle


@click.command("query")
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "ttl", "nt"]),
    default="table",
    show_default=True,
    help="Output format (ttl/nt for CONSTRUCT and DESCRIBE).",
)
@store_option
def query_command(query: str, fmt: str, store_path: Path) -> None:
    """Run a SPARQL QUERY (text, or a path to a .rq file) on the store.

    The default graph is the union of all named graphs, and the usual prefixes
    (dti:, skos:, prov:, qb:, ...) are predeclared.
    """
    text = _query_text(query)
    with store.reading(store_path):
        _print_result(run_query(open_store(store_path), text), fmt)


def _print_result(result: QueryResult, fmt: str) -> None:
    if isinstance(result, pyoxigraph.QuerySolutions):
        if fmt == "table":
            click.echo(format_table(result), nl=False)
        elif fmt in ("csv", "json"):
            result.serialize(
                sys.stdout.buffer,
                format=pyoxigraph.QueryResultsFormat.CSV
                if fmt == "csv"
                else pyoxigraph.QueryResultsFormat.JSON,
            )
        else:
            raise InputError(f"--format {fmt} is for CONSTRUCT/DESCRIBE queries; use table, csv or json")
    elif isinstance(result, pyoxigraph.QueryBoolean):
        click.echo(json.dumps({"boolean": bool(result)}) if fmt == "json" else str(bool(result)).lower())
    else:
        rdf_format = pyoxigraph.RdfFormat.N_TRIPLES if fmt == "nt" else pyoxigraph.RdfFormat.TURTLE
        # QueryTriples.serialize takes no prefixes; the module-level writer does (N-Triples ignores them).
        prefixes = {k: str(v) for k, v in PREFIXES.items()}
        pyoxigraph.serialize(result, sys.stdout.buffer, format=rdf_format, prefixes=prefixes)


def _query_text(query: str) -> str:
    if query.endswith(".rq"):
        path = Path(query)
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read query file {path}: {exc}") from exc
    return query


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["nq", "trig", "ttl"]), default="nq", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write here instead of standard output."
)
@store_option
def export_command(fmt: str, output: Path | None, store_path: Path) -> None:
    """Dump the whole store deterministically (sorted; the same build gives the same bytes)."""

    dump = {"nq": dump_nquads, "trig": dump_trig, "ttl": dump_turtle}[fmt]
    with store.reading(store_path):
        data = dump(open_store(store_path).quads_for_pattern(None, None, None, None)).encode("utf-8")
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


STATS_QUERY = """
SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph ORDER BY ?graph
"""
COUNTS_QUERY = """
SELECT
  (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?source) AS ?sources)
  (COUNT(DISTINCT ?obs) AS ?official_observations)
WHERE {
  { ?claim a dti:Claim } UNION { ?source a schema:NewsArticle } UNION { ?obs a dti:OfficialObservation }
}
"""


@click.command("stats")
@store_option
def stats_command(store_path: Path) -> None:
    """Counts per named graph, claims, sources and what the last build quarantined."""
    s = open_store(store_path)
    info = store.read_build_info(store_path)
    click.echo(
        f"build {info['build_id']} ({info['input']}), loader {info['loader_version']}, {info['quads']} quads"
    )
    with store.reading(store_path):
        click.echo(format_table(run_select(s, COUNTS_QUERY)), nl=False)
        click.echo(format_table(run_select(s, STATS_QUERY)), nl=False)
    for src in info["sources"]:
        if src["status"] != "served":
            click.echo(f"{src['status']}: {src['name']}: {src.get('reason') or 'failed validation'}")
