from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Statistics (统计)."""

    name = "jisheng.statistics"
    label = "statistics"
    verbose_name = _("统计")
