from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawConfig(AppConfig):
    """Law (法律法规): provisions, dated parameters, working-day calendar, deadline engine, rules framework."""

    name = "jisheng.law"
    label = "law"
    verbose_name = _("法律法规")

    def ready(self) -> None:
        from jisheng.core import modules, reference

        from . import checks, citations  # noqa: F401
        from .services import _calendar_loader, _provisions_loader

        reference.register_loader("law", _provisions_loader, order=15)
        reference.register_loader("calendar", _calendar_loader, order=20)
        modules.register(modules.Module(key="law", label=_("法律法规"), url_name="law:provision_list",
                                         capability=None, order=10))
