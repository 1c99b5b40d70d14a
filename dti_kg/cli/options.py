"""Options shared by several subcommands."""

from __future__ import annotations

from pathlib import Path

import click

from dti_kg.config import BY_NAME

store_option = click.option(
    "--store",
    "store_path",
    default=BY_NAME["STORE"].default,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Store path: a link to the current build, made by `dti build`.",
)
