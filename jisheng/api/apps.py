from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class APIConfig(AppConfig):
    """API (接口)."""

    name = "jisheng.api"
    label = "api"
    verbose_name = _("接口")
