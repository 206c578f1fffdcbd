"""The public help map: no login, works without JavaScript."""

from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from helpnet.organizations.models import Municipality

from ..models import Service


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/home.html", {})


@login_not_required
def service_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("organization"), pk=pk)
    return render(request, "directory/service_detail.html", {"service": service})


@login_not_required
def municipality(request: HttpRequest, slug: str) -> HttpResponse:
    muni = get_object_or_404(Municipality, slug=slug)
    return render(request, "directory/home.html", {"municipality": muni})
