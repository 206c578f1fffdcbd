"""The inbox of an organisation and its access log."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from helpnet.networks.permissions import coordinated_networks
from helpnet.organizations.models import Organization

from ..actions import log_access
from ..forms import InboxForm
from ..models import AccessLogEntry
from ..permissions import can_read_access_log, organization_roles
from ..queries import access_log_of, inbox, inbox_counts

PER_PAGE = 25


def referral_list(request: HttpRequest) -> HttpResponse:
    form = InboxForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    roles = organization_roles(request.user)
    organizations = list(Organization.objects.filter(pk__in=roles).order_by("name"))
    if not organizations:
        return render(request, "referrals/referral_list.html", {"organizations": []})
    chosen = params.get("org")
    organization = next((o for o in organizations if o.pk == chosen), None) if chosen else organizations[0]
    if organization is None:
        # Not one of the user's organisations: do not reveal whether it exists.
        raise Http404
    tab = params.get("tab") or "new"
    listed = inbox(organization, tab=tab, user=request.user)
    page = Paginator(listed, PER_PAGE).get_page(params.get("page"))  # type: ignore[arg-type]  # AllTab: count() and slices
    # One access-log row per listed referral: a person's log then shows every list they appeared on.
    log_access(page.object_list, user=request.user, action=AccessLogEntry.Action.LIST, roles=roles)
    context = {
        "organizations": organizations,
        "organization": organization,
        "tab": tab,
        "page": page,
        "counts": inbox_counts(organization, user=request.user),
        "is_admin": roles.get(organization.pk) == "admin",
        "coordinator": coordinated_networks(request.user).exists(),
    }
    return render(request, "referrals/referral_list.html", context)


def access_log(request: HttpRequest) -> HttpResponse:
    form = InboxForm(request.GET)
    org_id = form.cleaned_data.get("org") if form.is_valid() else None
    if org_id is None or not can_read_access_log(request.user, org_id):
        raise Http404
    organization = get_object_or_404(Organization, pk=org_id)
    page = Paginator(access_log_of(organization), 100).get_page(request.GET.get("page"))
    return render(request, "referrals/access_log.html", {"organization": organization, "page": page})
