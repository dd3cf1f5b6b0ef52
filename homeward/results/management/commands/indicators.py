from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from homeward.programmes.models import Project
from homeward.registry.management.commands._actor import command_actor
from homeward.results.selectors import project_figures


def _number(value, suppressed: bool, unit: str, complementary: bool = False) -> str:
    if suppressed:
        # "x": hidden only so that a small cell cannot be worked out; it may hold 5 or more.
        return "x" if complementary else "<5"
    if value is None:
        return "-"
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value}"
    return f"{text}%" if unit == "percentage" else text


class Command(BaseCommand):
    help = (
        "A project's indicator table: baseline, target, actual, per cent of target, the pace "
        "expected by now and whether it lags, computed from the recorded casework."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="The project's code.")
        parser.add_argument(
            "--as-of", help="The day of the figures (YYYY-MM-DD); today if omitted."
        )
        parser.add_argument(
            "--user", help="Whose view: their scope decides (a donor sees small cells hidden)."
        )
        parser.add_argument(
            "--breakdowns", action="store_true", help="Print each indicator's disaggregations."
        )

    def handle(self, *args, project, as_of=None, user=None, breakdowns=False, **options):
        import datetime

        actor = command_actor(user)
        record = Project.objects.filter(code=project).first()
        day = None
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError as error:
                raise CommandError("--as-of: give a date as YYYY-MM-DD.") from error
        try:
            if record is None:
                raise Http404
            figures = project_figures(actor=actor, project=record, as_of=day)
        except Http404 as error:
            raise CommandError(f"No project {project!r} is visible to this user.") from error
        self.stdout.write(
            f"{figures.project_code} · {figures.project_title} · as of {figures.as_of}"
            + (" · aggregates only" if figures.aggregate_only else "")
        )
        header = f"{'code':<8} {'baseline':>9} {'target':>9} {'actual':>9} {'%':>7} "
        header += f"{'expected':>9}  {'':4} name"
        self.stdout.write(header)
        for indicator in figures.indicators:
            unit = indicator.unit
            row = [
                f"{indicator.code:<8}",
                f"{_number(indicator.baseline, False, unit):>9}",
                f"{_number(indicator.target, False, unit):>9}",
                f"{_number(indicator.actual, indicator.suppressed, unit):>9}",
                f"{_number(indicator.percent_of_target, False, 'percentage'):>7}",
                f"{_number(indicator.expected_now, False, unit):>9}",
                f" {'LAGS' if indicator.lagging else '':4}",
                indicator.name,
            ]
            self.stdout.write(" ".join(row))
            if breakdowns:
                for breakdown in indicator.breakdowns:
                    cells = ", ".join(
                        f"{cell.label} "
                        + _number(cell.value, cell.suppressed, unit, cell.complementary)
                        for cell in breakdown.cells
                    )
                    self.stdout.write(f"{'':9}{breakdown.label}: {cells}")
        budget = figures.budget
        self.stdout.write(
            f"Budget {budget.budget or '-'} {budget.currency}: committed {budget.committed}, "
            f"delivered {budget.delivered}"
        )
