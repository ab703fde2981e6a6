"""Licensing writes and the eligibility entry point shared by the self-check, API, CLI and staff screens.

- :func:`birth_approval_eligibility` — contract §2 JSON for facts on a date (one code path for all);
- :func:`birth_approval_facts_from_registry` — the facts the registry knows about a couple;
- :func:`birth_approval_register` — a town officer registers an application: received by the town of
  the wife's hukou (江苏条例 Art. 26), clocks start, the checklist comes from the rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from jisheng.cases import services as case_services
from jisheng.cases.models import ApplicantRole, Case
from jisheng.core.errors import InvalidInput
from jisheng.core.masking import mask_name
from jisheng.core.models import Area, AreaLevel
from jisheng.registry import selectors as registry
from jisheng.registry.models import Person

from . import rules


def birth_approval_eligibility(facts: dict[str, Any], *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Judge ``facts`` (contract §2 vocabulary) on ``as_of`` (default ``application_date``; today when the
    facts have none either — a citizen asking "now").

    Returns ``{"eligible": bool|None, "provisions": [keys], "unmet": [ids], "missing": [paths],
    "materials": [names]}``.

    Raises:
        InvalidInput: no date to judge on, a malformed date, or no rule version in force that day.
    """
    if as_of is None and not facts.get("application_date"):
        from jisheng.core import clock

        as_of = clock.today()
    return rules.evaluate(facts, as_of).to_dict()


def _town(area: Area | None) -> Area | None:
    while area is not None and area.level > AreaLevel.TOWN:
        area = area.parent
    return area if area is not None and area.level == AreaLevel.TOWN else None


def receiving_town(wife: Person) -> Area:
    """The town (镇/街道) of the wife's hukou, which receives the application (江苏条例 Art. 26).

    Raises:
        InvalidInput: the wife's hukou lies outside the installation's areas (apply where it is).
    """
    town = _town(wife.hukou_area)
    if town is None:
        raise InvalidInput(_("女方户籍不在本市辖区，应向女方户籍地乡镇（街道）申请"), location="wife")
    return town


def receiving_town_for(actor: Any, wife: Person) -> Area:
    """The receiving town of ``wife`` (:func:`receiving_town`), checked against ``actor``'s area scope, so an
    officer cannot file a case into another town's list (where it would vanish from their view).

    Raises:
        InvalidInput: the wife's hukou is outside the installation, or its town is outside the actor's area
            (the message names the competent town).
    """
    town = receiving_town(wife)
    scope = getattr(actor, "area", None)
    if scope is not None and not scope.contains(town):
        raise InvalidInput(_("女方户籍在%(town)s，应由%(town)s受理") % {"town": town.name}, location="wife")
    return town


#: Birth-approval statuses of an application still in progress (not yet decided, refused or ended).
OPEN_STATUSES = ("received", "supplement_requested", "accepted", "town_reviewed", "legal_review", "legal_reviewed")


def open_birth_approval(wife: Person) -> Case | None:
    """The birth-approval case of ``wife`` still in progress, if any."""
    return (Case.objects.filter(case_type="birth_approval", status__in=OPEN_STATUSES, applicants__person=wife,
                                applicants__role=ApplicantRole.WIFE).order_by("id").first())


def birth_approval_facts_from_registry(wife: Person, husband: Person, *, as_of: dt.date) -> dict[str, Any]:
    """The contract §2 facts the registry knows on ``as_of``: birth dates, hukou type, only-child status
    (when the registry can tell), the marriage date and the couple's living children.

    Facts the registry does not hold (disability grades, underground work, previous marriages, land…)
    stay absent, so the rules report them as missing rather than guess.
    """
    def spouse(p: Person) -> dict[str, Any]:
        data: dict[str, Any] = {"birth_date": p.birth_date.isoformat(), "hukou": p.hukou_type}
        only = registry.is_only_child(p, as_of)
        if only is not None:
            data["is_only_child"] = only
        return data

    facts: dict[str, Any] = {"application_date": as_of.isoformat(), "wife": spouse(wife), "husband": spouse(husband)}
    marriage = registry.current_marriage(wife, as_of)
    if marriage is not None and marriage.husband_id == husband.pk:
        facts["marriage"] = {"date": marriage.start_date.isoformat()}
    wife_children = {c.pk: c for c in registry.children_of(wife, as_of)}
    husband_children = {c.pk: c for c in registry.children_of(husband, as_of)}
    children = []
    for pk, child in sorted({**wife_children, **husband_children}.items(), key=lambda kv: kv[1].birth_date):
        parents = ("joint" if pk in wife_children and pk in husband_children
                   else "wife_previous" if pk in wife_children else "husband_previous")
        children.append({"birth_date": child.birth_date.isoformat(), "sex": child.sex, "parents": parents,
                         "alive": registry.alive_on(child, as_of)})
    facts["children"] = children
    return facts


def birth_approval_register(*, wife: Person, husband: Person, application_date: dt.date, actor: Any,
                            facts: dict[str, Any] | None = None, is_special: bool = False,
                            special_reason: str = "", is_demo: bool = False) -> Case:
    """Register a birth-approval application of ``wife`` and ``husband`` received on ``application_date``.

    ``facts`` (contract §2) completes what the registry knows; given values win. The case lands in the
    town of the wife's hukou; the one-time supplement-notice clock starts.

    Raises:
        InvalidInput: the wife's hukou is outside the installation or its town outside the actor's area,
            spouses given the wrong way round or not living, or the wife already has an application in
            progress.
        NotPermitted: the actor may not register cases.
    """
    if wife.sex != "F" or husband.sex != "M":
        raise InvalidInput(_("请按女方、男方顺序选择夫妻双方"), location="wife")
    for who, person in (("wife", wife), ("husband", husband)):
        if person.status != "alive":  # a dead, moved-out or merged record cannot apply
            raise InvalidInput(_("%(name)s在人口信息中的状态为“%(s)s”，不能作为申请人") % {
                "name": mask_name(person.name), "s": person.get_status_display()}, location=who)
    town = receiving_town_for(actor, wife)
    pending = open_birth_approval(wife)
    if pending is not None:  # a double-submitted form or a second desk must not open a parallel file
        raise InvalidInput(_("女方已有在办的再生育审批案件 %(n)s") % {"n": pending.number}, location="wife")
    merged = birth_approval_facts_from_registry(wife, husband, as_of=application_date)
    for key, value in (facts or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    merged["application_date"] = application_date.isoformat()
    return case_services.case_create(
        case_type="birth_approval", area=town, application_date=application_date, actor=actor,
        applicants=[(wife, ApplicantRole.WIFE), (husband, ApplicantRole.HUSBAND)], facts=merged,
        is_special=is_special, special_reason=special_reason, is_demo=is_demo,
        summary=_("%(w)s、%(h)s 申请再生育一个孩子") % {"w": mask_name(wife.name), "h": mask_name(husband.name)})
