from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawConfig(AppConfig):
    """Law (法律法规)."""

    name = "jisheng.law"
    label = "law"
    verbose_name = _("法律法规")
