"""``dti evaluate``: precision and recall of extraction on a labelled corpus (see dti_kg.evaluation)."""

from __future__ import annotations

from pathlib import Path

import click

from dti_kg.evaluation import evaluate, report


@click.command("evaluate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--summary", is_flag=True, help="Only the table of scores, not every miss and wrong claim.")
def evaluate_command(paths: tuple[Path, ...], summary: bool) -> None:
    """Extract labelled articles (files with a .expected.jsonl beside them) and score the claims.

    Prints precision and recall per language and per split (the folder name, e.g. dev/test),
    then, per article, the claims that were wrong and the ones that were missed.
    """
    click.echo(report(evaluate(list(paths)), details=not summary))
