"""API routes of dedup: (prefix, viewset, basename), registered by ``homeward/api/urls.py``."""

ROUTES: list = []
