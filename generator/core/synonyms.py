"""Read kb/synonyms.yml: words and phrases a customer may use for the same thing."""

from __future__ import annotations

from pathlib import Path

from supportkb.generator.core.errors import KBError

HINT = "write one line per term, e.g. 'refund: [money back, reimbursement]'"


def load_synonyms(path: Path) -> dict[str, list[str]]:
    """term -> equivalents from a YAML mapping; a missing file means no synonyms."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise KBError(f"cannot read synonyms: {exc}", path=path) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise KBError(f"invalid YAML: {exc.problem}", path=path, line=line, hint=HINT) from exc
    if data is None:
        return {}
    if isinstance(data, list):  # Also accept a list of groups: [[refund, money back], ...].
        data = {str(group[0]): group[1:] for group in data if isinstance(group, list) and group}
    if not isinstance(data, dict):
        raise KBError(
            "synonyms must be a mapping of a term to its equivalents", path=path, hint=HINT
        )
    synonyms: dict[str, list[str]] = {}
    for term, equivalents in data.items():
        if isinstance(equivalents, (str, int, float)) and not isinstance(equivalents, bool):
            equivalents = [equivalents]
        if not isinstance(equivalents, list) or not all(
            isinstance(e, (str, int, float)) and not isinstance(e, bool) for e in equivalents
        ):
            raise KBError(
                f"synonyms of {term!r} must be a list of words or phrases", path=path, hint=HINT
            )
        synonyms[str(term)] = [str(e) for e in equivalents if str(e).strip()]
    return synonyms
