"""Writers' decisions on gaps (kb/gaps-decisions.yml): read, check, and match to this run's clusters.

A writer who has looked at a gap records what to do about it, in the customers' words the report
showed, so the decision finds its cluster again after the tickets change and the clusters with
them:

    - decision: covered by 1042          # or: not a gap | won't write
      questions:
        - "Export timesheet as PDF"
        - "Can I download the timesheet as a PDF file?"
      note: "The export article explains PDF since 2.3"

A decision matches the cluster that holds the tickets closest to most of its questions. The file
is checked whole before anything is applied: one bad entry stops the run with its `path:line`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from supportkb.generator.core.errors import KBError

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

DECISIONS_FILE = "gaps-decisions.yml"
DecisionKind = Literal["covered", "not-a-gap", "wont-write"]
KEYS = frozenset({"decision", "questions", "note", "by", "date"})
MAX_QUESTIONS = 50

_COVERED_BY = re.compile(r"^covered\s+by\s+(.+)$", re.IGNORECASE)
_KINDS: dict[str, DecisionKind] = {
    "not a gap": "not-a-gap", "not-a-gap": "not-a-gap", "no gap": "not-a-gap",
    "won't write": "wont-write", "wont write": "wont-write", "wont-write": "wont-write", "won't-write": "wont-write",
}
HINT = (
    "each entry needs 'decision: covered by <article id or path>' (or 'not a gap', \"won't write\") "
    "and 'questions:' listing phrasings from the gap report; see docs/gaps.md"
)


class DecisionsError(KBError):
    """The decisions file cannot be used as written."""


@dataclass(frozen=True)
class Decision:
    """One writer's decision about one recurring question."""

    kind: DecisionKind
    questions: tuple[str, ...]
    line: int
    """Line of the entry in the file (1-based)."""
    article: int | None = None
    """For 'covered': index of the article in the analysed articles."""
    note: str = ""


@dataclass(frozen=True)
class DecisionsFile:
    """The decisions of one file, checked against the articles."""

    path: Path
    decisions: tuple[Decision, ...]


def find_decisions_file(kb_dir: Path) -> Path | None:
    """kb/gaps-decisions.yml beside the articles folder (or in it), if there is one."""
    for folder in (kb_dir, kb_dir.parent):
        candidate = folder / DECISIONS_FILE
        if candidate.is_file():
            return candidate
    return None


def load_decisions(path: Path, articles: Sequence[Article]) -> DecisionsFile:
    """Read and check every entry; raises DecisionsError at the first bad one (nothing half-read)."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DecisionsError("the decisions file does not exist", path=path,
                             hint=f"create it (see docs/gaps.md), or leave out --decisions to use kb/{DECISIONS_FILE}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"cannot read the decisions file: {exc}", path=path, hint="save it as UTF-8 text") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DecisionsError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}", path=path,
            line=mark.line + 1 if mark is not None else None, hint=HINT,
        ) from None
    if root is None:
        return DecisionsFile(path, ())
    if isinstance(root, yaml.MappingNode):  # Also accept `decisions:` holding the list.
        entries = [value for key, value in root.value if key.value == "decisions"]
        if len(entries) != 1 or len(root.value) != 1:
            raise DecisionsError("expected a list of decisions", path=path, line=root.start_mark.line + 1, hint=HINT)
        root = entries[0]
    if not isinstance(root, yaml.SequenceNode):
        raise DecisionsError("expected a list of decisions", path=path, line=root.start_mark.line + 1, hint=HINT)
    by_id = {str(a.id): i for i, a in enumerate(articles) if a.id}
    by_path = {str(a.path): i for i, a in enumerate(articles)}
    decisions = tuple(_decision(node, path, by_id, by_path) for node in root.value)
    return DecisionsFile(path, decisions)


def _decision(node: Any, path: Path, by_id: Mapping[str, int], by_path: Mapping[str, int]) -> Decision:
    import yaml

    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise DecisionsError("a decision must be a mapping with 'decision:' and 'questions:'", path=path, line=line, hint=HINT)
    fields: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in KEYS:
            raise DecisionsError(
                f"unknown key {key!r}", path=path, line=key_node.start_mark.line + 1,
                hint=f"a decision has {', '.join(sorted(KEYS))}",
            )
        fields[key] = value_node
    if "decision" not in fields:
        raise DecisionsError("'decision:' is missing", path=path, line=line, hint=HINT)
    decision_node = fields["decision"]
    written = decision_node.value if isinstance(decision_node, yaml.ScalarNode) else ""
    written = " ".join(str(written).replace("\u2019", "'").split())
    kind: DecisionKind | None = _KINDS.get(written.lower())
    article: int | None = None
    covered = _COVERED_BY.match(written)
    if covered:
        kind = "covered"
        reference = covered.group(1).strip().strip("\"'")
        article = by_id.get(reference)
        if article is None:
            article = by_path.get(reference.lstrip("/")) if reference.lstrip("/") in by_path else by_path.get(reference.lstrip("/") + ".md")
        if article is None:
            raise DecisionsError(
                f"no article has id or path {reference!r}", path=path, line=decision_node.start_mark.line + 1,
                hint="use the article's `id:` from its front matter, or its path in the articles folder",
            )
    if kind is None:
        raise DecisionsError(
            f"unknown decision {written!r}", path=path, line=decision_node.start_mark.line + 1,
            hint="write 'covered by <article id>', 'not a gap' or \"won't write\"",
        )
    questions_node = fields.get("questions")
    if questions_node is None:
        raise DecisionsError("'questions:' is missing", path=path, line=line, hint=HINT)
    if not isinstance(questions_node, yaml.SequenceNode) or not questions_node.value:
        raise DecisionsError(
            "'questions:' must be a list of phrasings", path=path, line=questions_node.start_mark.line + 1, hint=HINT
        )
    questions: list[str] = []
    for item in questions_node.value:
        if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
            raise DecisionsError("each question must be a line of text", path=path, line=item.start_mark.line + 1, hint=HINT)
        questions.append(" ".join(str(item.value).split())[:500])
    if len(questions) > MAX_QUESTIONS:
        raise DecisionsError(
            f"{len(questions)} questions; at most {MAX_QUESTIONS}", path=path, line=questions_node.start_mark.line + 1,
            hint="keep the few phrasings that say what the gap is",
        )
    note_node = fields.get("note")
    note = str(note_node.value) if isinstance(note_node, yaml.ScalarNode) else ""
    return Decision(kind=kind, questions=tuple(questions), line=line, article=article, note=" ".join(note.split())[:500])


@dataclass(frozen=True)
class DecisionMatch:
    """Where one decision landed in this run."""

    decision: Decision
    cluster: int | None
    """Index of the cluster it applies to; None: it matches nothing now."""
    matched_questions: int
    reason: str = ""
    """Why it did not apply, when cluster is None."""


MATCH_SHARE = 0.5
"""A decision applies to the cluster holding the nearest tickets of at least this share of its questions."""


def match_decisions(
    decisions: Sequence[Decision],
    nearest_row: Sequence[Sequence[int | None]],
    cluster_of_row: Mapping[int, int],
) -> list[DecisionMatch]:
    """Each decision -> the cluster most of its questions' nearest tickets are in.

    nearest_row[d][q]: the ticket row closest to question q of decision d, or None when no ticket
    is close enough. The first decision (in file order) to claim a cluster keeps it.
    """
    claimed: dict[int, int] = {}
    result = []
    for decision, rows in zip(decisions, nearest_row):
        votes = Counter(cluster_of_row[r] for r in rows if r is not None and r in cluster_of_row)
        if not votes:
            result.append(DecisionMatch(decision, None, 0, "none of its questions is close to this run's clusters"))
            continue
        cluster, count = votes.most_common(1)[0]
        if count < MATCH_SHARE * len(rows):
            result.append(DecisionMatch(decision, None, count, f"only {count} of {len(rows)} questions meet one cluster"))
        elif cluster in claimed:
            result.append(DecisionMatch(decision, None, count, f"its cluster already follows the decision on line {claimed[cluster]}"))
        else:
            claimed[cluster] = decision.line
            result.append(DecisionMatch(decision, cluster, count))
    return result
