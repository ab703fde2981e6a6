import datetime as dt
from typing import Any

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
        from jisheng.law.citations import register_citer

        register_citer("cases", citations)


def citations(provision_key: str) -> list[Any]:
    """What of the case engine cites ``provision_key`` (for the provision page): each case type's clocks, records
    and the decisions resting on it — decisions as counts per type and year, since the page is open to every staff
    member and a list of case numbers would show files outside their area."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from jisheng.law.citations import Citation
    from jisheng.law.provisions import keys_of

    from . import types
    from .models import CaseDecision

    found: list[Any] = []
    for t in types.all_types():
        for rule in t.clock_rules:
            refs = [r for r in (rule.basis, rule.suspension_basis, rule.extension_basis) if r]
            if any(provision_key in keys_of(r) for r in refs):
                found.append(Citation(kind="程序期限", title=f"{t.label}：{rule.label}",
                                      detail=f"{rule.amount or ''}{'' if rule.parameter is None else rule.parameter}"))
        for record in t.records:
            if record.basis and provision_key in keys_of(record.basis):
                found.append(Citation(kind="案卷记录", title=f"{t.label}：{record.label}"))
    rows = (CaseDecision.objects.filter(provision_keys__icontains=f"\"{provision_key}\"")  # JSON text: portable
            .annotate(year=ExtractYear("decided_on")).values("case__case_type", "year")
            .annotate(n=Count("id")).order_by("case__case_type", "year"))
    for row in rows:
        try:
            label = str(types.get(row["case__case_type"]).label)
        except KeyError:
            label = row["case__case_type"]
        found.append(Citation(kind="决定", title=f"{label}（{row['year']}年）", detail=f"{row['n']} 件决定引用"))
    return found


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
