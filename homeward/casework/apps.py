from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """What the casework apps share: the case worker's day, panels and commands. No models."""

    name = "homeward.casework"
    label = "casework"
    verbose_name = _("Casework")
