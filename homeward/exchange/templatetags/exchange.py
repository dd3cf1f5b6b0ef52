"""``{% export_controls "people" %}``: the "Export CSV / XLSX" buttons a list page shows to those
who may export it, carrying the page's current filters."""

from django import template

from homeward.exchange import lists

register = template.Library()

# The query parameters of a page that say which page of results, not which rows.
_NOT_FILTERS = {"page"}


@register.inclusion_tag("exchange/includes/export_controls.html", takes_context=True)
def export_controls(context, name, **fixed):
    """``fixed``: filters the page implies but does not carry in its query (its project)."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    allowed = False
    if actor is not None and actor.user is not None:
        if name in {"people", "households"}:
            allowed = lists.may_export_registry(actor)
        elif name == "deliveries":
            allowed = lists.may_export_project_list(actor, context["project"])
        elif name == "attendance":
            allowed = lists.may_export_project_list(actor, context["activity"].project)
    query = request.GET.copy() if request is not None else None
    if query is not None:
        for key in _NOT_FILTERS:
            query.pop(key, None)
        for key, value in fixed.items():
            query[key] = value
    return {
        "allowed": allowed,
        "name": name,
        "query": query.urlencode() if query is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def duplicate_rule(matched_on: str) -> str:
    """How a likely duplicate was found, as people read it."""
    from homeward.registry.duplicates import RULES

    return str(RULES.get(matched_on, matched_on))


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None
