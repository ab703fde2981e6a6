"""Every date picker shows its default in the only format the browser's ``<input type="date">`` accepts (issue 11):
the Chinese locale's ``2026/12/01`` left the field empty, so the birth-approval, application and verification
forms could not be sent until the date was typed again."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from pathlib import Path

from django import forms
from django.utils import translation

import jisheng

DAY = dt.date(2026, 12, 1)


def _all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(jisheng.__path__, "jisheng."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "views") and ".tests" not in module.name:
            importlib.import_module(module.name)
    seen: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                todo.append(sub)
    return [c for c in seen if c.__module__.startswith("jisheng.")]


def test_every_date_picker_of_every_form_renders_its_default_in_iso_format():
    checked, wrong = 0, []
    with translation.override("zh-hans"):
        for form in _all_form_classes():
            for name, field in getattr(form, "base_fields", {}).items():
                if getattr(field.widget, "input_type", "") != "date":
                    continue
                checked += 1
                html = field.widget.render(name, DAY)
                if 'value="2026-12-01"' not in html:
                    wrong.append(f"{form.__module__}.{form.__name__}.{name}: {html}")
    assert wrong == []
    assert checked >= 20  # the registry, benefits, licensing, cases, law and audit forms


def test_every_month_field_is_a_month_picker():
    wrong = []
    for form in _all_form_classes():
        for name, field in getattr(form, "base_fields", {}).items():
            if "month" in name and "YYYY-MM" in str(field.label or ""):
                wrong.append(f"{form.__module__}.{form.__name__}.{name}")
    assert wrong == []


def test_no_template_writes_a_date_picker_value_in_another_format():
    root = Path(jisheng.__file__).parent
    wrong = []
    for path in root.rglob("*.html"):
        for tag in re.findall(r"<input[^>]*type=\"date\"[^>]*>", path.read_text()):
            value = re.search(r'value="([^"]*)"', tag)
            if value and "|date" in value.group(1) and "Y-m-d" not in value.group(1):  # a date object formatted
                wrong.append(f"{path.relative_to(root)}: {tag}")
    assert wrong == []
