from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@transaction.non_atomic_requests
@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe and the benchmark's floor: touches neither database nor cache."""
    return HttpResponse("ok", content_type="text/plain")
