import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases (案件): the case engine shared by every procedure."""

    name = "jisheng.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        from jisheng.core import modules
        from jisheng.law.citations import register_cited_keys
        from jisheng.law.services import register_recomputer

        from . import checks  # noqa: F401
        from .services import recompute_open_clocks
        from .workbench import workbench_items

        modules.register_workbench(workbench_items)
        register_recomputer("cases", recompute_open_clocks)
        register_cited_keys("cases", cited_keys)


def cited_keys() -> list[tuple[str, str]]:
    """Every provision key the registered case types cite: clock, suspension, extension and record bases
    (``instrument:cite`` references count for each version that has the article)."""
    from jisheng.law.provisions import keys_of

    from . import types

    found = []
    for t in types.all_types():
        for rule in t.clock_rules:
            for field in ("basis", "suspension_basis", "extension_basis"):
                ref = getattr(rule, field)
                found += [(key, f"{t.key} clock {rule.kind} {field}") for key in (keys_of(ref) if ref else [])]
        for record in t.records:
            found += [(key, f"{t.key} record {record.key}") for key in (keys_of(record.basis) if record.basis else [])]
    from .remedies import remedy_provisions

    for day in (dt.date(2013, 6, 1), dt.date(2020, 1, 1), dt.date(2024, 1, 1)):
        found += [(key, f"remedies on {day}") for key in remedy_provisions(day)]
    return found
