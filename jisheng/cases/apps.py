from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases (案件)."""

    name = "jisheng.cases"
    label = "cases"
    verbose_name = _("案件")
