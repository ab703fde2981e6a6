from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    """Enforcement (行政执法)."""

    name = "jisheng.enforcement"
    label = "enforcement"
    verbose_name = _("行政执法")
