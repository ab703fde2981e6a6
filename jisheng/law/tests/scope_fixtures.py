"""Permission-matrix fixtures for law routes: parameters, but no area-scoped objects."""

from __future__ import annotations

from typing import Any

FIXTURES: dict[str, Any] = {}
SAMPLE_KWARGS = {
    "law:provision_detail": {"key": "admin-licensing-law-2019/art-42/para-1"},
    "law:instrument_detail": {"key": "admin-licensing-law"},
    "law:parameter_detail": {"key": "licensing.decision"},
    "law:calendar_year": {"year": 2026},
}
