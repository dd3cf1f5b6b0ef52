"""API routes of results: (prefix, viewset, basename), registered by ``homeward/api/urls.py``."""

ROUTES = []
