"""Who is acting: the user behind a request, an API token, a command or a background job.

Every service takes ``actor`` and every selector reads through the actor's scope, so the actor
carries what both need: the user, the address the request came from and the channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from homeward.accounts.models import User
    from homeward.core.scope import Scope


@dataclass(eq=False)
class Actor:
    user: User | None
    ip_address: str | None = None
    via: str = "ui"
    _scopes: dict = field(default_factory=dict, repr=False)
    # Organisations → the projects they lead, implement or fund (see ``core.scope``).
    _projects_of: dict = field(default_factory=dict, repr=False)

    @property
    def is_system(self) -> bool:
        """A command or a job, acting with nobody logged in. A visitor who is not logged in
        has no user either, but comes through the web or the API and is no system."""
        return self.user is None and self.via in {"cli", "task"}

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        return "system" if self.is_system else "anonymous"

    @cached_property
    def memberships(self):
        from homeward.accounts.selectors import active_memberships_for_user

        if self.user is None:
            return []
        return active_memberships_for_user(self.user)

    def scope(self, capability) -> Scope:
        """The records this actor may reach with ``capability``; computed once per actor."""
        from homeward.core.scope import scope_for

        if capability not in self._scopes:
            self._scopes[capability] = scope_for(self, capability)
        return self._scopes[capability]

    def can(self, capability) -> bool:
        return not self.scope(capability).is_empty


def system_actor(via: str = "cli") -> Actor:
    """The actor of commands and migrations that run with no person logged in."""
    return Actor(user=None, via=via)


def actor_for_user(user, *, via: str = "cli", ip_address: str | None = None) -> Actor:
    return Actor(user=user, via=via, ip_address=ip_address)


def client_ip(request) -> str | None:
    # Behind a proxy, the deployment sets HOMEWARD_TRUSTED_PROXY so that the forwarded address
    # is believed; otherwise a client could write any address into the audit trail.
    from django.conf import settings

    if getattr(settings, "HOMEWARD_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


def actor_from_request(request) -> Actor:
    """One actor per request, cached on it so scopes are computed once."""
    cached = getattr(request, "_homeward_actor", None)
    if cached is not None and cached.user == (
        request.user if request.user.is_authenticated else None
    ):
        return cached
    user = request.user if request.user.is_authenticated else None
    via = "api" if request.path.startswith("/api/") else "ui"
    actor = Actor(user=user, ip_address=client_ip(request), via=via)
    request._homeward_actor = actor
    return actor
