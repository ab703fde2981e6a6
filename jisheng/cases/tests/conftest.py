"""Fixtures of the case-engine tests: a throw-away case type per workflow, actors per capability."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from jisheng.accounts.roles import Role
from jisheng.cases import types
from jisheng.cases.types import CaseType, MaterialSpec
from jisheng.cases.workflows import WORKFLOWS

#: A role that has each transition capability (used to act in the walk test).
ROLE_FOR = {
    "cases.change": Role.TOWN_OFFICER,
    "cases.town_opinion": Role.TOWN_OFFICER,
    "cases.decide": Role.CITY_ADMIN,
    "cases.legal_review": Role.LEGAL_REVIEWER,
}


def _materials(facts: dict[str, Any], as_of: Any) -> list[MaterialSpec]:
    return [MaterialSpec(key=k, name=n) for k, n in facts.get("_materials", [])]


@pytest.fixture
def test_types() -> Iterator[dict[str, str]]:
    """Register ``test_<workflow>`` case types without clocks; return ``{workflow key: type key}``."""
    keys = {}
    for key, wf in WORKFLOWS.items():
        types.register(CaseType(key=f"test_{key}", label=f"测试{key}", workflow=wf,
                                number_prefix=f"T{key[:2].upper()}", materials=_materials))
        keys[key] = f"test_{key}"
    yield keys
    for k in keys.values():
        types._types.pop(k, None)


@pytest.fixture
def actor_for(make_user: Callable[..., Any], town_a: Any) -> Callable[[str], Any]:
    made: dict[str, Any] = {}

    def get(capability: str) -> Any:
        role = ROLE_FOR[capability]
        if role not in made:
            made[role] = make_user(role, town_a)
        return made[role]

    return get
