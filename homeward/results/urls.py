"""The pages of results: included at the site's root by ``homeward/urls.py``."""

from django.urls import path  # noqa: F401

urlpatterns = []
