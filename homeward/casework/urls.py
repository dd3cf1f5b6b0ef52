"""The pages and API routes of every casework app, gathered for the site's URL configuration."""

from importlib import import_module

from django.urls import include, path

from homeward.casework import CASEWORK_APPS, views

urlpatterns = [path("my-day/", views.my_day, name="my-day")] + [
    path("", include(f"homeward.casework.{app}.urls")) for app in CASEWORK_APPS
]

CASEWORK_ROUTES = [
    route for app in CASEWORK_APPS for route in import_module(f"homeward.casework.{app}.api").ROUTES
]
