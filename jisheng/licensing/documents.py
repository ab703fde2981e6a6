"""Official documents as PDF (WeasyPrint), laid out after GB/T 9704-2012 for party and government documents.

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; issuer mark in red over a red rule; title
in bold serif 22 pt (二号); body in serif 16 pt (三号), about 28 characters × 22 lines; Arabic-numeral dates;
page numbers "— 1 —" at the foot. Fonts are the vendored ones of :mod:`jisheng.core.fonts` (never the machine's),
registered through ``@font-face`` and embedded (subset) in every PDF; the system check ``core.E002`` refuses to
start while one is missing, so nothing prints as boxes and every machine lays a document out the same way.

Kinds: ``acceptance_receipt`` (受理通知书, by the town), ``supplement_notice`` (补正材料一次性告知书, by
the town), ``decision`` (准予/不予决定书, by the county-level department) and ``certificate`` (生育证).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.template.loader import render_to_string

from jisheng.cases.models import Case, CaseDocument
from jisheng.cases.services import case_store_generated_document
from jisheng.core import clock, fonts
from jisheng.core.models import Area, AreaLevel

from . import rules

TITLES = {
    "acceptance_receipt": "受理通知书",
    "supplement_notice": "补正材料一次性告知书",
    "decision_granted": "准予再生育决定书",
    "decision_refused": "不予批准再生育决定书",
    "certificate": "批准再生育一个孩子生育证",
}
#: The commission's name changed with the institutional reform (人口计生委 → 卫生健康委); the local cut-over
#: date is UNVERIFIED (the national merger was 2013, local mergers followed). Configurable here.
HEALTH_COMMISSION_FROM = dt.date(2019, 1, 1)


def cn_date(day: dt.date) -> str:
    """``2013年6月3日`` (GB/T 9704-2012 uses Arabic numerals)."""
    return f"{day.year}年{day.month}月{day.day}日"


def county_of(area: Area) -> Area:
    node: Area | None = area
    while node is not None and node.level > AreaLevel.COUNTY:
        node = node.parent
    return node or area


def commission_name(area: Area, on: dt.date) -> str:
    """The county-level department that decides, by name in force on ``on``."""
    county = county_of(area).name
    return f"{county}{'卫生健康委员会' if on >= HEALTH_COMMISSION_FROM else '人口和计划生育委员会'}"


def town_office_name(area: Area) -> str:
    """The receiving town's issuing name: 镇 → 人民政府, 街道 → 办事处."""
    return f"{area.name}{'办事处' if area.name.endswith('街道') else '人民政府'}"


def _names(case: Case) -> dict[str, str]:
    out = {}
    for a in case.applicants.select_related("person"):
        out[a.role] = a.person.name
    return out


_fonts = threading.local()


def _font_config() -> Any:
    """One WeasyPrint font configuration per thread: the vendored fonts are loaded once, not per document."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``licensing/pdf/<template>.html`` to PDF bytes with the vendored fonts embedded."""
    from weasyprint import HTML

    html = render_to_string(f"licensing/pdf/{template}.html", {**context, "font_faces": fonts.font_face_css()})
    return HTML(string=html).write_pdf(font_config=_font_config())  # type: ignore[no-any-return]


def _doc_number(case: Case, prefix: str) -> str:
    return f"{prefix}〔{case.application_date.year}〕{case.number.rsplit('-', 1)[-1]}号"


def build(case: Case, kind: str, *, missing: list[str] | None = None) -> tuple[str, str, bytes]:
    """Return ``(title, doc_number, pdf)`` for document ``kind`` of ``case`` as of today."""
    today = clock.today()
    names = _names(case)
    county = county_of(case.area)
    decision = getattr(case, "decision", None)
    ctx: dict[str, Any] = {
        "case": case, "wife": names.get("wife", ""), "husband": names.get("husband", ""),
        "date": cn_date(today), "application_date": cn_date(case.application_date),
        "town_office": town_office_name(case.area), "commission": commission_name(case.area, today),
        "county": county.name,
    }
    if kind == "acceptance_receipt":
        number = _doc_number(case, f"{case.area.name[:2]}计生受")
        clocks = {c.kind: c for c in case.clocks.all()}
        ctx |= {"title": TITLES[kind], "doc_number": number, "issuer": ctx["town_office"],
                "opinion_due": clocks["town_opinion"].due if "town_opinion" in clocks else None}
        return TITLES[kind], number, render_pdf("acceptance_receipt", ctx)
    if kind == "supplement_notice":
        number = _doc_number(case, f"{case.area.name[:2]}计生补")
        ctx |= {"title": TITLES[kind], "doc_number": number, "issuer": ctx["town_office"], "missing": missing or []}
        return TITLES[kind], number, render_pdf("supplement_notice", ctx)
    if kind in ("decision", "certificate"):
        if decision is None:
            raise ValueError("no decision on this case")
        provisions = [(k, rules.provision(k)) for k in decision.provision_keys]
        number = decision.doc_number or _doc_number(case, f"{county.name[:1]}人口计生许")
        ctx |= {"decision": decision, "provisions": provisions, "doc_number": number, "issuer": ctx["commission"],
                "decided": cn_date(decision.decided_on)}
        if kind == "certificate":
            ctx["title"] = TITLES["certificate"]
            return TITLES["certificate"], number, render_pdf("certificate", ctx)
        title = TITLES[f"decision_{decision.outcome}"]
        ctx["title"] = title
        return title, number, render_pdf("decision", ctx)
    if kind == "floating_certificate":
        from .procedures import floating_certificate_contents

        number = _doc_number(case, f"{case.area.name[:2]}婚育证")
        ctx |= {"title": "流动人口婚育证明", "doc_number": number, "issuer": ctx["town_office"],
                "contents": floating_certificate_contents(case, today)}
        return "流动人口婚育证明", number, render_pdf("floating_certificate", ctx)
    if kind == "only_child_certificate":
        number = _doc_number(case, f"{case.area.name[:2]}光荣证")
        ctx |= {"title": "独生子女父母光荣证", "doc_number": number, "issuer": ctx["town_office"]}
        return "独生子女父母光荣证", number, render_pdf("only_child_certificate", ctx)
    raise ValueError(f"unknown document kind {kind}")


def generate_for_action(case: Case, action: str, actor: Any) -> list[CaseDocument]:
    """Generate and file the papers a workflow step produces (inside the step's transaction)."""
    kinds: list[str] = {"accept": ["acceptance_receipt"], "request_supplement": ["supplement_notice"],
                        "grant": ["decision", "certificate"], "refuse": ["decision"]}.get(action, [])
    if action == "issue" and case.case_type in ("floating_certificate", "only_child_certificate"):
        kinds = [case.case_type]
    missing = list(case.materials.filter(required=True, provided=False).values_list("name", flat=True))
    out = []
    for kind in kinds:
        title, number, pdf = build(case, kind, missing=missing)
        out.append(case_store_generated_document(case, kind=kind, title=title, content=pdf, actor=actor,
                                                 doc_number=number, filename=f"{case.number}-{kind}.pdf"))
    return out
