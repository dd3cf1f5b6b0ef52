from django.utils import translation

from homeward.core.actors import actor_from_request


class RequestContextMiddleware:
    """Attach the actor to the request, and apply a user's preferred language when they have
    not chosen one in this browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.preferred_language
            and not request.COOKIES.get("django_language")
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        request.actor = actor_from_request(request)
        return self.get_response(request)
