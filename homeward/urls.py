from django.urls import include, path

from homeward.accounts import views as accounts_views
from homeward.core import views as core_views
from homeward.registry import views as registry_views

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts_views.LogoutView.as_view(), name="logout"),
    path("accounts/me/", accounts_views.my_account, name="my-account"),
    path("accounts/password/", accounts_views.password_change, name="password-change"),
    path("", core_views.home, name="home"),
    path("audit/", core_views.audit_list, name="audit"),
    path("audit/export/", core_views.audit_export, name="audit-export"),
    path("jobs/", core_views.job_list_view, name="jobs"),
    path("jobs/<uuid:job_id>/", core_views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/progress/", core_views.job_progress, name="job-progress"),
    path("jobs/<uuid:job_id>/download/", core_views.job_download, name="job-download"),
    path("organisations/", accounts_views.organisation_list, name="organisations"),
    path("organisations/<slug:code>/", accounts_views.organisation_detail, name="organisation"),
    path("users/", accounts_views.user_list, name="users"),
    path("users/new/", accounts_views.user_new, name="user-new"),
    path("users/<str:username>/", accounts_views.user_detail, name="user"),
    path("", include("homeward.programmes.urls")),
    path("registry/", registry_views.registry_search, name="registry"),
    path("duplicates/", include("homeward.dedup.urls")),
    path("registry/register/", registry_views.household_register_view, name="household-register"),
    path("registry/check-jmbg/", registry_views.national_id_check, name="national-id-check"),
    path("registry/households/<str:number>/", registry_views.household_detail, name="household"),
    path(
        "registry/households/<str:number>/edit/",
        registry_views.household_edit,
        name="household-edit",
    ),
    path(
        "registry/households/<str:number>/add-member/",
        registry_views.person_add_view,
        name="person-add",
    ),
    path(
        "registry/households/<str:number>/split/",
        registry_views.household_split_view,
        name="household-split",
    ),
    path(
        "registry/households/<str:number>/head/",
        registry_views.household_change_head_view,
        name="household-change-head",
    ),
    path("registry/people/<int:pk>/edit/", registry_views.person_edit, name="person-edit"),
    path("registry/people/<int:pk>/move/", registry_views.person_move_view, name="person-move"),
    path(
        "registry/people/<int:pk>/documents/",
        registry_views.person_documents,
        name="person-documents",
    ),
    path(
        "registry/people/<int:pk>/consents/", registry_views.person_consent, name="person-consent"
    ),
    path(
        "registry/people/<int:pk>/consents/<int:consent_id>/withdraw/",
        registry_views.consent_withdraw_view,
        name="consent-withdraw",
    ),
    path("", include("homeward.casework.urls")),
    path("", include("homeward.results.urls")),
    path("", include("homeward.exchange.urls")),
    path("api/v1/", include("homeward.api.urls")),
]

handler404 = "homeward.core.views.not_found"
