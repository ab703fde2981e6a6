from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Registry (人口信息)."""

    name = "jisheng.registry"
    label = "registry"
    verbose_name = _("人口信息")
