"""What results add to the project page: each indicator's standing in one line, and the way to
the dashboard."""

from __future__ import annotations

from homeward.casework.panels import Panel


def project_panel(*, request, project) -> Panel | None:
    from homeward.results import selectors
    from homeward.results.dashboard import indicator_view_brief

    actor = request.actor
    if not selectors.can_view_figures(actor, project):
        return None
    figures = selectors.project_figures(actor=actor, project=project, detail=False)
    lines = [indicator_view_brief(indicator) for indicator in figures.indicators]
    return Panel(
        template="results/includes/project_panel.html",
        context={"project": project, "figures": figures, "lines": lines},
    )
