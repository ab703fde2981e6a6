"""Permission-matrix samples for the token-only operations mounted by the API (tests/test_permission_matrix.py).

The hotline work-order API (``jisheng/petitions/api.py``) takes a bearer token, never a staff session: the matrix
checks 401 without sign-in and 403 for every signed-in role; its own tests cover the tokens
(``jisheng/petitions/tests/test_api.py``).
"""

from __future__ import annotations

from typing import Any

FIXTURES: dict[str, Any] = {}
SAMPLE_KWARGS: dict[str, dict[str, Any]] = {
    "api:petitions_work_order": {"order_no": "12345-20261116-0001"},
}
