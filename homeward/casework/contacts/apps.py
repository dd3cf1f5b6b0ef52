from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "homeward.casework.contacts"
    label = "contacts"
    verbose_name = _("Referrals, contacts and grievances")
    default_auto_field = "django.db.models.BigAutoField"
