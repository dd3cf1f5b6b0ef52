from django.urls import include, path

from homeward.accounts import views as accounts_views
from homeward.core import views as core_views
from homeward.programmes import views as programmes_views

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
    path("projects/", programmes_views.project_list, name="projects"),
    path("projects/<slug:code>/", programmes_views.project_detail, name="project"),
    path("projects/<slug:code>/edit/", programmes_views.project_edit, name="project-edit"),
    path("api/v1/", include("homeward.api.urls")),
]

handler404 = "homeward.core.views.not_found"
