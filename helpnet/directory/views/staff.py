"""Pages for the staff of organisations: keep their own services true."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/staff_home.html", {})
