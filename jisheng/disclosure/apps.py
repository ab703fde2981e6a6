from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Disclosure (政务公开)."""

    name = "jisheng.disclosure"
    label = "disclosure"
    verbose_name = _("政务公开")
