"""Organisations, users, memberships and API tokens: every change audited."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.models import ApiToken, Membership, Organisation, User
from homeward.accounts.roles import Capability, Role
from homeward.core.actors import Actor
from homeward.core.audit import audit_record, diff, snapshot
from homeward.core.concurrency import update_versioned
from homeward.core.errors import ValidationError
from homeward.core.services import NothingChanged, service

TOKEN_PREFIX = "hw_"  # noqa: S105 - a visible prefix, not a secret


def _require_admin_of(actor: Actor, organisation: Organisation) -> None:
    scope = actor.scope(Capability.MANAGE_USERS)
    if not (scope.is_global or organisation.pk in scope.organisation_ids):
        raise Http404


def _require_admin_of_user(actor: Actor, user: User) -> None:
    """The actor administers at least one organisation the user belongs to."""
    scope = actor.scope(Capability.MANAGE_USERS)
    if scope.is_global:
        return
    organisations = set(
        user.memberships.filter(is_active=True).values_list("organisation_id", flat=True)
    )
    if not organisations & scope.organisation_ids:
        raise Http404


def _organisation_id_of(user: User, actor: Actor) -> int | None:
    """The organisation whose audit trail shows an event about ``user``.

    A user belongs to no single organisation, but the administrators and the data protection
    officer of theirs must see what happens to the account: the first of the user's
    organisations that the actor administers, else the first the user joined.
    """
    organisations = list(
        user.memberships.filter(is_active=True)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
    )
    administered = actor.scope(Capability.MANAGE_USERS).organisation_ids
    return next(
        (pk for pk in organisations if pk in administered),
        organisations[0] if organisations else None,
    )


@service
def organisation_create(*, actor: Actor, code: str, name: str, kind: str) -> Organisation:
    # Creating organisations is the platform operator's job (a superuser or a command).
    if not actor.scope(Capability.MANAGE_USERS).is_global:
        raise Http404
    if Organisation.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An organisation with this code already exists.")})
    organisation = Organisation(code=code, name=name, kind=kind)
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.create",
        target=organisation,
        changes=diff({}, snapshot(organisation, ["code", "name", "kind"])),
    )
    return organisation


@service
def organisation_update(
    *, actor: Actor, organisation: Organisation, expected_version: int | None, **changes
) -> Organisation:
    _require_admin_of(actor, organisation)
    update_versioned(
        actor=actor,
        instance=organisation,
        action="organisation.update",
        changes=changes,
        editable={"name", "kind", "is_active"},
        expected_version=expected_version,
    )
    return organisation


@service
def user_create(
    *,
    actor: Actor,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    organisation: Organisation,
    role: str,
    preferred_language: str = "",
) -> User:
    _require_admin_of(actor, organisation)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with this username already exists.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as weak:
            raise ValidationError({"password": weak.messages}) from weak
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        organisation_id=organisation.pk,
        changes=diff({}, snapshot(user, ["username", "email", "first_name", "last_name"])),
    )
    membership_grant(actor=actor, user=user, organisation=organisation, role=role)
    return user


@service
def user_set_password(*, actor: Actor, user: User, password: str) -> User:
    if actor.user != user:
        _require_admin_of_user(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as weak:
        raise ValidationError({"password": weak.messages}) from weak
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="user.set_password",
        target=user,
        organisation_id=_organisation_id_of(user, actor),
    )
    return user


@service
def user_set_active(*, actor: Actor, user: User, is_active: bool) -> User:
    _require_admin_of_user(actor, user)
    if user.is_active == is_active:
        raise NothingChanged(user)
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.activate" if is_active else "user.deactivate",
        target=user,
        organisation_id=_organisation_id_of(user, actor),
        changes={"is_active": {"before": not is_active, "after": is_active}},
    )
    return user


@service
def user_record_login(*, actor: Actor) -> None:
    audit_record(
        actor=actor,
        action="user.login",
        target=actor.user,
        organisation_id=_organisation_id_of(actor.user, actor),
    )


@service
def user_record_failed_login(*, actor: Actor, username: str) -> None:
    """A wrong password is recorded against the account it was tried on, where the account's
    administrators and data protection officer see it; an unknown username against none."""
    user = User.objects.filter(username__iexact=username).first() if username else None
    audit_record(
        actor=actor,
        action="user.login_failed",
        target_type="accounts.user",
        target_id=user.pk if user else None,
        target_label=username[:150],
        organisation_id=_organisation_id_of(user, actor) if user else None,
    )


@service
def membership_grant(
    *, actor: Actor, user: User, organisation: Organisation, role: str, projects=()
) -> Membership:
    _require_admin_of(actor, organisation)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    projects = list(projects)
    foreign = [project for project in projects if not project.involves(organisation)]
    if foreign:
        raise ValidationError(
            {
                "projects": _("%(organisation)s takes no part in %(projects)s.")
                % {"organisation": organisation, "projects": ", ".join(p.code for p in foreign)}
            }
        )
    if Membership.objects.filter(
        user=user, organisation=organisation, role=role, is_active=True
    ).exists():
        raise ValidationError({"role": _("The user already has this role in this organisation.")})
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    membership.projects.set(projects)
    audit_record(
        actor=actor,
        action="membership.grant",
        target=membership,
        changes={
            "user": {"before": None, "after": user.username},
            "role": {"before": None, "after": role},
            "projects": {"before": None, "after": [p.code for p in projects]},
        },
    )
    return membership


@service
def membership_revoke(*, actor: Actor, membership: Membership) -> Membership:
    _require_admin_of(actor, membership.organisation)
    if not membership.is_active:
        raise NothingChanged(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="membership.revoke",
        target=membership,
        changes={"is_active": {"before": True, "after": False}},
    )
    return membership


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@service
def api_token_create(
    *, actor: Actor, user: User, name: str = "", expires_at=None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the record and the token, which is never stored."""
    if actor.user != user:
        _require_admin_of_user(actor, user)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:10], digest=_digest(secret), expires_at=expires_at
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        target=token,
        organisation_id=_organisation_id_of(user, actor),
        changes={"user": {"before": None, "after": user.username}},
    )
    return token, secret


@service
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    if actor.user != token.user:
        _require_admin_of_user(actor, token.user)
    if token.revoked_at:
        raise NothingChanged(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        target=token,
        organisation_id=_organisation_id_of(token.user, actor),
    )
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active user a token belongs to, or None. Marks the token used (at most once a
    minute, so that a busy client does not write on every request)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@service
def user_update_preferences(*, actor: Actor, user: User, preferred_language: str) -> User:
    if actor.user != user:
        _require_admin_of_user(actor, user)
    before = snapshot(user, ["preferred_language"])
    user.preferred_language = preferred_language
    changed = diff(before, snapshot(user, ["preferred_language"]))
    if not changed:
        raise NothingChanged(user)
    user.save(update_fields=["preferred_language"])
    audit_record(
        actor=actor,
        action="user.update",
        target=user,
        changes=changed,
        organisation_id=_organisation_id_of(user, actor),
    )
    return user
