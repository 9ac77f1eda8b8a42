import logging
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from onegate.rediscache import UNREACHABLE

log = logging.getLogger(__name__)


class LanguageMiddleware:
    """Indonesian unless the user chose another language (the language cookie).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: office tablets often
    ship with an English system language, and the portal's language is Indonesian by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionRenewalMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) without a session write on every request, and the
    absolute lifetime (SESSION_ABSOLUTE_SECONDS) however active the session.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session row on each page; here an active session
    is saved again only when RENEW_SECONDS have passed since its last save, so it still dies after
    SESSION_COOKIE_AGE idle seconds (give or take RENEW_SECONDS) while most requests write nothing.
    A session signed in longer ago than SESSION_ABSOLUTE_SECONDS is ended at its next request: a
    stolen session cookie, or a tablet left signed in at the desk, is not good forever.
    """

    RENEW_SECONDS = 60
    KEY = "_renewed_at"
    SIGNED_IN_AT = "_signed_in_at"  # set at login (onegate.accounts.signals)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key and session.get(SESSION_KEY):  # a signed-in user's session
            now = int(time.time())
            # A session from before this mark existed counts from now.
            signed_in_at = session.setdefault(self.SIGNED_IN_AT, now)
            if now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
                session.flush()  # signed out: the view sends them to the login page
            elif now - session.get(self.KEY, 0) >= self.RENEW_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


class RedisUnavailableMiddleware:
    """What cannot work without Redis (the public forms' rate limits and anti-spam questions, in the
    strict "counters" cache) answers "try again shortly" with 503 while Redis is down, not a 500.
    Everything else does without Redis (onegate/rediscache.py)."""

    RETRY_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNREACHABLE):
            return None
        log.warning("%s %s answered 503: Redis unreachable: %s", request.method, request.path, exception)
        response = render(request, "503_redis.html", status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
