"""Referrals, contacts and grievances."""

from django.db import models  # noqa: F401
