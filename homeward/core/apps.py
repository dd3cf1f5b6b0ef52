from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "homeward.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Job handlers register themselves on import; the worker needs them registered.
        from django.db.models.signals import post_migrate

        from homeward.core import audit_export, checks  # noqa: F401
        from homeward.core.database import refresh_statistics_after_migrate

        post_migrate.connect(refresh_statistics_after_migrate, dispatch_uid="refresh-statistics")
