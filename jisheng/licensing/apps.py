from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    """Licensing (行政许可)."""

    name = "jisheng.licensing"
    label = "licensing"
    verbose_name = _("行政许可")
