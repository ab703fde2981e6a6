from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Operations (运维)."""

    name = "jisheng.ops"
    label = "ops"
    verbose_name = _("运维")
