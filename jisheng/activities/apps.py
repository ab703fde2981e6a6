from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Activities (服务活动)."""

    name = "jisheng.activities"
    label = "activities"
    verbose_name = _("服务活动")
