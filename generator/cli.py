"""The `sdkgen` command line."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import click

from generator import __version__
from generator.cache import NO_CACHE
from generator.diff import LEVELS, Change, diff_specs
from generator.diff.report import render_changelog, render_json, render_markdown, render_text
from generator.diff.rules import catalogue_markdown, level_rank
from generator.diff.sources import Side, SourceError, resolve
from generator.errors import Location, SpecError
from generator.format import FormatError
from generator.lint import RULES, lint
from generator.loader import load_specs
from generator.output import ForeignFilesError, foreign_files_advice
from generator.pipeline import generate
from generator.render import SDK_VERSION
from generator.schema import SCHEMA_FILES, schema_text

EXIT_OK, EXIT_WARNINGS, EXIT_ERRORS = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sdkgen")
def main() -> None:
    """Generate typed exchange SDKs from YAML endpoint specs."""


@main.command("generate")
@click.option(
    "--specs", "spec_dir", default="specs", show_default=True, type=click.Path(path_type=Path, file_okay=False)
)
@click.option(
    "--out", "out_dir", default="generated", show_default=True, type=click.Path(path_type=Path, file_okay=False)
)
@click.option("--check", is_flag=True, help="Write nothing; print a diff and exit 1 if OUT is stale.")
@click.option("--no-cache", is_flag=True, help="Rebuild everything; neither read nor write .sdkgen-cache/.")
def generate_command(spec_dir: Path, out_dir: Path, check: bool, no_cache: bool) -> None:
    """Generate the SDK, its fixtures and its tests from the specs, all or nothing.

    Exit codes: 0 done (or, with --check, up to date), 1 stale with --check, 2 bad specs or a
    failure (nothing written).
    """
    try:
        result = generate(spec_dir, out_dir, check=check, cache=NO_CACHE if no_cache else None)
    except SpecError as exc:
        click.echo(exc.report(), err=True)
        click.echo(f"nothing written to {out_dir}", err=True)
        sys.exit(EXIT_ERRORS)
    except (FormatError, ForeignFilesError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERRORS)
    comparison = result.comparison
    kept = f", {len(comparison.kept)} kept" if comparison.kept else ""
    if check:
        if comparison.clean:
            click.echo(f"{out_dir} is up to date ({result.files} files{kept})")
            return
        click.echo(comparison.diff, nl=False)
        if comparison.foreign:
            click.echo(foreign_files_advice(out_dir, comparison.foreign), err=True)
        if not comparison.up_to_date:
            click.echo(
                f"{out_dir} is stale: {len(comparison.changed)} changed, {len(comparison.added)} missing, "
                f"{len(comparison.removed)} no longer generated; "
                + ("then " if comparison.foreign else "")
                + "run 'sdkgen generate'",
                err=True,
            )
        sys.exit(EXIT_WARNINGS)
    if comparison.up_to_date:
        click.echo(f"{out_dir} already up to date ({result.files} files{kept})")
    else:
        click.echo(
            f"wrote {out_dir}: {result.files} files ({len(comparison.changed)} changed, "
            f"{len(comparison.added)} added, {len(comparison.removed)} removed)"
        )


@main.command("lint")
@click.argument("spec_dir", default="specs", type=click.Path(path_type=Path, file_okay=False))
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint_command(spec_dir: Path, strict: bool, output: str) -> None:
    """Load SPEC_DIR and report where examples disagree with their field tables.

    Exit codes: 0 clean (acknowledged disagreements do not count), 1 warnings with --strict,
    2 specs that do not load.
    """
    try:
        specs = load_specs(spec_dir)
    except SpecError as exc:
        click.echo(exc.report(), err=True)
        sys.exit(EXIT_ERRORS)
    findings = lint(specs)
    warnings = [f for f in findings if f.severity == "warning"]
    acknowledged = [f for f in findings if f.severity == "acknowledged"]
    if output == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2))
    else:
        for finding in findings:
            where = f" {finding.path}:" if finding.path else ""
            click.echo(f"{finding.location}: {finding.severity} [{finding.rule}]{where} {finding.message}")
            if finding.note:
                click.echo(f"    note: {' '.join(finding.note.split())}")
        endpoints = len(specs.operations)
        click.echo(
            f"{endpoints} endpoint{'s' if endpoints != 1 else ''} in {len(specs.exchanges)} exchange"
            f"{'s' if len(specs.exchanges) != 1 else ''}: {len(warnings)} warning{'s' if len(warnings) != 1 else ''}, "
            f"{len(acknowledged)} acknowledged"
        )
    sys.exit(EXIT_WARNINGS if strict and warnings else EXIT_OK)


@main.command("draft")
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--exchange", "exchange_id", help="The exchange the pages document (else read from the page).")
@click.option(
    "--specs", "spec_dir", default="specs", show_default=True, type=click.Path(path_type=Path, file_okay=False)
)
@click.option("--section", help="The client section of the drafted endpoints (else from the doc URL).")
@click.option("--force", is_flag=True, help="Replace specs that exist.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; show what each draft changes in its spec.")
def draft_command(
    pages: tuple[Path, ...], exchange_id: str | None, spec_dir: Path, section: str | None, force: bool, show_diff: bool
) -> None:
    """Draft an endpoint spec from each documentation page (Markdown, text or HTML).

    Each contradiction of the page is written into the draft as an acknowledgement whose note
    starts with TODO: `sdkgen lint --strict` fails until a maintainer has confirmed each. A page
    that cannot be read writes nothing (exit 2), and no spec is replaced without --force.
    """
    from generator.draft import DraftError, diff_against_current, draft_pages, write_drafts

    try:
        drafts = draft_pages(list(pages), spec_dir, exchange_id, section, force=force or show_diff)
    except DraftError as exc:
        click.echo(f"sdkgen draft: nothing written:\n{exc}", err=True)
        sys.exit(EXIT_ERRORS)
    except SpecError as exc:
        click.echo(exc.report(), err=True)
        sys.exit(EXIT_ERRORS)
    if show_diff:
        for draft in drafts:
            click.echo(diff_against_current(draft) or f"{draft.spec_path}: the draft equals the spec")
        return
    write_drafts(drafts)
    for draft in drafts:
        click.echo(f"wrote {draft.spec_path} from {draft.page}: {len(draft.findings)} contradictions to confirm (TODO)")


@main.command("coverage")
@click.argument("spec_dir", default="specs", type=click.Path(path_type=Path, file_okay=False))
def coverage_command(spec_dir: Path) -> None:
    """Print what the specs cover (Markdown): per exchange and section, each endpoint with its
    method, path, rate limit, permission and acknowledged documentation contradictions."""
    from generator.render.coverage import coverage_markdown

    try:
        specs = load_specs(spec_dir)
    except SpecError as exc:
        click.echo(exc.report(), err=True)
        sys.exit(EXIT_ERRORS)
    click.echo(coverage_markdown(specs), nl=False)


@main.command("rules")
def rules_command() -> None:
    """List the lint rules with a one-line explanation each."""
    for rule, explanation in RULES.items():
        click.echo(f"{rule:28} {explanation}")


@main.command("schema")
@click.option(
    "--out",
    "out_dir",
    default="specs/_schema",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write exchange.schema.json and endpoint.schema.json to.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the folder's copies are stale.")
def schema_command(out_dir: Path, check: bool) -> None:
    """Export the spec format's JSON Schemas for editors (yaml-language-server)."""
    stale = []
    for kind, name in SCHEMA_FILES.items():
        target = out_dir / name
        text = schema_text(kind)
        if check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")
    if stale:
        click.echo(f"stale schema copies (run 'sdkgen schema --out {out_dir}'): {', '.join(stale)}", err=True)
        sys.exit(EXIT_WARNINGS)


@main.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--base", "base", metavar="REV", help="Compare REV's specs/ with the working tree's specs/.")
@click.option("--format", "output", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(list(LEVELS)),
    help="Exit 1 when a change at this level or a more severe one exists.",
)
@click.option("--changelog", is_flag=True, help="Print release notes with the suggested version bump instead.")
@click.option("--current-version", default=SDK_VERSION, show_default=True, help="Version the changelog bumps from.")
@click.option("--list-rules", is_flag=True, help="Print the catalogue of change rules (Markdown) and exit.")
def diff_command(
    old: str | None,
    new: str | None,
    base: str | None,
    output: str,
    fail_on: str | None,
    changelog: bool,
    current_version: str,
    list_rules: bool,
) -> None:
    """Compare two versions of the specs and classify every change.

    OLD and NEW are specs directories or git revisions of this repository (their specs/).
    Moving files, reordering keys or reformatting YAML is not a change. Exit codes: 0, or 1 with
    --fail-on when a change at or above that level exists; 2 on a usage or spec error.
    """
    if list_rules:
        click.echo(catalogue_markdown(), nl=False)
        return
    if base is not None:
        if old is not None or new is not None:
            raise click.UsageError("give either --base REV or OLD NEW, not both")
        old, new = base, "specs"
    if old is None or new is None:
        raise click.UsageError("give OLD and NEW (directories or git revisions), or --base REV")
    with ExitStack() as stack:
        try:
            sides = [resolve(old, stack), resolve(new, stack)]
            before, after = (load_specs(side.spec_dir) for side in sides)
        except SourceError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_ERRORS)
        except SpecError as exc:
            click.echo(exc.report(), err=True)
            sys.exit(EXIT_ERRORS)
        changes = diff_specs(before, after)
        changes = [_relabel(change, sides) for change in changes]
    if changelog:
        click.echo(render_changelog(changes, current_version), nl=False)
    else:
        render = {"text": render_text, "markdown": render_markdown, "json": render_json}[output]
        click.echo(render(changes, sides[0].label, sides[1].label), nl=False)
    if fail_on is not None and any(level_rank(c.level) <= level_rank(fail_on) for c in changes):
        sys.exit(EXIT_WARNINGS)


def _relabel(change: Change, sides: list[Side]) -> Change:
    """Show files of a revision as REV:specs/... instead of their temporary copy."""
    for side in sides:
        if side.revision is None:
            continue
        root = str(side.spec_dir.resolve())
        file = str(Path(change.location.file).resolve()) if change.location.file else ""
        if file.startswith(root):
            relative = Path(file).relative_to(root).as_posix()
            location = Location(f"{side.label}/{relative}", change.location.line, change.location.column)
            return replace(change, location=location)
    return change
