from django.db.models import Prefetch

from homeward.accounts.models import ApiToken, Membership, Organisation, User
from homeward.accounts.roles import Capability
from homeward.core.scope import get_or_404, get_scoped_or_404, scoped


def active_memberships_for_user(user) -> list[Membership]:
    from homeward.programmes.models import Project

    return list(
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .prefetch_related(Prefetch("projects", queryset=Project.objects.only("pk", "code")))
    )


def organisation_list(*, actor):
    return scoped(Organisation.objects.all(), actor, Capability.MANAGE_USERS)


def organisation_get(*, actor, code: str) -> Organisation:
    return get_scoped_or_404(Organisation.objects.all(), actor, Capability.MANAGE_USERS, code=code)


def user_list(*, actor):
    """Users who hold a role in an organisation the actor administers, with those roles."""
    memberships = scoped(Membership.objects.filter(is_active=True), actor, Capability.MANAGE_USERS)
    return (
        User.objects.filter(pk__in=memberships.values("user_id"))
        .prefetch_related(
            Prefetch("memberships", queryset=memberships.select_related("organisation"))
        )
        .order_by("username")
    )


def user_get(*, actor, username: str) -> User:
    return get_or_404(user_list(actor=actor), username=username)


def organisation_members(*, actor, organisation: Organisation):
    """The active roles held in an organisation the actor administers."""
    return (
        scoped(
            Membership.objects.filter(organisation=organisation, is_active=True),
            actor,
            Capability.MANAGE_USERS,
        )
        .select_related("user")
        .order_by("user__username")
    )


def memberships_visible(*, actor, user):
    """The user's active roles in the organisations the actor administers."""
    return scoped(
        user.memberships.filter(is_active=True).select_related("organisation"),
        actor,
        Capability.MANAGE_USERS,
    ).prefetch_related("projects")


def api_tokens_of(*, user):
    return ApiToken.objects.filter(user=user).order_by("-created_at")
