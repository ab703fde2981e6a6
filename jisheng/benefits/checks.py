"""System checks of the benefits app (ids ``benefits.E…``): the app refuses to start with a programme
without a legal basis, a rule that reads an unknown parameter, or a broken bank layout."""

from __future__ import annotations

from typing import Any

import yaml
from django.core.checks import Error, register

from jisheng.core.errors import InvalidInput


@register()
def check_programmes(app_configs: Any, **kwargs: Any) -> list[Error]:
    """benefits.E001: programmes.yaml loads (every programme cites provisions, dated rule versions);
    benefits.E002: every parameter a rule version reads exists in jisheng.law;
    benefits.E003: bank_layouts.yaml loads."""
    from jisheng.law.parameters import all_parameters

    from . import bankfiles, programmes, rules

    errors: list[Error] = []
    try:
        loaded = programmes.parse(yaml.safe_load(programmes.DATA_FILE.read_text(encoding="utf-8")))
    except (InvalidInput, KeyError, TypeError) as exc:
        return [Error(f"programmes.yaml: {exc}", id="benefits.E001")]
    try:
        known = set(all_parameters())
    except InvalidInput:
        known = None  # law.E001 reports a broken parameter file
    for programme in loaded.values():
        for version in programme.rule_versions:
            for template in version.parameters.values():
                for category in programme.category_keys() or [""]:
                    for hukou in rules.HUKOU_KINDS:
                        key = template.format(category=category, hukou=hukou)
                        if known is not None and key not in known:
                            errors.append(Error(f"{programme.key} {version.version} reads unknown parameter {key}",
                                                id="benefits.E002"))
    try:
        bankfiles.parse_layouts(yaml.safe_load(bankfiles.DATA_FILE.read_text(encoding="utf-8")))
    except (InvalidInput, KeyError, TypeError) as exc:
        errors.append(Error(f"bank_layouts.yaml: {exc}", id="benefits.E003"))
    return list({e.msg: e for e in errors}.values())
