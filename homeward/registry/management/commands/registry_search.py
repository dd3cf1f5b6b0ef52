from django.core.management.base import BaseCommand, CommandError

from homeward.geo.selectors import MUNICIPALITY_KINDS, AreaAmbiguous, AreaNotFound, area_resolve
from homeward.registry.management.commands._actor import command_actor
from homeward.registry.models import DisplacementStatus, Vulnerability
from homeward.registry.selectors import PERSON_ORDERINGS, person_search


class Command(BaseCommand):
    help = (
        "Search the registry as the search box does: any part of a name in any script or "
        "spelling, a JMBG, a phone number or a household number."
    )

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default="")
        parser.add_argument("--user", help="Search as this user, within what they may see.")
        parser.add_argument("--municipality", help="Current municipality: code or any name.")
        parser.add_argument("--status", choices=DisplacementStatus.values)
        parser.add_argument("--vulnerability", choices=Vulnerability.values)
        parser.add_argument("--sort", choices=sorted(PERSON_ORDERINGS), default="name")
        parser.add_argument("--limit", type=int, default=50)

    def handle(
        self,
        *args,
        query="",
        user=None,
        municipality=None,
        status=None,
        vulnerability=None,
        sort="name",
        limit=50,
        **options,
    ):
        actor = command_actor(user)
        area = None
        if municipality:
            try:
                area = area_resolve(municipality, kinds=MUNICIPALITY_KINDS)
            except (AreaNotFound, AreaAmbiguous) as error:
                raise CommandError(str(error.message)) from error
        people = person_search(
            actor=actor,
            query=query,
            municipality=area,
            displacement_status=status or "",
            vulnerability=vulnerability or "",
            ordering=sort,
        )
        total = people.count()
        for person in people[:limit]:
            born = person.date_of_birth
            born_text = (
                ""
                if born is None
                else str(born.year)
                if person.date_of_birth_estimated
                else born.isoformat()
            )
            self.stdout.write(
                "\t".join(
                    [
                        person.household.number,
                        person.full_name,
                        born_text,
                        person.sex,
                        person.national_id,
                        person.displacement_status,
                        person.household.current_municipality.code,
                    ]
                )
            )
        shown = min(total, limit)
        self.stderr.write(f"{shown} of {total} people shown.")
