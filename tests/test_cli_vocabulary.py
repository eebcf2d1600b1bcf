"""One CLI vocabulary: every `kb` command spells shared options alike, shows an example, and keeps -o promises."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.generator.cli_options import CONFIG_HELP, FORMATS, JSON_HELP, KB_HELP, OUTPUT_HELP, FormatChoice
from tests.conftest import REPO_ROOT
from tests.gaps.reports.conftest import LoopProject, make_loop_project


def walk(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and subcommand under `kb`, with the words that call it."""
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


COMMANDS = [(("kb",), main), *(((("kb", *words), command)) for words, command in walk(main))]
IDS = [" ".join(words) for words, _ in COMMANDS]


def option(command: click.Command, flag: str) -> click.Option | None:
    return next((p for p in command.params if isinstance(p, click.Option) and flag in p.opts), None)


@pytest.mark.parametrize(("words", "command"), COMMANDS, ids=IDS)
def test_help_ends_with_an_example(words: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(main, [*words[1:], "--help"])
    assert result.exit_code == 0, result.output
    prose = result.output.split("\nOptions:")[0]
    last = prose.rstrip().splitlines()[-1].strip()
    assert last.startswith("kb "), f"{' '.join(words)} --help should end its description with an example, not {last!r}"
    assert "Example" in prose


SHARED = {
    "--kb": (("--kb",), KB_HELP),
    "--config-file": (("-f", "--config-file"), CONFIG_HELP),
    "--output": (("-o", "--output"), OUTPUT_HELP),
    "--json": (("--json",), JSON_HELP),
}
TICKET_FLAGS = ("--input-format", "--text-column", "--id-column", "--date-column", "--tickets")


@pytest.mark.parametrize("flag", [*SHARED, *TICKET_FLAGS])
def test_shared_options_have_one_spelling_and_one_help(flag: str) -> None:
    found = {}
    for words, command in COMMANDS:
        param = option(command, flag)
        if param is not None:
            found[" ".join(words)] = (tuple(param.opts), param.help, param.hidden, param.multiple, param.metavar, param.name)
    assert len(found) >= 2, f"{flag} is shared by fewer than two commands"
    assert len(set(found.values())) == 1, found
    if flag in SHARED:
        opts, text, *_ = next(iter(found.values()))
        assert (opts, text) == SHARED[flag]


def test_short_flags_mean_one_thing() -> None:
    meanings: dict[str, set[str]] = {}
    for _words, command in COMMANDS:
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-") and not opt.startswith("--"):
                    meanings.setdefault(opt, set()).add(max(param.opts, key=len))
    assert meanings["-o"] == {"--output"} and meanings["-f"] == {"--config-file"}


def test_ticket_readers_share_one_group() -> None:
    """`kb gaps` and every `kb report` subcommand that reads tickets take TICKETS and the same reading options."""
    readers = {" ".join(words) for words, command in COMMANDS if any(p.name == "tickets_path" for p in command.params)}
    assert readers == {"kb gaps", "kb report usage", "kb report impact", "kb report spikes", "kb report monthly", "kb report export"}
    for words, command in COMMANDS:
        if " ".join(words) in readers:
            assert all(option(command, flag) is not None for flag in TICKET_FLAGS), words


def test_every_format_choice_is_from_the_one_vocabulary() -> None:
    offered = {}
    for words, command in COMMANDS:
        param = option(command, "--format")
        if param is None:
            continue
        assert isinstance(param.type, FormatChoice), words
        assert set(param.type.choices) <= set(FORMATS), words
        for name in param.type.choices:
            assert f"{name}: {FORMATS[name]}" in (param.help or ""), words
        offered[" ".join(words)] = tuple(param.type.choices)
    assert "kb search" in offered and "kb gaps" in offered and "kb stale" in offered and "kb check" in offered


def test_structured_output_accepts_json() -> None:
    with_json = set()
    for words, command in COMMANDS:
        param = option(command, "--format")
        if param is not None and "json" in param.type.choices:  # type: ignore[attr-defined]
            assert option(command, "--json") is not None, words
            with_json.add(" ".join(words))
    assert with_json >= {"kb check", "kb stats", "kb import", "kb search", "kb gaps", "kb stale",
                         "kb report usage", "kb report impact", "kb report spikes"}


# -o: one invocation per command that offers it; each must write its output to the file, not to stdout.


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> LoopProject:
    loop = make_loop_project(tmp_path_factory.mktemp("vocabulary") / "project")
    (loop.root / "pageviews.csv").write_text("path,views\n/sign-in/reset-password/,120\n", encoding="utf-8")
    return loop


def output_cases(p: LoopProject, tmp: Path) -> dict[str, tuple[list[str], str]]:
    """Arguments for each command with -o, and a string its output holds."""
    kb, tickets, notes = str(p.articles), str(p.tickets), str(p.notes)
    return {
        "kb check": (["check", "-f", str(p.root / "mkdocs.yml"), "--format", "json"], '"findings"'),
        "kb stats": (["stats", "--kb", kb, "--json"], '"articles"'),
        "kb import": (["import", "zendesk", str(REPO_ROOT / "tests/workflow/exports/zendesk"), "--dry-run", "--kb", kb, "--json"], '"created"'),
        "kb search": (["search", "reset password", "--kb", kb, "--index-dir", str(tmp / "index"), "--format", "url"], "sign-in/reset-password/"),
        "kb gaps": (["gaps", tickets, "--kb", kb, "--format", "csv", "-q"], "PDF"),
        "kb stale": (["stale", "--kb", kb, "--release", notes, "--format", "json"], '"flagged"'),
        "kb report usage": (["report", "usage", "--kb", kb, "--pageviews", str(p.root / "pageviews.csv")], "Reset your password"),
        "kb report impact": (["report", "impact", tickets, "--kb", kb, "--json"], '"impacts"'),
        "kb report spikes": (["report", "spikes", tickets, "--kb", kb, "--release", notes], "2.0.0"),
        "kb report monthly": (["report", "monthly", tickets, "--kb", kb, "--format", "md"], "# Support and product review"),
        "kb report export": (["report", "export", tickets, "--kb", kb, "--to", "canny"], "Title,Details,Board,Votes"),
    }


def test_every_command_offering_output_is_tested() -> None:
    offering = {" ".join(words) for words, command in COMMANDS if option(command, "--output") is not None}
    assert offering == set(output_cases(LoopProject(Path(), Path(), Path(), Path()), Path()))


@pytest.mark.parametrize("name", sorted(output_cases(LoopProject(Path(), Path(), Path(), Path()), Path())))
def test_output_option_writes_the_file(name: str, project: LoopProject, tmp_path: Path) -> None:
    args, expected = output_cases(project, tmp_path)[name]
    target = tmp_path / "out" / "result"
    result = CliRunner().invoke(main, [*args, "-o", str(target)])
    assert result.exit_code in (0, 1), result.output  # kb check exits 1 on findings; the file is still written.
    assert expected in target.read_text(encoding="utf-8")
    assert expected not in result.stdout
    assert f"Wrote {target}" in result.stderr


def test_json_is_format_json_and_text_is_an_old_spelling_of_md(project: LoopProject) -> None:
    runner = CliRunner()
    kb = ["--kb", str(project.articles)]
    assert runner.invoke(main, ["stats", *kb, "--json"]).stdout == runner.invoke(main, ["stats", *kb, "--format", "json"]).stdout
    stale = ["stale", *kb, "--release", str(project.notes)]
    as_md = runner.invoke(main, [*stale, "--format", "md"])
    as_text = runner.invoke(main, [*stale, "--format", "text"])
    assert as_md.exit_code == as_text.exit_code == 0 and as_md.stdout == as_text.stdout
    assert "text" not in runner.invoke(main, ["stale", "--help"]).output.split("--format")[1].split("\n")[0]  # Hidden.
    clash = runner.invoke(main, ["stats", *kb, "--json", "--format", "text"])
    assert clash.exit_code == 1 and clash.stderr == "Error: --json and --format text disagree\n  hint: pass only one of them\n"


def test_report_reads_tickets_the_way_gaps_does(project: LoopProject, tmp_path: Path) -> None:
    """TICKETS positional or as the old --tickets, and the reading options (here: renamed columns)."""
    renamed = tmp_path / "renamed.csv"
    rows = list(csv.reader(project.tickets.open(encoding="utf-8")))
    with renamed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Ref", "Headline", "Message", "Opened"], *rows[1:]])
    runner = CliRunner()
    kb = ["--kb", str(project.articles)]
    old = runner.invoke(main, ["report", "export", "--tickets", str(project.tickets), "--to", "jira", *kb])
    new = runner.invoke(main, ["report", "export", str(project.tickets), "--to", "jira", *kb])
    assert old.exit_code == new.exit_code == 0 and old.stdout == new.stdout
    columns = ["--text-column", "Headline", "--text-column", "Message", "--id-column", "Ref", "--date-column", "Opened"]
    read = runner.invoke(main, ["report", "export", str(renamed), "--to", "canny", *columns, *kb])
    assert read.exit_code == 0, read.output
    (post,) = list(csv.DictReader(io.StringIO(read.stdout)))
    assert post["Title"] == "PDF export of report" and post["Ticket IDs"].split(", ")[0].isdigit()
    missing = runner.invoke(main, ["report", "export", "--to", "jira", *kb])
    assert missing.exit_code == 2 and "Missing argument 'TICKETS'" in missing.output
