"""`kb search` and `kb index` through click's runner on the real `kb` group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportkb.cli import main
from tests.conftest import write_article
from tests.search.conftest import SITE_URL


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def in_project(help_center: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(help_center)
    return help_center


def test_first_search_says_it_is_indexing(runner: CliRunner, in_project: Path) -> None:
    result = runner.invoke(main, ["search", "refund"])
    assert result.stderr == f"search: indexing 6 files in {in_project / 'kb/articles'}\n"
    assert runner.invoke(main, ["search", "refund"]).stderr == ""


def test_text_output(runner: CliRunner, in_project: Path) -> None:
    result = runner.invoke(main, ["search", "how", "long", "do", "refunds", "take", "-n", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. Refund policy › How long refunds take  (")
    assert lines[1] == f"   {SITE_URL}billing/refunds/#how-long-refunds-take"
    assert "«Refunds»" in lines[2]


def test_markdown_link_ready_to_paste(runner: CliRunner, in_project: Path) -> None:
    result = runner.invoke(
        main, ["search", "how long do refunds take", "--format", "md", "-n", "1"]
    )
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == f"- [Refund policy › How long refunds take]({SITE_URL}a/123/#how-long-refunds-take)\n"
    )


def test_url_format(runner: CliRunner, in_project: Path) -> None:
    result = runner.invoke(main, ["search", "single sign-on", "--format", "url", "-n", "1"])
    assert result.stdout == f"{SITE_URL}account/sso/\n"


def test_html_format_escapes_and_marks(runner: CliRunner, in_project: Path) -> None:
    result = runner.invoke(main, ["search", "download invoice", "--format", "html", "-n", "1"])
    assert result.stdout.startswith(
        f'<ul>\n<li><a href="{SITE_URL}a/124/#download-an-invoice">Download invoices'
    )
    assert "<mark>Download</mark>" in result.stdout


def test_json_format(runner: CliRunner, in_project: Path) -> None:
    result = runner.invoke(main, ["search", "refnd", "--json", "-n", "2"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["query"] == "refnd"
    assert record["did_you_mean"] == "refund" and record["fuzzy"] is True
    first = record["results"][0]
    assert (first["id"], first["path"], first["url"]) == (
        "123",
        "billing/refunds.md",
        f"{SITE_URL}billing/refunds/",
    )
    assert set(first) >= {
        "path",
        "id",
        "title",
        "url",
        "section",
        "score",
        "snippet",
        "matched_terms",
    }


def test_internal_only_with_flag(runner: CliRunner, in_project: Path) -> None:
    query = ["search", "override refund window", "--format", "url"]
    assert "internal/" not in runner.invoke(main, query).stdout
    assert runner.invoke(main, [*query, "--internal"]).stdout.startswith(
        f"{SITE_URL}internal/refund-overrides/"
    )


def test_did_you_mean_goes_to_stderr(runner: CliRunner, in_project: Path) -> None:
    result = runner.invoke(main, ["search", "refnd", "--format", "url", "-n", "1"])
    assert result.stdout == f"{SITE_URL}billing/refunds/\n"
    assert result.stderr.splitlines()[-1] == "No exact matches; showing results for: refund"


def test_no_results_is_a_message_not_an_error(runner: CliRunner, in_project: Path) -> None:
    result = runner.invoke(main, ["search", "xylophone"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "No results for 'xylophone'."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["search"],
            "Error: nothing to search for\n  hint: type a few words, e.g. kb search refund policy",
        ),
        (
            ["search", "x", "--json", "--format", "md"],
            "Error: --json and --format md disagree\n  hint: pass only one of them",
        ),
        (["search", "x", "--batch", "-"], "Error: give either a QUERY or --batch, not both"),
        (
            ["search", "--batch", "-", "--format", "md"],
            "Error: --batch writes JSON lines\n  hint: drop --format, or pass --json",
        ),
    ],
)
def test_usage_mistakes(runner: CliRunner, in_project: Path, args: list[str], message: str) -> None:
    result = runner.invoke(main, args, input="")
    assert result.exit_code == 1
    assert result.stderr.strip() == message


def test_outside_a_project_says_what_to_do(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["search", "refund"])
    assert result.exit_code == 1
    assert "no mkdocs.yml here or in any parent folder" in result.stderr
    assert "Traceback" not in result.output


# -- the batch contract ---------------------------------------------------------------------------


def write_bare_kb(folder: Path) -> Path:
    write_article(
        folder / "articles/sf-001.md",
        "Strikethrough\n\n## Answer 1\n\nUse ~~tildes~~.\n",
        id="sf-001",
        title="Strikethrough with GitHub Markdown",
    )
    write_article(
        folder / "articles/sf-002.md",
        "Gmail labels\n\n## Answer 1\n\nUse filters.\n",
        id="sf-002",
        title="Gmail labels",
    )
    write_article(
        folder / "articles/notes/plain.md",
        "# Plain page\n\nNo front matter at all, about tildes too.\n",
    )
    return folder


def test_batch_contract(runner: CliRunner, tmp_path: Path) -> None:
    kb = write_bare_kb(tmp_path / "kb")
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"query": "strikethrough on github", "expected": ["sf-001"]}\n'
        '{"query": "zzzz qqqq"}\n'
        "\n"
        '{"query": "", "other": 1}\n'
        '{"query": "tildes", "id": 7}\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        main, ["search", "--kb", str(kb), "--batch", str(queries), "--json", "--limit", "2"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == [
        "strikethrough on github",
        "zzzz qqqq",
        "",
        "tildes",
    ]
    assert [list(line) for line in lines] == [["query", "results"]] * 4
    first = lines[0]["results"][0]
    assert list(first) == ["path", "id", "title", "url", "section", "score"]
    assert (first["path"], first["id"], first["title"], first["url"], first["section"]) == (
        "articles/sf-001.md",
        "sf-001",
        "Strikethrough with GitHub Markdown",
        "sf-001/",
        "",
    )
    assert isinstance(first["score"], float)
    assert lines[1]["results"] == [] and lines[2]["results"] == []
    assert len(lines[3]["results"]) == 2
    assert {r["path"] for r in lines[3]["results"]} == {
        "articles/sf-001.md",
        "articles/notes/plain.md",
    }
    assert not (kb / ".kb-cache").exists()


def test_batch_from_stdin_and_default_limit(runner: CliRunner, tmp_path: Path) -> None:
    kb = tmp_path / "docs"
    for number in range(15):
        write_article(kb / f"page-{number:02}.md", f"Shared word alpha, page {number}.\n")
    result = runner.invoke(
        main, ["search", "--kb", str(kb), "--batch", "-", "--json"], input='{"query": "alpha"}\n'
    )
    assert result.exit_code == 0, result.output
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(line["results"]) == 10
    assert line["results"][0]["path"].startswith("page-")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "not a JSON line"),
        ('["query"]\n', 'each line needs a "query" string'),
        ('{"q": "x"}\n', 'each line needs a "query" string'),
        ('{"query": 5}\n', 'each line needs a "query" string'),
    ],
)
def test_batch_bad_lines(runner: CliRunner, tmp_path: Path, content: str, message: str) -> None:
    kb = write_bare_kb(tmp_path / "kb")
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"query": "ok"}\n' + content, encoding="utf-8")
    result = runner.invoke(main, ["search", "--kb", str(kb), "--batch", str(queries), "--json"])
    assert result.exit_code == 1
    assert f"q.jsonl:2: {message}" in result.stderr
    assert "Traceback" not in result.output


# -- kb index -------------------------------------------------------------------------------------


def test_index_command(runner: CliRunner, in_project: Path) -> None:
    first = runner.invoke(main, ["index"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Indexed 6 articles in ")
    assert first.stdout.rstrip().endswith(str(in_project / ".kb-cache/search-index"))
    assert runner.invoke(main, ["index"]).stdout.startswith("Search index is up to date: ")
    write_article(in_project / "kb/articles/new.md", "Brand new.\n", title="New")
    third = runner.invoke(main, ["index"])
    assert "(1 added, 0 changed, 0 removed)" in third.stdout
    assert runner.invoke(main, ["index", "--rebuild"]).stdout.startswith("Indexed 7 articles in ")


def test_index_command_for_a_bare_folder(
    runner: CliRunner, tmp_path: Path, user_cache: Path
) -> None:
    kb = write_bare_kb(tmp_path / "kb")
    result = runner.invoke(main, ["index", "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    assert f": {user_cache}/index-" in result.stdout
    assert not (kb / ".kb-cache").exists()


def test_commands_are_listed_in_help(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    for name in ("search", "index", "api"):
        assert f"  {name} " in result.stdout
