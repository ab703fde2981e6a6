"""System checks of the case engine: ``cases.E001`` — a registered case type does not fit the engine.

Types are validated when they register (:func:`jisheng.cases.types.register`); this check re-validates them
once every app is ready, when the capability table and every other type are known.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register("cases")
def check_case_types(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """cases.E001: every registered case type validates (statuses, actions, capabilities, clock events)."""
    from . import types

    errors: list[CheckMessage] = []
    for t in types.all_types():
        try:
            types.validate(t)
        except types.CaseTypeError as exc:
            errors.append(Error(str(exc), id="cases.E001",
                                hint="Fix the CaseType in its app (see jisheng/cases/types.py)."))
    return errors
