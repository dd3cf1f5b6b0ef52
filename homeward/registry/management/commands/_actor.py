"""The actor of a registry command: a named user (seeing what they see), or the operator."""

from django.core.management.base import CommandError

from homeward.accounts.models import User
from homeward.core.actors import actor_for_user, system_actor


def command_actor(username: str | None):
    if not username:
        return system_actor(via="cli")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user is called {username!r}.")
    if not user.is_active:
        raise CommandError(f"The user {username!r} is deactivated.")
    return actor_for_user(user, via="cli")
