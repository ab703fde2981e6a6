from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Registry (人口信息): people, households, marriages, children, life events, import/export, dedup."""

    name = "jisheng.registry"
    label = "registry"
    verbose_name = _("人口信息")

    def ready(self) -> None:
        from jisheng.core import reference

        from .demo import demo_step

        reference.register_demo("persons", demo_step, order=30)
