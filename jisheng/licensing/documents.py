"""Licensing's official documents: their titles, which a workflow step produces, and what they say.

The layout (GB/T 9704-2012), the renderer and the names of bodies are the case engine's
(:mod:`jisheng.cases.documents`, docs/adr/0045); the templates under ``licensing/pdf/`` extend
``cases/pdf/base.html`` and fill its ``body``, ``closing_text`` and ``note`` blocks.

Kinds: ``acceptance_receipt`` (受理通知书, by the town), ``supplement_notice`` (补正材料一次性告知书, by
the town), ``decision`` (准予/不予决定书, by the county-level department), ``certificate`` (生育证),
``floating_certificate`` (流动人口婚育证明) and ``only_child_certificate`` (独生子女父母光荣证).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from jisheng.cases.documents import cn_date, commission_name, county_of, render_pdf, town_office_name
from jisheng.cases.models import Case, CaseDocument
from jisheng.cases.services import case_store_generated_document
from jisheng.core import clock

from . import rules

TITLES = {
    "acceptance_receipt": "受理通知书",
    "supplement_notice": "补正材料一次性告知书",
    "decision_granted": "准予再生育决定书",
    "decision_refused": "不予批准再生育决定书",
    "certificate": "批准再生育一个孩子生育证",
}
#: The Jiangsu regulation, as its provisions are cited on the documents.
JIANGSU_REGULATION = "《江苏省人口与计划生育条例》"


def template(kind: str) -> str:
    """The Django template of document ``kind`` (``licensing/pdf/<kind>.html``)."""
    return f"licensing/pdf/{kind}.html"


def citation(provisions: Sequence[tuple[str, Any]]) -> str:
    """``《江苏省人口与计划生育条例》第二十二条第（六）项、第二十三条``: the regulation named once, then its
    articles as the rule numbers them; any other provision in the catalogue's words
    (:func:`jisheng.law.provisions.describe`) — never an internal key."""
    from jisheng.law.provisions import describe

    known = [p.number for _key, p in provisions if _jiangsu(p)]
    others = [describe(key) for key, p in provisions if not _jiangsu(p)]
    parts = [JIANGSU_REGULATION + "、".join(known)] if known else []
    return "；".join(parts + others)


def provision_lines(provisions: Sequence[tuple[str, Any]]) -> list[str]:
    """One line per provision of a grant: the regulation's article as the rule words it (marked 〔条文待核实〕 while
    unverified), any other provision in the catalogue's words — never an internal key."""
    from jisheng.law.provisions import describe

    return [f"{JIANGSU_REGULATION}{p.number}（{p.title}）" + ("" if p.verified else "〔条文待核实〕") if _jiangsu(p)
            else describe(key) for key, p in provisions]


def _jiangsu(provision: Any) -> bool:
    """A provision of the Jiangsu regulation as the rule numbers it (the national law's Art. 18, which the rule
    also cites, is printed in the catalogue's words)."""
    return provision is not None and provision.key.startswith("js-pfp-reg-")


def _names(case: Case) -> dict[str, str]:
    """``{role: name}`` of the case's parties (a party outside the registry by the name recorded with it)."""
    out = {}
    for a in case.applicants.select_related("person"):
        out[a.role] = a.person.name if a.person is not None else str(getattr(a, "name", ""))
    return out


def _doc_number(case: Case, prefix: str, on: dt.date | None = None) -> str:
    """``{prefix}〔{year}〕{case seq}号``: the year is the paper's own (the date it is issued), the application's
    when no date is given."""
    year = (on or case.application_date).year
    return f"{prefix}〔{year}〕{case.number.rsplit('-', 1)[-1]}号"


def _decision_prefix(case: Case, on: dt.date) -> str:
    """The decision's number prefix: the county's initial and the deciding commission's abbreviation on ``on``
    (人口计生 until the commission became the health commission, 卫健 after; the same dated constant as its name)."""
    from jisheng.cases.documents import HEALTH_COMMISSION_FROM

    return f"{county_of(case.area).name[:1]}{'卫健' if on >= HEALTH_COMMISSION_FROM else '人口计生'}许"


def _days(key: str, on: dt.date, fallback: int) -> int:
    """The whole number of the dated law parameter ``key`` on ``on`` (the printed time limits follow the law of
    the paper's date); ``fallback`` only when the parameter has no value then."""
    from jisheng.core.errors import InvalidInput
    from jisheng.law.parameters import parameter_value

    try:
        value = parameter_value(key, on).value
    except InvalidInput:
        return fallback
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        return fallback
    return int(value)


def build(case: Case, kind: str, *, missing: list[str] | None = None,
          on: dt.date | None = None) -> tuple[str, str, bytes]:
    """Return ``(title, doc_number, pdf)`` for document ``kind`` of ``case``, dated ``on`` — the legal date of the
    step that produces it (default today); decisions and their certificates bear the decision's date."""
    today = on or clock.today()
    names = _names(case)
    county = county_of(case.area)
    decision = getattr(case, "decision", None)
    ctx: dict[str, Any] = {
        "case": case, "wife": names.get("wife", ""), "husband": names.get("husband", ""),
        "date": cn_date(today), "application_date": cn_date(case.application_date),
        "town_office": town_office_name(case.area), "commission": commission_name(case.area, today),
        "county": county.name, "signed_on": cn_date(today),
    }
    if kind == "acceptance_receipt":
        number = _doc_number(case, f"{case.area.name[:2]}计生受", today)
        clocks = {c.kind: c for c in case.clocks.all()}
        ctx |= {"title": TITLES[kind], "doc_number": number, "issuer": ctx["town_office"],
                "opinion_due": clocks["town_opinion"].due if "town_opinion" in clocks else None,
                "opinion_days": _days("birth_approval.town_opinion", today, 7),
                "decision_days": _days("birth_approval.decision", today, 15)}
        return TITLES[kind], number, render_pdf(template("acceptance_receipt"), ctx)
    if kind == "supplement_notice":
        number = _doc_number(case, f"{case.area.name[:2]}计生补", today)
        ctx |= {"title": TITLES[kind], "doc_number": number, "issuer": ctx["town_office"], "missing": missing or [],
                "opinion_days": _days("birth_approval.town_opinion", today, 7)}
        return TITLES[kind], number, render_pdf(template("supplement_notice"), ctx)
    if kind in ("decision", "certificate"):
        if decision is None:
            raise ValueError("no decision on this case")
        provisions = [(k, rules.provision(k)) for k in decision.provision_keys]
        number = decision.doc_number or _doc_number(case, _decision_prefix(case, decision.decided_on),
                                                    decision.decided_on)
        ctx |= {"decision": decision, "provisions": provisions, "basis": citation(provisions),
                "provision_lines": provision_lines(provisions), "doc_number": number,
                "issuer": commission_name(case.area, decision.decided_on), "decided": cn_date(decision.decided_on),
                "signed_on": cn_date(decision.decided_on)}
        if kind == "certificate":
            ctx["title"] = TITLES["certificate"]
            return TITLES["certificate"], number, render_pdf(template("certificate"), ctx)
        title = TITLES[f"decision_{decision.outcome}"]
        ctx["title"] = title
        return title, number, render_pdf(template("decision"), ctx)
    if kind == "floating_certificate":
        from .procedures import floating_certificate_contents

        number = _doc_number(case, f"{case.area.name[:2]}婚育证", today)
        ctx |= {"title": "流动人口婚育证明", "doc_number": number, "issuer": ctx["town_office"],
                "contents": floating_certificate_contents(case, today)}
        return "流动人口婚育证明", number, render_pdf(template("floating_certificate"), ctx)
    if kind == "only_child_certificate":
        number = _doc_number(case, f"{case.area.name[:2]}光荣证", today)
        ctx |= {"title": "独生子女父母光荣证", "doc_number": number, "issuer": ctx["town_office"]}
        return "独生子女父母光荣证", number, render_pdf(template("only_child_certificate"), ctx)
    raise ValueError(f"unknown document kind {kind}")


def generate_for_action(case: Case, action: str, actor: Any) -> list[CaseDocument]:
    """Generate and file the papers a workflow step produces (inside the step's transaction)."""
    kinds: list[str] = {"accept": ["acceptance_receipt"], "request_supplement": ["supplement_notice"],
                        "grant": ["decision", "certificate"], "refuse": ["decision"]}.get(action, [])
    if action == "issue" and case.case_type in ("floating_certificate", "only_child_certificate"):
        kinds = [case.case_type]
    missing = list(case.materials.filter(required=True, provided=False).values_list("name", flat=True))
    # the paper bears the legal date of the step that produces it (a back-dated historical step: that day)
    on = case.steps.filter(action=action).order_by("-seq").values_list("on", flat=True).first()
    out = []
    for kind in kinds:
        title, number, pdf = build(case, kind, missing=missing, on=on)
        out.append(case_store_generated_document(case, kind=kind, title=title, content=pdf, actor=actor,
                                                 doc_number=number, filename=f"{case.number}-{kind}.pdf"))
    return out
