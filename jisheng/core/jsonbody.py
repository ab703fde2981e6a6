"""JSON that arrives from outside — request bodies, form fields: its nesting is measured before it is parsed.

Python's parser recurses once per ``[`` or ``{``: 60 KB of brackets raised RecursionError, a 500 on a public
endpoint. Real input here (contract §2 facts, an API payload) is a few levels deep, so anything deeper than
:data:`MAX_DEPTH` is refused as :class:`TooDeep` (a ``ValueError``, like any other bad JSON), which each caller words
for its own surface: a 400 from the API, a form error on a page. The size of a request body is limited where it is
read (:class:`jisheng.core.middleware.LimitApiBodyMiddleware`).
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

#: Deepest nesting of arrays and objects accepted (contract §2 facts are at most 3 levels deep).
MAX_DEPTH = 32

#: A JSON string literal (escapes included), whose brackets are text, not nesting.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


class TooDeep(ValueError):
    """The JSON nests arrays and objects deeper than ``limit`` levels."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"JSON nested deeper than {limit} levels")


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in the JSON ``text`` (0 for a scalar), counted without parsing it."""
    skeleton = _STRING.sub("", text)
    steps = (1 if ch in "[{" else -1 for ch in skeleton if ch in "[]{}")
    return max(itertools.accumulate(steps), default=0)


def loads(raw: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``raw`` (text, or UTF-8 bytes) as JSON after checking its nesting.

    Raises:
        TooDeep: arrays and objects nested deeper than ``max_depth``.
        ValueError: not valid JSON, or bytes in no JSON encoding (``json.JSONDecodeError`` and
            ``UnicodeDecodeError`` are ValueErrors).
    """
    if isinstance(raw, bytes | bytearray):  # the encodings json.loads detects in bytes (UTF-8, -16, -32)
        raw = raw.decode(json.detect_encoding(raw), "surrogatepass")
    text = raw
    if nesting_depth(text) > max_depth:
        raise TooDeep(max_depth)
    return json.loads(text)
