"""Headers for every page and file the portal's views send (static files are served before these,
by WhiteNoise, and keep their long caching)."""

from csp.middleware import CSPMiddleware
from django.utils.cache import add_never_cache_headers

# Shown by the browser's own viewer, itself a page of inline styles and an embed that the policy
# would break (Chrome shows a blank or clipped PDF); such a file runs no script of its own.
VIEWER_CONTENT_TYPES = ("application/pdf", "image/")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) on everything but PDFs and images."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(VIEWER_CONTENT_TYPES):
            return response
        return super().process_response(request, response)


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and Django's other never-cache headers) on every response of a
    view that does not set its own: pages, exports, PDFs and attachments carry personal data, which
    neither the browser's cache nor a proxy may keep after the session ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
