"""Vietnamese unless the user chose otherwise: the browser's Accept-Language is ignored.

Many browsers in Vietnam are set to English; the product's users expect Vietnamese, and the
EN/VI switch (a cookie set by ``set_language``) is the only way to change it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.allowed = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.allowed else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # restored afterwards: nothing leaks to the thread
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
