from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "homeward.casework.selection"
    label = "selection"
    verbose_name = _("Selection")
    default_auto_field = "django.db.models.BigAutoField"
