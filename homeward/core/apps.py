from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "homeward.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Job handlers register themselves on import; the worker needs them registered.
        from homeward.core import audit_export, checks  # noqa: F401
