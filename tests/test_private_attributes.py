"""No module of supportkb touches a private attribute of another library's object.

A library may rename its private attributes in any release (search once read Whoosh's block
reader this way); only its public API is a promise. The check reads every module's syntax tree:
`x._name` and getattr(x, "_name") are allowed only on self, cls, or a name supportkb defines or
imports from itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGE_FOLDERS = ("supportkb", "generator", "search", "gaps")
"""Installed as supportkb, supportkb.generator, supportkb.search, supportkb.gaps."""

ALLOWED: dict[tuple[str, str], str] = {}
"""(file, attribute) pairs that are supportkb's own attribute on an object it created."""

ATTRIBUTE_FUNCTIONS = {"getattr", "hasattr", "setattr", "delattr"}


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def own_names(tree: ast.Module) -> set[str]:
    """Names this module defines or imports from supportkb (and self, cls)."""
    names = {"self", "cls"}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("supportkb"):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("supportkb"):
                    names.add(alias.asname or alias.name.split(".")[0])
    return names


def root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def private_reads(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, attribute, expression) of each private attribute used on a foreign object."""
    tree = ast.parse(source)
    own = own_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            if root_name(node.value) not in own:
                yield node.lineno, node.attr, ast.unparse(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_FUNCTIONS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
            and root_name(node.args[0]) not in own
        ):
            yield node.lineno, node.args[1].value, ast.unparse(node)


def test_no_module_reads_a_private_attribute_of_a_dependency() -> None:
    found = []
    for folder in PACKAGE_FOLDERS:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).as_posix()
            for line, attribute, expression in private_reads(path.read_text(encoding="utf-8")):
                if (relative, attribute) not in ALLOWED:
                    found.append(f"{relative}:{line}: {expression}")
    assert found == [], "use the library's public API instead:\n" + "\n".join(found)


def test_the_check_sees_what_search_once_did() -> None:
    source = """
from whoosh.util.numeric import byte_to_length
from supportkb.search.engine import SearchIndex

class Arrays:
    def read(self, leaf, perdoc):
        matcher = leaf._terms.matcher("body", b"refund")
        column = getattr(perdoc, "_cached_reader")
        self._fine = SearchIndex._from_generation
        return matcher._data, column, byte_to_length(3).__class__
"""
    assert sorted((line, attribute) for line, attribute, _ in private_reads(source)) == [
        (7, "_terms"),
        (8, "_cached_reader"),
        (10, "_data"),
    ]
