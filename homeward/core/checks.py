from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def development_secret_key(app_configs, **kwargs):
    from homeward.settings import _DEV_SECRET_KEY

    if settings.SECRET_KEY == _DEV_SECRET_KEY:
        return [
            Warning(
                "SECRET_KEY is Homeward's development key.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="homeward.W001",
            )
        ]
    return []
