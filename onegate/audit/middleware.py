from auditlog.context import set_extra_data

from onegate.web.client_ip import client_ip

from .request_id import use_request_id


class RequestIdMiddleware:
    """Gives each request an id of the server's making (echoed as X-Request-ID) that audit rows and
    logs carry; the client's own X-Request-ID is kept only beside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with use_request_id(client_value=request.headers.get("X-Request-ID")) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response


class AuditActorMiddleware:
    """The signed-in user and the client's address (behind PROXY_COUNT proxies, as everywhere else)
    on every audit entry written while serving the request. Stands in for auditlog's middleware,
    which takes the left-most X-Forwarded-For: whatever the client chose to send."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        with set_extra_data(context_data={"actor": actor, "remote_addr": client_ip(request) or None}):
            return self.get_response(request)
