"""The client's address, the same for login throttling (django-axes) and rate limits
(django-ratelimit).

Behind PROXY_COUNT reverse proxies, each proxy appends the address it received the connection from
to X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the right; entries further left
are whatever the client chose to send and are ignored. With no proxy, or a request that did not
come through the expected proxies, REMOTE_ADDR is the client.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
