"""The provider's calls back to the portal: delivery receipts and residents' replies (STOP). No
account: the provider proves itself with the shared secret's signature (gateways.check_signature).
A call without a signature gets 401, a bad or stale one 403, both logged."""

import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import gateways, services

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


@csrf_exempt  # signed by the provider instead; no cookie or session is read
@login_not_required
@require_POST
def provider_callback(request):
    body = request.body[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        return JsonResponse({"error": "too large"}, status=413)
    secret = settings.RESIDENT_MESSAGES_SECRET
    problem = (
        "no secret configured"
        if not secret
        else gateways.check_signature(
            secret,
            request.headers.get(gateways.TIMESTAMP_HEADER),
            request.headers.get(gateways.SIGNATURE_HEADER),
            body,
        )
    )
    if problem:
        log.warning("provider callback refused (%s) from %s", problem, request.META.get("REMOTE_ADDR"))
        return JsonResponse({"error": problem}, status=401 if problem == "unsigned" else 403)
    try:
        result = services.receive(json.loads(body))
    except (ValueError, ValidationError) as exc:
        log.warning("provider callback not understood: %s", exc)
        return JsonResponse({"error": "not understood"}, status=400)
    return JsonResponse({"ok": True, "result": result})
