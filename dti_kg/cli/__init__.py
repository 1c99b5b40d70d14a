"""The ``dti`` command. Each subcommand lives in its own module of this package."""

from __future__ import annotations

import importlib

import click

from dti_kg import __version__
from dti_kg.errors import DtiError

# module name -> attribute holding the click command; one line per subcommand.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("build", "build_command"),
    ("build", "snapshot_command"),
    ("query", "query_command"),
    ("query", "export_command"),
    ("query", "stats_command"),
    ("serve", "serve_command"),
    ("extract", "extract_command"),
    ("audit", "audit_command"),
    ("evaluate", "evaluate_command"),
)


class _Group(click.Group):
    """Loads subcommands from COMMANDS and turns DtiError into a one-line message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._load())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._load().get(name)

    def _load(self) -> dict[str, click.Command]:
        commands: dict[str, click.Command] = {}
        for module, attr in COMMANDS:
            cmd = getattr(importlib.import_module(f"dti_kg.cli.{module}"), attr)
            commands[cmd.name] = cmd
        return commands

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DtiError as exc:
            click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(exc.exit_code)
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
