from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import Capability

# (url name, label, capability needed, or a tuple of which any will do; None: every
# signed-in user)
NAVIGATION = [
    ("home", _("Overview"), None),
    ("my-day", _("My day"), (Capability.RECORD_CASEWORK, Capability.RECORD_CONTACTS)),
    ("registry", _("Registry"), Capability.VIEW_PERSONAL_DATA),
    ("projects", _("Projects"), Capability.VIEW_PROJECTS),
    ("organisations", _("Organisations"), Capability.MANAGE_USERS),
    ("users", _("Users"), Capability.MANAGE_USERS),
    ("audit", _("Audit trail"), Capability.VIEW_AUDIT),
    ("jobs", _("Jobs"), None),
]


def _may(actor, capability) -> bool:
    if capability is None:
        return True
    if isinstance(capability, tuple):
        return any(actor.can(one) for one in capability)
    return actor.can(capability)


def navigation(request):
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return {"navigation": []}
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    items = [
        {"url": reverse(name), "label": label, "current": name == current}
        for name, label, capability in NAVIGATION
        if _may(actor, capability)
    ]
    return {"navigation": items}
