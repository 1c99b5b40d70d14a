"""The ``dti`` command. Each subcommand lives in its own module of this package."""

from __future__ import annotations

import importlib

import click

from dti_kg import __version__
from dti_kg.errors import DtiError, StorageFailure, first_line
from dti_kg.limits import MEMORY_NOTE
from dti_kg.names import shown

# command name -> (module of this package, attribute holding the click command); one line per subcommand.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "build_command"),
    "snapshot": ("build", "snapshot_command"),
    "query": ("query", "query_command"),
    "export": ("query", "export_command"),
    "stats": ("query", "stats_command"),
    "serve": ("serve", "serve_command"),
    "extract": ("extract", "extract_command"),
    "audit": ("audit", "audit_command"),
    "review": ("review", "review_command"),
    "evaluate": ("evaluate", "evaluate_command"),
    "diff": ("diff", "diff_command"),
    "releases": ("diff", "releases_command"),
    "publish": ("publish", "publish_command"),
}


class _Group(click.Group):
    """Loads subcommands from COMMANDS and turns DtiError into a one-line message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        # Imported on demand, so that each command loads only its own stack (`dti query` no pyshacl,
        # `dti build` no Flask): this is the one place where dti_kg modules are imported lazily.
        return getattr(importlib.import_module(f"dti_kg.cli.{module}"), attr)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DtiError as exc:
            # Messages quote file names, which may hold any bytes: escape each line so it prints.
            message = "\n".join(shown(line) for line in str(exc).splitlines())
            click.secho(f"error: {message}", err=True, fg="red")
            ctx.exit(exc.exit_code)
        except OSError as exc:  # the machine, not the input: disk full, I/O error
            click.secho(f"error: {shown(first_line(exc))}", err=True, fg="red")
            ctx.exit(StorageFailure.exit_code)
        except MemoryError:
            click.secho(f"error: out of memory ({MEMORY_NOTE})", err=True, fg="red")
            ctx.exit(StorageFailure.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dti")
def main() -> None:
    """DTI-KG: Vietnam's provincial Digital Transformation Index as a validated RDF knowledge graph.

    \b
    Typical use:
      dti build --store store          build the store from the bundled graph
      dti build --articles DIR --store store
      dti query "SELECT ..." --store store --format csv
      dti serve --store store          SPARQL endpoint and linked-data pages
    """
