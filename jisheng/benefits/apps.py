from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    """Benefits (奖励扶助)."""

    name = "jisheng.benefits"
    label = "benefits"
    verbose_name = _("奖励扶助")
