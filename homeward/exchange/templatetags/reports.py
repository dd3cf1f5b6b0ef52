"""``{% report_links project as links %}``: the report downloads of ``project`` open to the
reader (none for one who may not take reports out), each with its label and URL."""

from django import template
from django.http import Http404
from django.urls import reverse

from homeward.exchange.reports.services import FORMATS, report_capability

register = template.Library()


@register.simple_tag(takes_context=True)
def report_links(context, project) -> list[dict]:
    """On a page that shows figures as of a day (the dashboard), the reports are as of it."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return []
    try:
        report_capability(actor, project)
    except Http404:
        return []
    as_of = getattr(context.get("figures"), "as_of", None)
    query = f"?as_of={as_of.isoformat()}" if as_of else ""
    return [
        {
            "format": name,
            "label": chosen.label,
            "url": reverse("project-report", args=[project.code, name]) + query,
        }
        for name, chosen in FORMATS.items()
    ]
