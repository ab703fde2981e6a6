"""API tokens (接口令牌): how another system — the city's 12345 platform, the 12356 hotline — calls the API.

A token is shown once when it is created (``jisheng api-token create``) and stored only as its SHA-256 digest, with
a short non-secret prefix to find it by and to name it in lists. Each token acts through its own service account
(an :class:`~jisheng.accounts.models.User` without a usable password), so the audit trail names which token wrote.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jisheng.core.models import DomainModel


class ApiScope(models.TextChoices):
    """What a token may call. A router declares the scope it needs (``TOKEN_SCOPE`` in the app's ``api.py``)."""

    PETITIONS = "petitions", _("信访工单接口")


class ApiToken(DomainModel):
    """One API token: its name (unique among the tokens not revoked), scope, digest and service account.

    ``prefix`` is the first :data:`PREFIX_LENGTH` characters of the token: not a secret (lists and audit events show
    it), enough to find the row; the token is accepted only when the SHA-256 digest of the whole token matches
    ``digest`` (compared in constant time). ``last_used_at`` is refreshed at most once a minute.
    """

    #: Characters of the token kept in clear to find and name it.
    PREFIX_LENGTH = 8

    name = models.CharField(_("名称"), max_length=64)
    scope = models.CharField(_("权限范围"), max_length=32, choices=ApiScope.choices)
    prefix = models.CharField(_("令牌前缀"), max_length=16, unique=True)
    digest = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_token",
                                   verbose_name=_("服务账号"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("吊销人"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    # the digest is not reversible, but it is what a stolen database would be matched against: kept out of audit
    audit_exclude = ("digest",)

    class Meta:
        ordering = ["name", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=Q(revoked_at__isnull=True),
                                    name="uniq_api_token_active_name"),
        ]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def audit_label(self) -> str:
        return f"{self.name} {self.prefix}…"

    @property
    def is_active(self) -> bool:
        """True while the token is not revoked."""
        return self.revoked_at is None
