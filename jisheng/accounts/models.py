"""Staff accounts: one role and one area scope per account."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role, capabilities_of


class User(AbstractUser):
    """A staff account (工作人员账号). Citizens do not have accounts.

    ``area`` is the scope: the account sees and changes only records inside that area's subtree
    (a town officer's town; the city for city-level staff). ``role`` is one of :class:`Role`.
    """

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    area = models.ForeignKey(
        "core.Area", models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("管辖区域")
    )
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    is_demo = models.BooleanField(_("演示账号"), default=False)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_capability(self, capability: str) -> bool:
        """Return True when the account's role grants ``capability`` (e.g. ``"registry.unmask"``)."""
        return self.is_active and capability in capabilities_of(self.role)
