from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import Capability

# (url name, label, capability needed; None: every signed-in user)
NAVIGATION = [
    ("home", _("Overview"), None),
    ("registry", _("Registry"), Capability.VIEW_PERSONAL_DATA),
    ("projects", _("Projects"), Capability.VIEW_PROJECTS),
    ("organisations", _("Organisations"), Capability.MANAGE_USERS),
    ("users", _("Users"), Capability.MANAGE_USERS),
    ("audit", _("Audit trail"), Capability.VIEW_AUDIT),
    ("jobs", _("Jobs"), None),
]


def navigation(request):
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return {"navigation": []}
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    items = [
        {"url": reverse(name), "label": label, "current": name == current}
        for name, label, capability in NAVIGATION
        if capability is None or actor.can(capability)
    ]
    return {"navigation": items}
