"""Options shared by several subcommands."""

from __future__ import annotations

from pathlib import Path

import click

store_option = click.option(
    "--store",
    "store_path",
    default="store",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Store path: a link to the current build, made by `dti build`.",
)
