"""Staff roles and what each may do.

A role is a job at the commission (see the handbook's user table). Capabilities are checked by
services and views with ``user.has_capability("registry.unmask")``; area scope is separate (every
account has one area and sees only that subtree).

Procedures on the case engine have capabilities of their own namespace (``licensing.view``,
``licensing.decide``…, see ``jisheng/cases/types.py`` ``ENGINE_CAPABILITIES``): a role handles only the
procedures whose capabilities it holds.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    TOWN_OFFICER = "town_officer", _("镇（街道）计生办")
    VILLAGE_GUIDE = "village_guide", _("村（社区）计生指导员")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核员")
    LEADER = "leader", _("委领导")
    PETITION_CLERK = "petition_clerk", _("信访工作人员")
    FINANCE_OFFICER = "finance_officer", _("财务人员")
    HEALTH_OFFICER = "health_officer", _("健康项目专员")
    AUDITOR = "auditor", _("审计监督（只读）")


ALL_ROLES: frozenset[str] = frozenset(Role.values)
STAFF_WRITERS: frozenset[str] = ALL_ROLES - {Role.AUDITOR, Role.LEADER}
#: Roles whose accounts must use a second factor (TOTP) at every sign-in.
SECOND_FACTOR_REQUIRED: frozenset[str] = frozenset({Role.CITY_ADMIN})

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CITY_ADMIN: frozenset({
        "accounts.manage", "audit.view", "law.manage", "calendar.manage",
        "registry.view", "registry.change", "registry.unmask", "registry.import", "registry.export",
        "registry.merge", "licensing.view", "licensing.change", "licensing.decide", "licensing.publish",
        "enforcement.view", "benefits.view", "benefits.change", "disclosure.publish", "petitions.view",
        "activities.view", "activities.change", "statistics.view",
    }),
    Role.TOWN_OFFICER: frozenset({
        "registry.view", "registry.change", "registry.unmask", "registry.import", "registry.export",
        "registry.merge", "licensing.view", "licensing.register", "licensing.change", "licensing.town_opinion",
        "benefits.view", "benefits.change", "petitions.view", "petitions.change", "petitions.respond",
        "activities.view", "activities.change", "statistics.view",
    }),
    Role.VILLAGE_GUIDE: frozenset({
        "registry.view", "registry.change", "licensing.view", "licensing.register", "benefits.view",
        "activities.view", "activities.change",
    }),
    Role.LEGAL_REVIEWER: frozenset({
        "law.manage", "registry.view", "licensing.view", "licensing.legal_review", "licensing.file_review",
        "enforcement.view", "statistics.view",
    }),
    Role.LEADER: frozenset({
        "registry.view", "licensing.view", "licensing.approve_extension", "enforcement.view", "benefits.view",
        "petitions.view", "petitions.approve_extension", "petitions.supervise", "activities.view", "statistics.view",
    }),
    Role.PETITION_CLERK: frozenset({"petitions.view", "petitions.register", "petitions.change", "petitions.decide",
                                    "petitions.respond", "registry.view"}),
    Role.FINANCE_OFFICER: frozenset({
        "benefits.view", "benefits.prepare_roll", "benefits.approve_roll", "registry.view",
    }),
    Role.HEALTH_OFFICER: frozenset({"activities.view", "activities.change", "registry.view", "statistics.view"}),
    Role.AUDITOR: frozenset({
        "audit.view", "registry.view", "licensing.view", "enforcement.view", "benefits.view", "petitions.view",
        "activities.view", "statistics.view",
    }),
}


def capabilities_of(role: str | None) -> frozenset[str]:
    """Return the capabilities of ``role`` (empty for an unknown role or None)."""
    return CAPABILITIES.get(role or "", frozenset())


def roles_with(capability: str) -> frozenset[str]:
    """Return the roles that have ``capability`` (for route declarations)."""
    return frozenset(role for role, caps in CAPABILITIES.items() if capability in caps)
