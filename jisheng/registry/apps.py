from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Registry (人口信息): people, households, marriages, children, life events, import/export, dedup."""

    name = "jisheng.registry"
    label = "registry"
    verbose_name = _("人口信息")

    def ready(self) -> None:
        from jisheng.core import modules, reference

        from .demo import demo_step
        from .workbench import registry_workbench

        reference.register_demo("persons", demo_step, order=30)
        modules.register(modules.Module(key="registry", label=_("人口信息"), url_name="registry:person_list",
                                        capability="registry.view", order=20))
        modules.register_workbench(registry_workbench)
