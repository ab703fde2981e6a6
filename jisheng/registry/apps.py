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
        reference.register_loader("registry-name-keys", _name_keys_loader, order=90)
        modules.register(modules.Module(key="registry", label=_("人口信息"), url_name="registry:person_list",
                                        capability="registry.view", order=20))
        modules.register_workbench(registry_workbench)
        from .access import audit_person_lookup, audit_subjects

        modules.register_audit_person_lookup(audit_person_lookup)
        modules.register_audit_subjects(audit_subjects)


def _name_keys_loader(stdout: object = None) -> str:
    from .services import name_keys_refresh

    return name_keys_refresh(stdout)
