"""``dti extract``: print the DTI claims found in article files (JSON Lines or a table)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from dti_kg.errors import DtiError
from dti_kg.loaders.documents import expand_paths
from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.records import claim_record, record_sort_key
from dti_kg.model import Extraction
from dti_kg.names import shown

_TABLE_COLUMNS = ("source", "province", "edition", "indicator", "measure", "value", "out_of", "derived")
_QUOTE_WIDTH = 60


def _table(records: list[dict[str, Any]]) -> str:
    rows = [[*(str(r[c]) for c in _TABLE_COLUMNS), r["quote"][:_QUOTE_WIDTH]] for r in records]
    header = [*_TABLE_COLUMNS, "quote"]
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=False)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def _counts(extraction: Extraction) -> str:
    """Kept claims, candidates sent to review, and values refused (each refusal is a note above)."""
    kept, review = len(extraction.claims), len(extraction.candidates)
    return f"{kept} kept, {review} sent to review, {extraction.refused} refused"


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="One JSON object per claim, or an aligned table.",
)
def extract_command(paths: tuple[Path, ...], fmt: str) -> None:
    """Extract DTI claims from article files (.txt, saved .html) or directories of them.

    For each file, stderr says how many claims were kept, how many uncertain values were sent to
    review (`dti review` lists them after a build) and how many values were refused, each with its
    reason. A bad file is reported on stderr (naming the file and the reason) and skipped; the exit
    status is then 1.
    """
    failed = False
    records: list[dict[str, Any]] = []
    files: list[Path] = []
    for path in paths:
        try:
            files.extend(expand_paths([path]))
        except DtiError as exc:
            click.echo(f"error: {shown(str(exc))}", err=True)
            failed = True
    for file in files:
        try:
            extraction = extract_path(file)
        except DtiError as exc:
            click.echo(f"error: {shown(str(exc))}", err=True)
            failed = True
            continue
        for note in extraction.notes:
            click.echo(f"note: {shown(file)}: {note}", err=True)
        for candidate in extraction.candidates:
            quote = extraction.source.cite(candidate.evidence[0]).quote[:_QUOTE_WIDTH]
            click.echo(
                f"review: {shown(file)}: {candidate.measure} {candidate.value}: "
                f"{candidate.reason}: {quote!r}",
                err=True,
            )
        click.echo(f"summary: {shown(file)}: {_counts(extraction)}", err=True)
        records.extend(claim_record(c, extraction.source) for c in extraction.claims)
    records.sort(key=record_sort_key)
    if fmt == "jsonl":
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False, sort_keys=False))
    elif records:
        click.echo(_table(records))
    if failed:
        raise SystemExit(1)
