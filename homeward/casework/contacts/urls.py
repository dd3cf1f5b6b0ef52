"""The pages of referrals, the information desk and grievances: included at the site's root by
``homeward/urls.py``."""

from django.urls import path

from homeward.casework.contacts import views

urlpatterns = [
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/<str:number>/", views.referral_new, name="referral-new"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/edit/", views.referral_edit, name="referral-edit"),
    path("referrals/<int:pk>/status/", views.referral_status, name="referral-status"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("grievances/", views.grievance_list, name="grievances"),
    path("grievances/new/", views.grievance_new, name="grievance-new"),
    path("grievances/<int:pk>/", views.grievance_detail, name="grievance"),
    path("grievances/<int:pk>/status/", views.grievance_status, name="grievance-status"),
    path("grievances/<int:pk>/category/", views.grievance_category, name="grievance-category"),
]
