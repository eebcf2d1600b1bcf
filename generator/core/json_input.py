"""JSON from outside (exports, ticket files, event POSTs): parsed, with hostile nesting refused."""

from __future__ import annotations

import json
from typing import Any


class JSONNestingError(ValueError):
    """JSON nested too deeply for Python's parser (e.g. 100,000 '[')."""


def parse_json(text: str | bytes) -> Any:
    """json.loads that turns a RecursionError on absurd nesting into a JSONNestingError.

    Real exports nest a handful of levels; a document Python cannot even parse is hostile or
    broken, and callers report it like any other malformed JSON instead of a traceback.
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise JSONNestingError("JSON is nested too deeply to read (thousands of levels of [ or {)") from None
