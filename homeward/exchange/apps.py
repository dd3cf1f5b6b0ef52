from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "homeward.exchange"
    label = "exchange"
    verbose_name = _("Imports and exports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Job handlers register themselves on import; the worker needs them registered.
        from homeward.exchange import lists  # noqa: F401
        from homeward.exchange.imports import jobs  # noqa: F401
