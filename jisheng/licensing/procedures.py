"""The other licensing procedures on the case engine (legal-facts §2.4, §2.5, §5):

- **disabled-child medical appraisal** (病残儿医学鉴定, 计划生育技术服务管理条例 Art. 12): county initial
  review → city expert appraisal at a scheduled session → objection within one month to the provincial
  re-appraisal, which is final. While the appraisal runs, the linked birth-approval case's running clock
  is suspended (行政许可法 Art. 45: appraisal time is not counted) and resumes on the final conclusion,
  which is written into the birth-approval facts (``children[i].disability_appraisal``).
- **only-child parents' certificate** (独生子女父母光荣证): issued on application; cancelled when the
  couple has another child (:func:`only_child_certificates_to_cancel` finds them in the registry).
- **floating-population marriage and childbearing certificate** (流动人口婚育证明, 条例 Art. 7, 17):
  issued free of charge by the town of the woman's hukou, with the contents Art. 7 lists.
- **reward-assistance application** (奖励扶助金申请): received here and handed to the benefits module
  (status ``handed_off``; benefits reads :func:`reward_applications_handed_off`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jisheng.cases import services as case_services
from jisheng.cases.models import ApplicantRole, Case, CaseEvent
from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.core.masking import mask_name
from jisheng.registry import selectors as registry
from jisheng.registry.models import Person

from .services import receiving_town_for

APPRAISAL_CONCLUSIONS = ("not_disabled", "non_hereditary_not_normal_labour", "severe_hereditary")
#: The birth-approval clocks an appraisal suspends, in the order they run.
SUSPENDABLE = ("decision", "town_opinion")


def _running_birth_clock(case: Case) -> Any:
    return case.clocks.filter(kind__in=SUSPENDABLE, met_on__isnull=True).order_by("-start").first()


@transaction.atomic
def appraisal_register(*, wife: Person, husband: Person, child: Person, application_date: dt.date, actor: Any,
                       birth_approval: Case | None = None) -> Case:
    """Register an appraisal of ``child`` for the couple; suspend the linked birth-approval clock.

    Raises:
        InvalidInput: the child is not the couple's, the linked case is not this couple's birth approval, or the
            wife's hukou town is outside the actor's area.
    """
    if birth_approval is not None and birth_approval.case_type != "birth_approval":
        raise InvalidInput(_("关联案件不是再生育审批"), location="birth_approval")
    if birth_approval is not None and not (
            birth_approval.applicants.filter(role=ApplicantRole.WIFE, person=wife).exists()
            and birth_approval.applicants.filter(role=ApplicantRole.HUSBAND, person=husband).exists()):
        # its clock would be suspended and this child's conclusion written into another family's facts
        raise InvalidInput(_("关联案件 %(n)s 不是本夫妻的再生育审批") % {"n": birth_approval.number},
                           location="birth_approval")
    if child.pk not in {c.pk for c in registry.children_of(wife, application_date)} | {
            c.pk for c in registry.children_of(husband, application_date)}:
        raise InvalidInput(_("该子女不是申请人的子女"), location="child")
    case = case_services.case_create(
        case_type="disability_appraisal", area=receiving_town_for(actor, wife), application_date=application_date,
        actor=actor, related_case=birth_approval,
        applicants=[(wife, ApplicantRole.WIFE), (husband, ApplicantRole.HUSBAND), (child, ApplicantRole.CHILD)],
        facts={"child_birth_date": child.birth_date.isoformat(), "child_id": child.pk},
        summary=_("%(c)s 病残儿医学鉴定") % {"c": mask_name(child.name)})
    if birth_approval is not None:
        running = _running_birth_clock(birth_approval)
        # appraisal time is taken out of a running period only: one that has run out has nothing left to take
        if running is not None and (running.due is None or application_date <= running.due):
            reason = _("病残儿医学鉴定 %(n)s（鉴定时间不计入期限）") % {"n": case.number}
            # applied for before the running period began (e.g. before acceptance): excluded from its start
            case_services.case_suspend_clock(birth_approval, kind=running.kind,
                                             start=max(application_date, running.start), reason=reason, actor=actor)
    return case


@transaction.atomic
def appraisal_schedule(case: Case, *, session_date: dt.date, actor: Any) -> Case:
    """Put the appraisal on the city's expert session of ``session_date``."""
    case.facts = {**case.facts, "session_date": session_date.isoformat()}
    case.save(update_fields=["facts", "updated_at"])
    return case_services.case_transition(case, action="schedule_session", actor=actor,
                                         opinion=_("排入 %(d)s 市级鉴定会") % {"d": session_date.isoformat()})


@transaction.atomic
def appraisal_record_conclusion(case: Case, *, conclusion: str, actor: Any, final: bool = False) -> Case:
    """Record the city's conclusion (``final=False``; a one-month objection window opens) or the
    provincial re-appraisal's (``final=True``, 终局).

    Raises:
        InvalidInput: unknown conclusion. TransitionNotAllowed: not at that step.
    """
    if conclusion not in APPRAISAL_CONCLUSIONS:
        raise InvalidInput(_("未知的鉴定结论"), location="conclusion")
    case.facts = {**case.facts, "conclusion": conclusion}
    case.save(update_fields=["facts", "updated_at"])
    return case_services.case_transition(case, action="record_final_conclusion" if final else "record_conclusion",
                                         actor=actor, opinion=conclusion)


def appraisal_after_action(case: Case, action: str, actor: Any) -> None:
    """When the conclusion becomes final: resume the linked birth-approval clock and record the
    conclusion on the child in that case's facts."""
    if action not in ("accept_conclusion", "record_final_conclusion") or case.related_case_id is None:
        return
    linked = Case.objects.select_for_update().get(pk=case.related_case_id)
    today = clock.today()
    for c in linked.clocks.filter(kind__in=SUSPENDABLE, met_on__isnull=True):
        if c.suspensions.filter(end__isnull=True).exists():
            case_services.case_resume_clock(linked, kind=c.kind, end=max(today - dt.timedelta(days=1),
                                                                         c.suspensions.get(end__isnull=True).start),
                                            actor=actor)
    born = case.facts.get("child_birth_date")
    children = [dict(ch) for ch in linked.facts.get("children", [])]
    for ch in children:
        if ch.get("birth_date") == born:
            ch["disability_appraisal"] = case.facts.get("conclusion")
    linked.facts = {**linked.facts, "children": children}
    linked.save(update_fields=["facts", "updated_at"])
    CaseEvent.objects.create(case=linked, at=clock.now(), actor=actor, actor_label=str(actor), kind="facts",
                             summary=_("病残儿医学鉴定 %(n)s 结论：%(c)s") % {"n": case.number,
                                                                        "c": case.facts.get("conclusion")},
                             data={"appraisal": case.number, "conclusion": case.facts.get("conclusion")})


# --- certificates ----------------------------------------------------------------------------------

@transaction.atomic
def certificate_register(*, case_type: str, applicant: Person, application_date: dt.date, actor: Any,
                         spouse: Person | None = None, facts: dict[str, Any] | None = None) -> Case:
    """Register an application for ``only_child_certificate`` or ``floating_certificate`` at the town
    of the applicant's hukou (the floating certificate: the woman's, 条例 Art. 7)."""
    if case_type not in ("only_child_certificate", "floating_certificate"):
        raise InvalidInput(_("未知的证明类别"), location="case_type")
    applicants = [(applicant, ApplicantRole.WIFE if applicant.sex == "F" else ApplicantRole.APPLICANT)]
    if spouse is not None:
        applicants.append((spouse, ApplicantRole.HUSBAND if spouse.sex == "M" else ApplicantRole.WIFE))
    return case_services.case_create(case_type=case_type, area=receiving_town_for(actor, applicant), actor=actor,
                                     application_date=application_date, applicants=applicants, facts=facts or {},
                                     summary=mask_name(applicant.name))


def floating_certificate_contents(case: Case, on: dt.date) -> dict[str, str]:
    """What the certificate states (流动人口计划生育工作条例 Art. 7): name, age, citizen ID number, marital
    status, spouse, childbearing status, contraception status (as declared; the registry does not hold it)."""
    woman = case.applicants.select_related("person").get(role=ApplicantRole.WIFE).person
    if woman is None:
        raise InvalidInput(_("婚育证明须由人口信息中的女方申请"), location="wife")
    marriage = registry.current_marriage(woman, on)
    spouse = (marriage.husband if marriage is not None else None)
    children = registry.living_children_of(woman, on)
    return {
        "姓名": woman.name,
        "年龄": f"{woman.age_on(on)}周岁",
        "公民身份号码": woman.id_number,
        "婚姻状况": _("已婚（%(d)s登记）") % {"d": marriage.start_date.isoformat()} if marriage else _("未婚或其他"),
        "配偶信息": f"{spouse.name}，{spouse.id_number}" if spouse else "—",
        "生育状况": _("现有子女%(n)d个") % {"n": len(children)} + (
            "（" + "、".join(f"{c.birth_date.year}年生{c.get_sex_display()}" for c in children) + "）"
            if children else ""),
        "避孕节育情况": str(case.facts.get("contraception", _("本人未申报"))),
    }


def only_child_certificates_to_cancel(on: dt.date) -> list[Case]:
    """Issued only-child certificates whose couple has more than one living child on ``on`` (registry)."""
    out = []
    for case in Case.objects.filter(case_type="only_child_certificate", status="issued").prefetch_related(
            "applicants__person"):
        people = [a.person for a in case.applicants.all()
                  if a.person is not None and a.role in (ApplicantRole.WIFE, ApplicantRole.HUSBAND)]
        children = {c.pk for p in people for c in registry.living_children_of(p, on)}
        if len(children) > 1:
            out.append(case)
    return out


def only_child_certificate_cancel_on_birth(case: Case, *, actor: Any, on: dt.date) -> Case:
    """Cancel an issued certificate because another child was born (the reward stops with it).

    Raises:
        InvalidInput: the registry shows no second child on ``on``.
    """
    if case not in only_child_certificates_to_cancel(on):
        raise InvalidInput(_("人口信息中该夫妻没有第二个子女，不能据此注销"), location="case")
    return case_services.case_transition(case, action="cancel", actor=actor,
                                         opinion=_("%(d)s 人口信息显示已生育第二个子女") % {"d": on.isoformat()})


def reward_applications_handed_off() -> QuerySet[Case]:
    """Reward-assistance applications handed to the benefits module (its intake reads them here)."""
    return Case.objects.filter(case_type="reward_application", status="handed_off").order_by("id")
