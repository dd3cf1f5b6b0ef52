from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import Capability

# (url name, label, who sees it): a capability, a tuple of capabilities of which any will do,
# the dotted path of a rule ``(actor) -> bool``, or None for every signed-in user.
NAVIGATION = [
    ("home", _("Overview"), None),
    ("my-day", _("My day"), "homeward.casework.panels.has_agenda"),
    ("registry", _("Registry"), Capability.VIEW_PERSONAL_DATA),
    ("imports", _("Import"), Capability.EDIT_REGISTRY),
    ("duplicates", _("Duplicates"), Capability.RESOLVE_DUPLICATES),
    ("referrals", _("Referrals"), Capability.VIEW_PERSONAL_DATA),
    ("contacts", _("Information desk"), Capability.RECORD_CONTACTS),
    ("grievances", _("Grievances"), "homeward.casework.contacts.access.may_read_grievances"),
    ("projects", _("Projects"), Capability.VIEW_PROJECTS),
    ("results", _("Results"), (Capability.VIEW_PROJECTS, Capability.VIEW_AGGREGATES)),
    ("dedup-overlap", _("Assistance overlap"), "homeward.dedup.overlap.in_navigation"),
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
    if isinstance(capability, str) and "." in capability:
        # A rule no single capability expresses: the dotted path of ``rule(actor) -> bool``.
        return import_string(capability)(actor)
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
