"""The API of contacts: ``homeward/api/urls.py`` registers every (prefix, viewset, basename)
of ``ROUTES`` under ``/api/v1/``."""

ROUTES = []
