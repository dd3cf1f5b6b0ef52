from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "homeward.results"
    label = "results"
    verbose_name = _("Results and reporting")
    default_auto_field = "django.db.models.BigAutoField"
