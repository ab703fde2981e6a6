"""The label of a choice field, looked up in a table built once per language: ``{% load choices %}`` then
``{{ person|choice:"sex" }}`` prints what ``{{ person.get_sex_display }}`` prints.

Django's ``get_<field>_display`` rebuilds the field's whole ``{value: label}`` table on every call (and hashing a
lazily translated label translates it), so a list of 50 rows with three such columns translated every label of
those fields 50 times; here each table is built the first time a language asks for it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()

_TABLES: dict[tuple[type, str, str | None], dict[Any, str]] = {}


def choice_labels(model: type, field: str) -> dict[Any, str]:
    """``{value: label}`` of the choice field ``field`` of ``model`` in the active language (a shared table: do
    not modify it)."""
    key = (model, field, get_language())
    table = _TABLES.get(key)
    if table is None:
        choices = model._meta.get_field(field).flatchoices  # type: ignore[attr-defined]
        table = {value: str(label) for value, label in choices}
        _TABLES[key] = table
    return table


@register.filter
def choice(obj: Any, field: str) -> Any:
    """The label of ``obj``'s choice field ``field`` in the active language, as ``obj.get_<field>_display()``
    answers it (the stored value itself when it is not one of the choices; empty for no object)."""
    if obj is None or obj == "":
        return ""
    value = getattr(obj, field)
    return choice_labels(obj.__class__, field).get(value, value)  # __class__: the model behind a lazy user
