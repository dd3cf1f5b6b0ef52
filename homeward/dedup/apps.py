from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DedupConfig(AppConfig):
    name = "homeward.dedup"
    label = "dedup"
    verbose_name = _("Deduplication")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Job handlers register themselves on import; the worker needs them registered.
        from homeward.dedup import jobs  # noqa: F401
