"""The one public endpoint of the search app: word suggestions as the user types."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .queries import suggest

MAX_PREFIX = 100


@login_not_required
@require_GET
@cache_control(public=True, max_age=300)
def suggest_words(request: HttpRequest) -> HttpResponse:
    prefix = request.GET.get("q", "")[:MAX_PREFIX]
    lang = translation.get_language() or "sl"
    return JsonResponse({"q": prefix, "suggestions": suggest(prefix, lang)})
