"""The case worker's day: everything due, gathered from every casework app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from homeward.casework.panels import agenda


@login_required
def my_day(request):
    today = timezone.localdate()
    items = agenda(actor=request.actor, today=today)
    return render(
        request,
        "casework/my_day.html",
        {
            "today": today,
            "overdue": [item for item in items if item.is_overdue(today)],
            "due": [item for item in items if not item.is_overdue(today) and not item.is_approval],
            "approvals": [item for item in items if item.is_approval],
        },
    )
