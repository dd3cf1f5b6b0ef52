"""Settings for a deployment: the deploy checks pass with a real key and catch the demo key."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from homeward.core.checks import development_secret_key


def check_deploy(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "HOMEWARD_DATA_DIR"}
    }
    env |= {"DEBUG": "0", "ALLOWED_HOSTS": "example.org", "HOMEWARD_DATA_DIR": str(tmp_path)}
    env |= environment
    return subprocess.run(
        [sys.executable, "-m", "homeward.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_checks_pass_with_a_real_key(tmp_path):
    result = check_deploy(tmp_path, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checks_refuse_the_development_key(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    assert "homeward.W001" in result.stdout + result.stderr


def test_the_development_key_check(settings):
    from homeward.settings import _DEV_SECRET_KEY

    settings.SECRET_KEY = _DEV_SECRET_KEY
    assert [warning.id for warning in development_secret_key(None)] == ["homeward.W001"]
    with pytest.raises(SystemCheckError, match=r"homeward\.W001"):
        call_command("check", deploy=True, fail_level="WARNING", tags=["security"])
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    assert development_secret_key(None) == []


def test_production_settings_are_secure_by_default():
    # The test run uses the settings as a deployment gets them (DEBUG off).
    assert settings.DEBUG is False
    assert settings.SECURE_HSTS_SECONDS >= 60 * 60 * 24 * 365
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
