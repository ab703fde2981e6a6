"""Petitions' written papers (信访文书) as PDF: which step produces which paper, its title and what it says.

The layout (GB/T 9704-2012), the renderer and the names of bodies are the case engine's
(:mod:`jisheng.cases.documents`, docs/adr/0045); the templates under ``petitions/pdf/`` extend
``cases/pdf/base.html`` and fill its ``body``, ``closing_text`` and ``note`` blocks.

Kinds (``CaseDocument.kind``) and the step that files them, inside that step's transaction:

- ``acceptance_notice`` 受理告知书 — ``accept`` (through the case type's ``after_action``, so the engine's own
  action form files it too; ``petition-reg-2005/art-22``, ``petition-work-reg-2022/art-23``);
- ``referral_notice`` 转送告知书 — :func:`~jisheng.petitions.services.petition_refer` (the competent body named;
  ``petition-reg-2005/art-21/para-1``, ``petition-work-reg-2022/art-22``);
- ``channel_notice`` 告知书（依法定途径解决） — ``petition_channel`` (litigation, arbitration, reconsideration,
  licensing… before the body named; ``petition-reg-2005/art-21/para-1``, ``petition-work-reg-2022/art-31``);
- ``not_accepted_notice`` 不予受理告知书 — ``petition_refuse_repeat`` (``art-35`` / ``art-36``);
- ``opinion`` (2022 信访处理意见书, 2005 信访事项书面答复意见), ``review_opinion`` 复查意见书,
  ``re_review_opinion`` 复核意见书 — ``petition_give_opinion``: the request, the facts and reasons, the opinion
  and its legal basis (``petition-work-reg-2022/art-32``; ``petition-reg-2005/art-32``), then the next remedy;
- ``extension_notice`` 延期办理告知书 — ``petition_extend``, with the reason and the new due date
  (``art-33`` / ``art-34``);
- ``assignment_sheet`` 交办单 — ``petition_assign``, addressed to the town or unit: the petitioner masked, and
  withheld entirely (name, phone, ID number, address — also inside the petition's text) when the petition
  complains about that unit or one of its officers (``petition-reg-2005/art-23``;
  ``petition-work-reg-2022/art-30/para-3``).

Every paper words itself after the regulation of the receipt date (``Petition.regime``, :func:`rules.wording`):
one received 2022-04-28 cites the 2005 《信访条例》, one received 2022-05-02 the 2022 《信访工作条例》; provisions are
printed in the catalogue's words (:func:`jisheng.law.provisions.describe`), never as keys. Papers to the
petitioner carry their name in full (they are addressed to them).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jisheng.cases.documents import (
    HEALTH_COMMISSION_FROM,
    cn_date,
    commission_name,
    county_of,
    render_pdf,
    town_office_name,
)
from jisheng.cases.services import case_store_generated_document
from jisheng.core import clock
from jisheng.core.models import Area, AreaLevel

from . import rules

if TYPE_CHECKING:
    from jisheng.cases.models import Case, CaseDocument

    from .models import Petition, PetitionAssignment, PetitionOpinion

#: Kinds with a fixed title (the opinion's title depends on the regulation: :func:`opinion_title`).
TITLES = {
    "acceptance_notice": "信访事项受理告知书",
    "referral_notice": "信访事项转送告知书",
    "channel_notice": "信访事项告知书",
    "not_accepted_notice": "信访事项不予受理告知书",
    "review_opinion": "信访事项复查意见书",
    "re_review_opinion": "信访事项复核意见书",
    "extension_notice": "信访事项延期办理告知书",
    "assignment_sheet": "信访事项交办单",
}

#: The document number's marker per kind: ``<body>信<marker>〔year〕<case seq>号``.
_NUMBER_MARKS = {
    "acceptance_notice": "受", "referral_notice": "转", "channel_notice": "告", "not_accepted_notice": "不受",
    "opinion": "处", "review_opinion": "复查", "re_review_opinion": "复核", "extension_notice": "延",
    "assignment_sheet": "交",
}

#: The opinion's kind by its round.
OPINION_KINDS = {"original": "opinion", "review": "review_opinion", "re_review": "re_review_opinion"}

#: What the petitioner's identity reads as on an assignment sheet to a unit complained about.
WITHHELD = "依规定不予提供"


def template(kind: str) -> str:
    """The Django template of paper ``kind`` (``petitions/pdf/<kind>.html``)."""
    return f"petitions/pdf/{kind}.html"


def opinion_title(regime: str) -> str:
    """The first-round opinion's title as the regulation of ``regime`` words it: 2022 ``信访处理意见书``
    (``petition-work-reg-2022/art-32``), 2005 ``信访事项书面答复意见`` (``petition-reg-2005/art-32``: 书面答复)."""
    word = rules.wording(regime)["opinion"]
    return word if word.startswith("信访") else f"信访事项{word}"


def title_of(kind: str, regime: str) -> str:
    """The printed title of paper ``kind`` for a petition under ``regime``."""
    return opinion_title(regime) if kind == "opinion" else TITLES[kind]


def issuer_name(area: Area, on: dt.date) -> str:
    """The receiving body that issues the papers: a town's or street's office (镇人民政府 / 街道办事处) for a
    petition received by a town, otherwise the commission of the county-level area by its name on ``on``."""
    return town_office_name(area) if area.level >= AreaLevel.TOWN else commission_name(area, on)


def doc_number(case: Case, kind: str, on: dt.date, suffix: str = "") -> str:
    """``太卫健信受〔2026〕00001号``: the issuing body's abbreviation (the county's initial and the commission's
    abbreviation on ``on``, or a town's first two characters), 信, the kind's marker, the paper's year and the
    case's sequence (``-n`` for the n-th assignment sheet)."""
    area = case.area
    if area.level >= AreaLevel.TOWN:
        body = area.name[:2]
    else:
        body = f"{county_of(area).name[:1]}{'卫健' if on >= HEALTH_COMMISSION_FROM else '人口计生'}"
    return f"{body}信{_NUMBER_MARKS[kind]}〔{on.year}〕{case.number.rsplit('-', 1)[-1]}{suffix}号"


def _days(key: str, on: dt.date, fallback: int) -> int:
    """The whole number of the dated law parameter ``key`` on ``on``; ``fallback`` when it has none then."""
    from jisheng.core.errors import InvalidInput
    from jisheng.law.parameters import parameter_value

    try:
        value = parameter_value(key, on).value
    except InvalidInput:
        return fallback
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        return fallback
    return int(value)


def _describe(key: str) -> str:
    from jisheng.law.provisions import describe

    return describe(key)


def _parties(case: Case) -> tuple[Any, list[Any]]:
    """The petitioner and the representatives of a group visit (``CaseApplicant`` rows)."""
    rows = list(case.applicants.select_related("person").order_by("id"))
    petitioner = next((a for a in rows if a.role == "petitioner"), None)
    return petitioner, [a for a in rows if a.role == "representative"]


def addressee(case: Case) -> str:
    """Whom a paper to the petitioner is addressed to: the petitioner in full, with the representatives of a
    group visit (``王小红、李四``)."""
    petitioner, representatives = _parties(case)
    names = [a.display_name for a in ([petitioner] if petitioner is not None else []) + representatives]
    return "、".join(n for n in names if n) or "信访人"


def _base(petition: Petition, kind: str, on: dt.date) -> dict[str, Any]:
    case = petition.case
    regime = petition.regime
    words = rules.wording(regime)
    title = title_of(kind, regime)
    return {
        "title": title, "issuer": issuer_name(case.area, on), "doc_number": doc_number(case, kind, on),
        "signed_on": cn_date(on), "case": case, "petition": petition, "regime": regime,
        "is_2022": regime == rules.REG_2022, "regulation": words["regulation"], "words": words,
        "to": addressee(case), "received": cn_date(case.application_date),
        "channel": petition.get_channel_display(), "subject": petition.subject,
        "opinion_title": opinion_title(regime),
    }


def _basis(regime: str, *steps: str) -> str:
    """The provisions of ``steps`` under ``regime`` in words, each once, joined by 、."""
    keys: list[str] = []
    for step in steps:
        key = rules.provision(regime, step)
        if key not in keys:
            keys.append(key)
    return "、".join(_describe(k) for k in keys)


# --- the assignment sheet: what the unit may see ---------------------------------------------------------

def identity_withheld(petition: Petition, assignment: PetitionAssignment) -> bool:
    """Whether the petition complains about the assigned unit: its town (or a place inside it, or the area
    above it) is the complained area (as :func:`jisheng.petitions.selectors.assignment_view` reads it), the
    named officer works in that town, or an outside unit is the one named (``petition-reg-2005/art-23``;
    ``petition-work-reg-2022/art-30/para-3``)."""
    area = assignment.area
    complained = petition.complained_area
    if area is not None and complained is not None and (area.contains(complained) or complained.contains(area)):
        return True
    officer = petition.complained_user
    officer_area = getattr(officer, "area", None)
    if area is not None and area.contains(officer_area):
        return True
    unit = assignment.unit_name.strip()
    named = petition.complained_name.strip()
    return bool(unit and named and (unit in named or named in unit))


#: An ID number, mobile or landline once masked (digits, X, dashes and the mask character), to be removed.
_MASKED_NUMBER = re.compile(r"[0-9Xx\-－*＊]*[*＊][0-9Xx\-－*＊]*")


def redact(text: str, names: list[str], *, withheld: bool) -> str:
    """``text`` for a unit: ID numbers and phones masked and ``names`` masked to their surnames
    (:func:`jisheng.core.masking.mask_text`); when ``withheld``, the names become 信访人 and the numbers ××."""
    from jisheng.core.masking import mask_text

    if not withheld:
        return mask_text(text, names=names)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = text.replace(name, "信访人")
    return _MASKED_NUMBER.sub("××", mask_text(text))


def _assignment_context(petition: Petition, assignment: PetitionAssignment, on: dt.date) -> dict[str, Any]:
    from jisheng.core.masking import mask_name, mask_phone

    case = petition.case
    petitioner, representatives = _parties(case)
    people = [a for a in ([petitioner] if petitioner is not None else []) + representatives]
    names = [a.display_name for a in people] + [getattr(a.person, "name", "") for a in people if a.person]
    withheld = identity_withheld(petition, assignment)
    if withheld or petitioner is None:
        who, phone = WITHHELD, WITHHELD
    else:
        who = mask_name(petitioner.display_name)
        if representatives:
            who += f"等{max(petition.group_size, len(people))}人"
        phone = mask_phone(petitioner.phone) or "—"
    n = list(petition.assignments.order_by("id").values_list("pk", flat=True)).index(assignment.pk) + 1
    unit = town_office_name(assignment.area) if assignment.area is not None else assignment.unit_name
    return {
        "doc_number": doc_number(case, "assignment_sheet", on, f"-{n}"), "unit": unit, "assignment": assignment,
        "due": cn_date(assignment.due), "petitioner_label": who, "phone_label": phone, "withheld": withheld,
        "content": redact(petition.content, names, withheld=withheld),
        "subject_redacted": redact(petition.subject, names, withheld=withheld),
        "instruction": redact(assignment.instruction, names, withheld=withheld),
        "confidentiality": _describe(rules.provision(petition.regime, "confidentiality")),
    }


# --- building and filing ---------------------------------------------------------------------------------

def build(petition: Petition, kind: str, *, on: dt.date | None = None, body: str = "", procedure: str = "",
          reason: str = "", days: int = 0, due: dt.date | None = None, opinion: PetitionOpinion | None = None,
          assignment: PetitionAssignment | None = None) -> tuple[str, str, bytes]:
    """Return ``(title, doc_number, pdf)`` of paper ``kind`` of ``petition`` dated ``on`` (default today).

    What each kind needs: ``referral_notice`` the competent ``body``; ``channel_notice`` the ``procedure`` and
    the ``body``; ``not_accepted_notice`` the ``reason`` told; ``extension_notice`` the ``reason``, ``days``
    (calendar days) and the new ``due`` date; an opinion kind the :class:`PetitionOpinion` (dated by it);
    ``assignment_sheet`` the :class:`PetitionAssignment`.

    Raises:
        ValueError: an unknown kind, or what the kind needs is missing.
    """
    case = petition.case
    if kind in ("opinion", "review_opinion", "re_review_opinion"):
        if opinion is None:
            raise ValueError(f"{kind} needs the opinion")
        on = opinion.on
    today = on or clock.today()
    ctx = _base(petition, kind, today)
    regime = petition.regime
    law_day = case.application_date  # the regulation of the receipt date governs the periods printed
    if kind == "acceptance_notice":
        conclusion = case.clocks.filter(kind="conclusion").order_by("-id").first()
        ctx |= {"conclusion_days": _days("petition.conclusion", law_day, 60),
                "conclusion_due": cn_date(conclusion.due) if conclusion is not None and conclusion.due else "",
                "basis": _basis(regime, "acceptance", "conclusion")}
    elif kind == "referral_notice":
        if not body.strip():
            raise ValueError("a referral names the competent body")
        ctx |= {"body": body.strip(), "basis": _basis(regime, "routing")}
    elif kind == "channel_notice":
        if not (procedure.strip() and body.strip()):
            raise ValueError("a channel notice names the procedure and the body")
        ctx |= {"procedure": procedure.strip(), "body": body.strip(), "basis": _basis(regime, "channel")}
    elif kind == "not_accepted_notice":
        root = petition.repeat_of
        ctx |= {"reason": reason.strip(), "root_number": root.case.number if root is not None else "",
                "root_received": cn_date(root.case.application_date) if root is not None else "",
                "basis": _basis(regime, "repeat")}
    elif kind == "extension_notice":
        if not reason.strip() or days < 1 or due is None:
            raise ValueError("an extension notice tells the reason, the days and the new due date")
        accepted = case.steps.filter(action="accept").order_by("-seq").values_list("on", flat=True).first()
        ctx |= {"reason": reason.strip(), "days": days, "due": cn_date(due),
                "conclusion_days": _days("petition.conclusion", law_day, 60),
                "accepted": cn_date(accepted) if accepted else "", "basis": _basis(regime, "extension")}
    elif kind in ("opinion", "review_opinion", "re_review_opinion"):
        assert opinion is not None
        ctx |= _opinion_context(petition, opinion, law_day)
    elif kind == "assignment_sheet":
        if assignment is None:
            raise ValueError("an assignment sheet needs the assignment")
        ctx |= _assignment_context(petition, assignment, today)
    else:
        raise ValueError(f"unknown petition paper {kind}")
    return ctx["title"], ctx["doc_number"], render_pdf(template(kind), ctx)


#: The opinion's outcome as the regulations word the three ways of handling (2005 Art. 32, 2022 Art. 32).
OUTCOME_TEXT = {
    "support": "对您的诉求予以支持",
    "explain": "对您的诉求作出解释说明",
    "not_support": "对您的诉求不予支持",
}


def _lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped (one paragraph each on the paper)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()] or [""]


def _opinion_context(petition: Petition, opinion: PetitionOpinion, law_day: dt.date) -> dict[str, Any]:
    """The request (the petition's content, or the review / re-review request), the facts and reasons, the
    opinion with its legal basis, and the remedy that follows (review, re-review, or none after re-review)."""
    case = petition.case
    request = petition.content
    if opinion.round != "original":
        action = "request_review" if opinion.round == "review" else "request_re_review"
        step = case.steps.filter(action=action).order_by("-seq").first()
        request = step.opinion if step is not None and step.opinion else request
    basis = [_describe(k) for k in opinion.provision_keys]
    earlier = None
    if opinion.round != "original":
        before = "original" if opinion.round == "review" else "review"
        earlier = petition.opinions.filter(round=before).order_by("-on", "-id").first()
    return {"opinion": opinion, "request_lines": _lines(request), "facts_lines": _lines(opinion.facts),
            "reasons_lines": _lines(opinion.reasons),
            "outcome_text": OUTCOME_TEXT.get(opinion.outcome, opinion.get_outcome_display()),
            "basis_lines": basis, "round": opinion.round,
            "earlier": earlier, "earlier_on": cn_date(earlier.on) if earlier is not None else "",
            "review_days": _days("petition.review_request", law_day, 30),
            "re_review_days": _days("petition.re_review_request", law_day, 30),
            "paper_basis": _basis(petition.regime, {"original": "opinion", "review": "review",
                                                    "re_review": "re_review"}[opinion.round])}


def file_paper(petition: Petition, kind: str, *, actor: Any, on: dt.date | None = None,
               **details: Any) -> CaseDocument:
    """Render paper ``kind`` (see :func:`build` for ``details``) and file it on the petition's case with its
    SHA-256 (``case_store_generated_document``); call inside the step's transaction. Returns the document."""
    title, number, pdf = build(petition, kind, on=on, **details)
    case = petition.case
    suffix = ""
    if kind == "assignment_sheet":
        suffix = f"-{details['assignment'].pk}"
    return case_store_generated_document(case, kind=kind, title=title, content=pdf, actor=actor,
                                         doc_number=number, filename=f"{case.number}-{kind}{suffix}.pdf")


def generate_for_action(case: Case, action: str, actor: Any) -> list[CaseDocument]:
    """The papers a workflow step files through the case type's ``after_action`` (inside the step's
    transaction): ``accept`` → the acceptance notice, dated the step's legal date. Papers that need what only
    a petitions service knows (the body referred to, the opinion's facts, the assignment) are filed by that
    service."""
    if action != "accept":
        return []
    from .models import Petition

    petition = Petition.objects.filter(case=case).first()
    if petition is None:
        return []
    on = case.steps.filter(action=action).order_by("-seq").values_list("on", flat=True).first()
    return [file_paper(petition, "acceptance_notice", actor=actor, on=on)]
