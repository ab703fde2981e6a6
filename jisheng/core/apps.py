from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Core (基础): base model, clock, money, errors, audit, areas, access helpers, system checks."""

    name = "jisheng.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import audit, checks, reference  # noqa: F401
        from .areas import _loader

        reference.register_loader("areas", _loader, order=10)
        from .demo import demo_step

        reference.register_demo("villages", demo_step, order=10)
