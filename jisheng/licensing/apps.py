from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    """Licensing (行政许可): birth approval and the other procedures, citizen self-check, documents."""

    name = "jisheng.licensing"
    label = "licensing"
    verbose_name = _("行政许可")

    def ready(self) -> None:
        from jisheng.core import modules
        from jisheng.law.citations import register_cited_keys

        from . import rules  # noqa: F401  (registers the birth-approval rule)
        from .casetypes import cited_keys, register_all

        register_all()
        register_cited_keys("licensing", cited_keys)
        from jisheng.core import reference

        from .demo import demo_step

        reference.register_demo("licensing", demo_step, order=70)
        modules.register(modules.Module("licensing", _("行政许可"), "cases:list", "licensing.view", 30))
