"""Staff accounts: one role and one area scope per account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
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
    #: Bumped (never written from memory, see :meth:`save`) whenever one of the account's second-factor devices is
    #: saved or deleted; a session remembers its second-factor check for one generation (``accounts.otp``).
    otp_generation = models.PositiveBigIntegerField(_("双因素设备版本"), default=0, editable=False)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the account; an existing one without ``update_fields`` writes every loaded field except
        ``otp_generation``.

        ``otp_generation`` changes only through :func:`jisheng.accounts.otp.bump_generation` (an ``F()`` update), so
        an account read before a device was revoked and saved afterwards cannot put the old generation back and
        revive the sessions that remembered the revoked device.
        """
        if not self._state.adding and not args and kwargs.get("update_fields") is None \
                and not kwargs.get("force_insert"):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name != "otp_generation"
                                       and f.attname not in deferred]
        super().save(*args, **kwargs)

    def has_capability(self, capability: str) -> bool:
        """Return True when the account's role grants ``capability`` (e.g. ``"registry.unmask"``)."""
        return self.is_active and capability in capabilities_of(self.role)


class StaffSession(AbstractBaseSession):
    """A signed-in (or signing-in) browser session: Django's session row plus the account it signed in.

    ``user`` mirrors the session data's ``_auth_user_id`` (set on every save by
    :class:`jisheng.accounts.sessions.SessionStore`), so that reading a session reads its account in the same
    statement; deleting an account deletes its sessions.
    """

    user = models.ForeignKey(User, models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("工作人员"))

    class Meta:
        verbose_name = _("会话")
        verbose_name_plural = _("会话")

    @classmethod
    def get_session_store_class(cls) -> Any:
        """The store that reads and writes these rows (:class:`jisheng.accounts.sessions.SessionStore`)."""
        from .sessions import SessionStore

        return SessionStore
