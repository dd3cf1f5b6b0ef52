from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "homeward.casework.assistance"
    label = "assistance"
    verbose_name = _("Assistance")
    default_auto_field = "django.db.models.BigAutoField"
