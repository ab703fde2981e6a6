"""Demo petitions in varied states (filled in by the demo step)."""

from __future__ import annotations

from typing import Any


def demo_step(stdout: Any = None, **kwargs: Any) -> str:
    """Create the demo petitions; returns a one-line summary."""
    return "0 petitions"
