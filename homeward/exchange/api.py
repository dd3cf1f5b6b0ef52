"""API routes of exchange: (prefix, viewset, basename), registered by ``homeward/api/urls.py``."""

ROUTES = []
