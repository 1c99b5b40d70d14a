"""``dti audit``: re-verify evidence spans against the source files; summarise the reconciliation."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dti_kg.audit import AuditReport, ClaimStatus, SourceCheck, audit_store, status_counts
from dti_kg.cli.options import open_store, store_option

_EXCERPT = 60


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _source_lines(check: SourceCheck) -> list[str]:
    if check.status == "ok":
        return [f"  ok       {check.file_name}: {check.spans} span(s) match"]
    if check.status in {"missing", "unreadable"}:
        return [f"  {check.status.upper():8} {check.file_name}: {check.reason}"]
    lines = [f"  DRIFT    {check.file_name} ({check.path})"]
    if check.hash_changed:
        lines.append(
            f"    hash changed: stored {check.stored_sha256[:16]}…, file now {check.file_sha256[:16]}…"
        )
    for p in check.problems:
        where = f"{p.start}-{p.end}"
        if p.kind == "moved":
            now = ", ".join(f"{a}-{b}" for a, b in p.now_at)
            lines.append(f'    quote moved: "{_short(p.exact)}" was at {where}, now at {now}')
        else:
            lines.append(f'    quote gone: "{_short(p.exact)}" (was at {where})')
        lines.extend(f"      cited by {c}" for c in p.cited_by)
    return lines


def _claim_line(c: ClaimStatus) -> list[str]:
    what = c.measure + (f" since {c.compared_to}" if c.compared_to else "")
    official = ", ".join(c.official_values) or "-"
    cohorts = ", ".join(map(str, c.matched_cohorts)) or "-"
    corroboration = "-" if c.corroboration is None else str(c.corroboration)
    return [
        f"  {c.status:13} {c.province_label or c.province} · DTI {c.edition} · {c.indicator} · {what} = "
        f"{c.value}  | cohort {cohorts} · official {official} · corroborated by {corroboration}",
        f"      source: {c.source or '-'}"
        + (
            f"; stated also by {', '.join(others)}"
            if (others := [s for s in c.sources if s != c.source])
            else ""
        )
        + f"  ({c.claim})",
    ]


def format_text(report: AuditReport) -> str:
    lines = []
    if report.sources is None:
        lines.append("Evidence spans: not re-verified (give --sources DIR to check them against the files)")
    else:
        failures = sum(s.status != "ok" for s in report.sources)
        spans = sum(s.spans for s in report.sources)
        lines.append(
            f"Evidence spans: {spans} span(s) in {len(report.sources)} source(s) checked against "
            f"{', '.join(report.folders)}: {'all match' if not failures else f'{failures} source(s) FAILED'}"
        )
        for check in report.sources:
            lines.extend(_source_lines(check))
    counts = status_counts(report.claims)
    lines.append("")
    lines.append(
        f"Reconciliation: {len(report.claims)} claim(s): "
        + ", ".join(f"{n} {status}" for status, n in counts.items())
    )
    for claim in report.claims:
        lines.extend(_claim_line(claim))
    return "\n".join(lines) + "\n"


@click.command("audit")
@store_option
@click.option(
    "--sources",
    "sources",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder holding the source files (looked up by dti:fileName, also in subfolders); repeatable.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def audit_command(store_path: Path, sources: tuple[Path, ...], fmt: str) -> None:
    """Re-verify every evidence span against its source file and summarise the reconciliation.

    With --sources, each source's file is read again as the build read it: its SHA-256 must equal
    the stored dti:sha256 and every quote must still be at its offsets. Drift (hash changed, quote
    moved or gone) and missing files are reported; exit status 1 when there is any. Without
    --sources only the reconciliation summary is shown.
    """
    report = audit_store(open_store(store_path), list(sources))
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        click.echo(format_text(report), nl=False)
    raise SystemExit(0 if report.ok else 1)
