"""The API of activities: ``homeward/api/urls.py`` registers every (prefix, viewset, basename)
of ``ROUTES`` under ``/api/v1/``."""

ROUTES = []
