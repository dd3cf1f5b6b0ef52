"""How imports show on other apps' pages: the household's history tells who was imported from
which file (see ``casework/panels.py`` for the mechanism)."""

from django.utils.translation import gettext_lazy

HISTORY_ACTIONS = {
    "household.import": gettext_lazy("Household imported from a file"),
    "person.import": gettext_lazy("Person imported from a file"),
}
