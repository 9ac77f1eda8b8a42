from .request_id import new_request_id, use_request_id


class RequestIdMiddleware:
    """Gives each request an id (echoed as X-Request-ID) that audit rows and logs carry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with use_request_id(new_request_id(request.headers.get("X-Request-ID"))) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
