"""Chinese unless the user chose otherwise.

Django's LocaleMiddleware also follows the browser's Accept-Language header,
so an English-language browser would get English pages. The portal's users
work in Chinese: the language is the one picked in the page header (kept in
the language cookie), and simplified Chinese for everyone else.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
