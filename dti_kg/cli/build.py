"""``dti build`` and ``dti snapshot``."""

from __future__ import annotations

from pathlib import Path

import click

from dti_kg import releases
from dti_kg.build import BuildResult, build_store
from dti_kg.cli.options import store_option
from dti_kg.errors import BuildRefused
from dti_kg.snapshot import write_snapshot


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _summary(result: BuildResult) -> None:
    served = sum(o.status == "served" for o in result.outcomes)
    click.echo(f"{served} source(s) served, {len(result.quarantined)} not served; {result.quads} quads")
    for o in result.quarantined:
        why = o.reason or (o.report.splitlines() or ["failed validation"])[0]
        click.echo(f"  {o.status}: {o.name}: {why}", err=True)
    click.echo(f"report: {result.build_dir / 'report.txt'}", err=True)
    release = releases.current_release(result.store)
    if release is not None and not result.refused:
        click.echo(f"release {release.release_id} (previous: {release.predecessor or 'none'})", err=True)
    if result.kept:
        # prune() lists the served build first
        names = [d.name + (" (served)" if i == 0 else "") for i, d in enumerate(result.kept)]
        click.echo(f"builds kept in {result.kept[0].parent}: {', '.join(names)}", err=True)


@click.command("build")
@click.option(
    "--articles",
    "articles",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Article file or folder (.txt, .html); repeatable. Without it: the bundled snapshot.",
)
@click.option(
    "--decisions",
    type=click.Path(path_type=Path),
    default=None,
    help="A reviewer's CSV of accept/reject decisions on candidate claims (see `dti review`).",
)
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Switch to the new build even if it serves no source or under half of the current build's.",
)
@store_option
def build_command(
    articles: tuple[Path, ...], store_path: Path, decisions: Path | None, allow_shrink: bool
) -> None:
    """Build a validated store and switch to it atomically.

    Each source becomes its own named graph, validated with the SHACL shapes against the
    reference data; a failing source is quarantined (not served) and reported in
    STORE.builds/<build>/report.txt and report.ttl. Exit status 1 when any source was
    quarantined or rejected, 4 when the build was not switched in (it serves no source, or
    under half of the current build's: pass --allow-shrink), 0 otherwise.
    """
    result = build_store(
        store_path,
        list(articles) if articles else None,
        progress=_progress,
        decisions=decisions,
        allow_shrink=allow_shrink,
    )
    _summary(result)
    if result.refused:
        raise BuildRefused(
            f"{result.store} still serves its previous build: the new one was not switched in because "
            f"{result.refused} (pass --allow-shrink to switch anyway)"
        )
    raise SystemExit(0 if result.ok else 1)


@click.command("snapshot")
@click.option(
    "--articles",
    default="../shared/corpus",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The seed corpus folder.",
)
@click.option(
    "--output",
    default="dti_kg/data/seed-articles.nq",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Where to write the snapshot (sorted N-Quads).",
)
def snapshot_command(articles: Path, output: Path) -> None:
    """Regenerate the bundled snapshot: the article graphs built from the seed corpus.

    Run from the checkout; commit the result. The same corpus gives the same bytes.
    """

    count = write_snapshot(articles, output)
    click.echo(f"wrote {count} quads to {output}")
