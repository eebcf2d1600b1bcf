"""The CI files parse, match GitHub's and GitLab's schemas, and call kb commands that exist."""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from supportkb.cli import main
from supportkb.generator.authoring.scaffold import scaffold_files
from tests.conftest import REPO_ROOT

TEMPLATES = scaffold_files(site_name="Acme Help Center", ci="both", owner="sam")
GITHUB = {"repository": (REPO_ROOT / ".github/workflows/help-center.yml").read_text(encoding="utf-8"), "kb init": TEMPLATES[".github/workflows/help-center.yml"]}
GITLAB = {"repository": (REPO_ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"), "kb init": TEMPLATES[".gitlab-ci.yml"]}


def load_workflow(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    if True in data:  # YAML 1.1 reads the key 'on' as true; GitHub reads it as 'on'.
        data["on"] = data.pop(True)
    return data


def schema_errors(name: str, data: dict[str, Any]) -> list[str]:
    """Errors against SchemaStore's schema, as vendored (offline) by check-jsonschema."""
    import jsonschema

    schema = json.loads((resources.files("check_jsonschema.builtin_schemas.vendor") / f"{name}.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(data)]


_COMMAND_START = {";", "&&", "||", "|", "then", "else", "do", "(", "{"}


def kb_commands(script: str) -> list[list[str]]:
    """Every `kb ...` command in a shell script, as argument lists, with $VARIABLES left in."""
    found: list[list[str]] = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|(){}")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
        for index, token in enumerate(tokens):
            if token == "kb" and (index == 0 or tokens[index - 1] in _COMMAND_START):
                command = []
                for argument in tokens[index + 1 :]:
                    if argument in _COMMAND_START or argument in (">", "2>"):
                        break
                    command.append(argument)
                found.append(command)
    return found


def ci_commands() -> list[tuple[str, list[str]]]:
    commands: list[tuple[str, list[str]]] = []
    for origin, text in GITHUB.items():
        for job in load_workflow(text)["jobs"].values():
            for step in job.get("steps", []):
                commands += [(f"GitHub ({origin})", c) for c in kb_commands(step.get("run", ""))]
    for origin, text in GITLAB.items():
        for key, job in yaml.safe_load(text).items():
            scripts = job if key == "before_script" else job.get("script", []) if isinstance(job, dict) else []
            for line in scripts if isinstance(scripts, list) else []:
                commands += [(f"GitLab ({origin})", c) for c in kb_commands(line)]
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    commands += [("pre-commit hooks", shlex.split(h["entry"])[1:]) for h in hooks]
    local = yaml.safe_load(TEMPLATES[".pre-commit-config.yaml"])
    commands += [("pre-commit config (kb init)", shlex.split(h["entry"])[1:]) for repo in local["repos"] for h in repo["hooks"]]
    return commands


def _params() -> list[Any]:
    return [pytest.param(args, id=f"{origin}: kb {' '.join(args)}") for origin, args in ci_commands()]


def test_ci_files_call_kb_check_stale_and_build() -> None:
    called = {(origin.split(" (")[0], args[0]) for origin, args in ci_commands()}
    for ci in ("GitHub", "GitLab"):
        assert {(ci, "check"), (ci, "stale"), (ci, "build")} <= called


@pytest.mark.parametrize("args", _params())
def test_commands_called_by_ci_exist(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "CHANGELOG.md").write_text("## 1.0.0\n\n- First release.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = [a.replace("$RELEASE_NOTES", "CHANGELOG.md") for a in args]
    context = click.Context(main, info_name="kb")
    command = main.get_command(context, args[0])
    assert command is not None, f"kb has no command {args[0]!r}"
    command.make_context(args[0], args[1:], parent=context)  # Raises UsageError for unknown options or bad values.


@pytest.mark.parametrize("origin", list(GITHUB))
def test_github_workflow_checks_pull_requests_and_deploys_main(origin: str) -> None:
    workflow = load_workflow(GITHUB[origin])
    assert schema_errors("github-workflows", workflow) == []
    assert "pull_request" in workflow["on"] and workflow["on"]["push"]["branches"] == ["main"]
    check, deploy = workflow["jobs"]["check"], workflow["jobs"]["deploy"]
    upload = next(s for s in check["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    assert "refs/heads/main" in upload["if"] and "pull_request" in upload["if"]
    assert deploy["needs"] == "check" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


@pytest.mark.parametrize("origin", list(GITLAB))
def test_gitlab_ci_checks_merge_requests_and_deploys_pages(origin: str) -> None:
    pipeline = yaml.safe_load(GITLAB[origin])
    assert schema_errors("gitlab-ci", pipeline) == []
    assert pipeline["check"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    pages = pipeline["pages"]
    assert pages["artifacts"]["paths"] == ["public"] and "kb build --strict --site-dir public" in pages["script"]


def test_schemas_do_catch_mistakes() -> None:
    broken = load_workflow(GITHUB["kb init"])
    del broken["jobs"]["check"]["runs-on"]
    assert schema_errors("github-workflows", broken)
    broken_gitlab = yaml.safe_load(GITLAB["kb init"])
    broken_gitlab["pages"]["script"] = 5
    assert schema_errors("gitlab-ci", broken_gitlab)


def test_pre_commit_hooks_manifest() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["kb-check", "kb-check-strict"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        pattern = re.compile(hook["files"])
        assert pattern.search("kb/articles/billing/refunds.md") and pattern.search("mkdocs.yml")
        assert not pattern.search("src/app.py")
    config = yaml.safe_load(TEMPLATES[".pre-commit-config.yaml"])
    assert config["repos"][0]["repo"] == "local"
    assert config["repos"][0]["hooks"][0]["entry"] == "kb check"


def test_kb_commands_are_found_in_shell_lines() -> None:
    script = 'if [ -f "$X" ]; then\n  kb stale --release "$X" --format github\nelse echo "kb is great"; fi\npip install kb && kb build --strict # kb check\n'
    assert kb_commands(script) == [["stale", "--release", "$X", "--format", "github"], ["build", "--strict"]]
