"""The writers' commands: kb init, kb new, kb stats, kb import, kb adopt (thin over the library)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from supportkb.generator.cli_options import config_option, format_options, output_option, project_options, write_output
from supportkb.generator.core.project import display_path
from supportkb.generator.importers import VENDORS


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", "site_name", help="The site's name (default: from the folder name, e.g. 'Acme Help Center').")
@click.option("--ci", type=click.Choice(["github", "gitlab", "both", "none"]), default="github", show_default=True, help="Which CI configuration to write.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder: add missing files, keep every existing one as it is.")
def init(directory: Path, site_name: str | None, ci: str, force: bool) -> None:
    """Create a new help center in DIRECTORY that builds with no edits.

    \b
    Example:
      kb init acme-help --name "Acme Help Center" --ci gitlab
    """
    from supportkb.generator.authoring.scaffold import init_project

    result = init_project(directory, site_name=site_name, ci=ci, force=force)
    for relative in result.written:
        click.echo(f"created {directory / relative}")
    for relative in result.kept:
        click.echo(f"kept    {directory / relative} (it already existed)")
    click.echo(
        f"\nNext:\n  cd {directory}\n  kb serve                 # preview while you write\n"
        '  kb new "Your first question" --category getting-started\n  kb check && kb build\n'
        f"\nAlready have Markdown articles? Copy them into {directory / 'kb/articles'}/ and run kb check && kb build.",
        err=True,
    )


@click.command()
@click.argument("title")
@click.option("-c", "--category", help="A category id from kb/categories.yml (also the article's folder).")
@click.option("--audience", type=click.Choice(["public", "internal"]), default="public", show_default=True, help="public: on the site; internal: for agents only.")
@click.option("--summary", default="", help="One sentence shown in search results.")
@click.option("-t", "--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--owner", help="Who keeps the article right (default: from git config user.email/user.name).")
@project_options
def new(title: str, category: str | None, audience: str, summary: str, tags: tuple[str, ...], owner: str | None, kb_dir: Path | None, config_file: Path | None) -> None:
    """Create an article titled TITLE with complete front matter and print its path.

    \b
    Example:
      kb new "How do I export my invoices?" --category billing --tag invoices
    """
    from supportkb.generator.authoring.new_article import create_article
    from supportkb.generator.core.project import find_project

    project = find_project(kb=kb_dir, config_file=config_file)
    created = create_article(project, title, category=category, audience=audience, summary=summary, tags=tags, owner=owner)  # type: ignore[arg-type]
    click.echo(display_path(created.path))
    if not created.owner:
        click.echo("note: no owner set (git config user.email is empty); pass --owner or fill it in", err=True)


@click.command()
@project_options
@format_options("text", "json", default="text")
@output_option
def stats(kb_dir: Path | None, config_file: Path | None, output_format: str, output: Path | None) -> None:
    """Count articles by category, audience, owner and review status.

    \b
    Example:
      kb stats --json -o stats.json
    """
    from supportkb.generator.core.articles import load_articles
    from supportkb.generator.core.categories import load_categories
    from supportkb.generator.checking.check import lint_config_for
    from supportkb.generator.core.project import find_project
    from supportkb.generator.authoring.stats import compute_stats, format_stats

    from supportkb.generator.core.categories import help_center_categories

    project = find_project(kb=kb_dir, config_file=config_file)
    loaded = load_articles(project.articles_dir)
    result = compute_stats(
        loaded,
        help_center_categories(load_categories(project.categories_file), loaded.articles),
        default_review_every_days=lint_config_for(project).review_every_days,
    )
    if output_format == "json":
        write_output(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n", output)
    else:
        write_output(format_stats(result), output)


@click.command("import")
@click.argument("source", type=click.Choice(list(VENDORS)))
@click.argument("export", type=click.Path(path_type=Path, exists=True))
@click.option(
    "--audience",
    type=click.Choice(["auto", "public", "internal"]),
    default="auto",
    show_default=True,
    help="auto: as the export says (Confluence: internal); internal: everything internal; "
    "public: also publish Confluence pages. Drafts and restricted articles always stay internal.",
)
@click.option("--owner", help="Owner of every imported article (default: the export's author).")
@click.option("--overwrite", is_flag=True, help="Replace articles edited here since the last import.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@project_options
@format_options("text", "json", default="text")
@output_option
def import_(source: str, export: Path, audience: str, owner: str | None, overwrite: bool, dry_run: bool, output_format: str, output: Path | None, kb_dir: Path | None, config_file: Path | None) -> None:
    """Convert a help desk's export or a docs tool's folder into articles.

    SOURCE: zendesk, intercom, freshdesk, confluence (EXPORT: the export's folder or JSON file), or
    mkdocs, docusaurus, gitbook, obsidian (EXPORT: the folder holding mkdocs.yml; docs/ and
    sidebars.js; SUMMARY.md; the vault). Re-running updates changed articles only.

    \b
    Examples:
      kb import zendesk zendesk-export/ --dry-run
      kb import mkdocs ../old-docs/
      kb import confluence space-export/ --audience internal --json -o import.json
    """
    from supportkb.generator.core.errors import KBError

    try:
        import markdownify  # noqa: F401
    except ImportError as exc:
        raise KBError("kb import needs the markdownify package", hint="pip install 'markdownify>=0.13'") from exc
    from supportkb.generator.importers import read_export
    from supportkb.generator.importers.report import format_import_report
    from supportkb.generator.importers.write import import_export
    from supportkb.generator.core.project import find_project

    project = find_project(kb=kb_dir, config_file=config_file)
    report = import_export(project, read_export(source, export), audience=audience, owner=owner, overwrite=overwrite, dry_run=dry_run, source_label=display_path(export))  # type: ignore[arg-type]
    if output_format == "json":
        write_output(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n", output)
    else:
        write_output(format_import_report(report), output)


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True), required=False)
@click.option("--write", "write_files", is_flag=True, help="Write the front matter into the files (all or nothing); without it, show the diff.")
@config_option
@format_options("text", "json", default="text")
def adopt(directory: Path | None, write_files: bool, config_file: Path | None, output_format: str) -> None:
    """Write the title, id and category supportkb derives into each article's front matter.

    DIRECTORY is a folder of Markdown articles or a project holding articles/ (default: the
    project of mkdocs.yml). Shows a diff and writes nothing unless --write. Only lines are added:
    the body and existing keys stay byte for byte, and a second run changes nothing.

    \b
    Examples:
      kb adopt                          # the diff of what would be added
      kb adopt docs/ --write
    """
    from supportkb.generator.authoring.adopt import apply_adoption, format_plan, plan_adoption
    from supportkb.generator.core.project import find_project

    project = find_project(kb=directory, config_file=config_file)
    plan = plan_adoption(project)
    written = False
    if write_files and not plan.problems and plan.files:
        apply_adoption(plan)
        written = True
    if output_format == "json":
        click.echo(json.dumps(plan.as_json(written=written), indent=2, ensure_ascii=False))
    else:
        click.echo(format_plan(plan, written=written), nl=False)
    if plan.problems:
        raise SystemExit(1)


COMMANDS = [init, new, stats, import_, adopt]
