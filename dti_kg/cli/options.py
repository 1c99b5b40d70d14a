"""Options shared by several subcommands."""

from __future__ import annotations

from pathlib import Path

import click
import pyoxigraph

from dti_kg import store
from dti_kg.config import BY_NAME
from dti_kg.limits import cap_memory
from dti_kg.server.settings import load_settings

store_option = click.option(
    "--store",
    "store_path",
    default=BY_NAME["STORE"].default,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Store path: a link to the current build, made by `dti build`.",
)


def open_store(store_path: Path) -> pyoxigraph.Store:
    """The current build, read-only, in a process capped like a query worker (WORKER_MEMORY_MB)."""
    cap_memory(load_settings()["WORKER_MEMORY_MB"])
    return store.open_read_only(store_path)
