from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Petitions (信访)."""

    name = "jisheng.petitions"
    label = "petitions"
    verbose_name = _("信访")
