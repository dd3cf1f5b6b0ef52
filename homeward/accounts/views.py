from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from homeward.accounts import selectors, services
from homeward.accounts.forms import ApiTokenForm, MembershipForm, PreferencesForm, UserCreateForm
from homeward.accounts.models import ApiToken
from homeward.accounts.roles import Capability
from homeward.core.actors import actor_from_request
from homeward.core.errors import HomewardError, ValidationError
from homeward.core.scope import require
from homeward.core.views_util import apply_errors, get_or_404


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_record_login(actor=actor_from_request(self.request))
        return response

    def form_invalid(self, form):
        username = form.data.get("username", "")
        if username and form.data.get("password"):
            services.user_record_failed_login(
                actor=actor_from_request(self.request), username=username
            )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def my_account(request):
    actor = request.actor
    preferences = PreferencesForm(initial={"preferred_language": actor.user.preferred_language})
    token_form = ApiTokenForm()
    new_token = None
    if request.method == "POST" and request.POST.get("form") == "token":
        token_form = ApiTokenForm(request.POST)
        if token_form.is_valid():
            _token, new_token = services.api_token_create(
                actor=actor, user=actor.user, name=token_form.cleaned_data["name"]
            )
    elif request.method == "POST" and request.POST.get("form") == "revoke":
        token = get_or_404(ApiToken.objects.filter(user=actor.user), pk=request.POST.get("token"))
        services.api_token_revoke(actor=actor, token=token)
        messages.success(request, _("The token was revoked."))
        return redirect("my-account")
    elif request.method == "POST":
        preferences = PreferencesForm(request.POST)
        if preferences.is_valid():
            services.user_update_preferences(
                actor=actor, user=actor.user, **preferences.cleaned_data
            )
            messages.success(request, _("Your preferences were saved."))
            response = redirect("my-account")
            language = preferences.cleaned_data["preferred_language"]
            if language:
                response.set_cookie("django_language", language, samesite="Lax")
            return response
    return render(
        request,
        "accounts/my_account.html",
        {
            "preferences": preferences,
            "token_form": token_form,
            "new_token": new_token,
            "tokens": selectors.api_tokens_of(user=actor.user),
        },
    )


@login_required
def password_change(request):
    """Change one's own password: the current one is asked for, the new one checked."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.actor, user=request.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # Changing the password ends the user's other sessions, not this one.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("my-account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def organisation_list(request):
    require(request.actor, Capability.MANAGE_USERS)
    organisations = selectors.organisation_list(actor=request.actor)
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@login_required
def organisation_detail(request, code):
    organisation = selectors.organisation_get(actor=request.actor, code=code)
    members = selectors.organisation_members(actor=request.actor, organisation=organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "members": members},
    )


@login_required
def user_list(request):
    require(request.actor, Capability.MANAGE_USERS)
    return render(
        request, "accounts/user_list.html", {"users": selectors.user_list(actor=request.actor)}
    )


@login_required
def user_new(request):
    actor = request.actor
    require(actor, Capability.MANAGE_USERS)
    organisations = selectors.organisation_list(actor=actor)
    form = UserCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The user %(username)s was created.") % {"username": user.username}
            )
            return redirect("user", username=user.username)
    return render(request, "accounts/user_new.html", {"form": form})


@login_required
def user_detail(request, username):
    actor = request.actor
    user = selectors.user_get(actor=actor, username=username)
    organisations = selectors.organisation_list(actor=actor)
    form = MembershipForm(organisations=organisations)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "grant":
                form = MembershipForm(request.POST, organisations=organisations)
                if form.is_valid():
                    services.membership_grant(actor=actor, user=user, **form.cleaned_data)
                    messages.success(request, _("The role was granted."))
                    return redirect("user", username=user.username)
            elif action == "revoke":
                membership = get_or_404(
                    selectors.memberships_visible(actor=actor, user=user),
                    pk=request.POST.get("membership"),
                )
                services.membership_revoke(actor=actor, membership=membership)
                messages.success(request, _("The role was revoked."))
                return redirect("user", username=user.username)
            elif action in {"activate", "deactivate"}:
                services.user_set_active(actor=actor, user=user, is_active=action == "activate")
                return redirect("user", username=user.username)
        except ValidationError as error:
            apply_errors(form, error)
        except HomewardError as error:
            messages.error(request, error.message)
    memberships = selectors.memberships_visible(actor=actor, user=user)
    return render(
        request,
        "accounts/user_detail.html",
        {"subject": user, "memberships": memberships, "form": form},
    )
