"""The assistance overlap page, ``/duplicates/overlap/``: the criteria as a GET form, the rows,
and the CSV / XLSX download (posted, with the page's criteria in the query, and audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from homeward.accounts.roles import Capability
from homeward.core.views_util import apply_errors
from homeward.dedup.overlap import assistance_overlap, require_reader, totals
from homeward.dedup.overlap_export import overlap_export
from homeward.dedup.overlap_forms import OverlapForm

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def overlap_view(request):
    actor = request.actor
    require_reader(actor)
    form = OverlapForm(request.GET, actor=actor)
    rows = []
    if form.is_valid():
        try:
            rows = assistance_overlap(actor=actor, **form.criteria())
        except ValidationError as error:
            apply_errors(form, error)
    if form.errors:
        return _page(request, form, rows, status=400)
    if request.method == "POST":
        try:
            exported = overlap_export(
                actor=actor,
                rows=rows,
                filters=form.filters(),
                file_format=request.POST.get("format", ""),
            )
        except ValidationError as error:
            apply_errors(form, error)
            return _page(request, form, rows, status=400)
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response
    return _page(request, form, rows)


def _page(request, form, rows, *, status=200):
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dedup/overlap.html",
        {
            "form": form,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "totals": totals(rows),
            "query": query.urlencode(),
            "unit": form.criteria()["unit"] if not form.errors else "person",
            "can_review": request.actor.can(Capability.RESOLVE_DUPLICATES),
        },
        status=status,
    )
