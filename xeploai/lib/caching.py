"""No page of the app is kept by a browser or a proxy: almost every one shows personal data.

Reviews, people, results lists with citizen IDs, Word files: a shared computer's browser cache
or a caching proxy must not keep them for the next person. Every response the app makes gets
``Cache-Control: no-store, private``; static files, which WhiteNoise serves before this
middleware runs, keep their own long cache.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.static):
            # patch_cache_control drops a ``public`` a view may have set: private wins.
            patch_cache_control(response, no_store=True, private=True)
        return response
