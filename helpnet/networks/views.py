"""Network pages: the public list and network page, the members' area, and the coordinator's pages.

Public pages are open to everyone; a members-only network answers 404 to anyone outside it. The members'
area and the coordinator's pages need a sign-in (LoginRequiredMiddleware) and answer 404 to people who are
not members or coordinators of that network.
"""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpnet.accounts.models import User

from . import actions, queries
from .forms import (
    MemberAddForm,
    MemberEditForm,
    NetworkSettingsForm,
    ReplacePrimaryForm,
    RepresentativeForm,
    WorkingGroupForm,
    WorkingGroupMemberForm,
    add_action_error,
)
from .models import Network, NetworkMember, Representative, WorkingGroupMember
from .permissions import is_coordinator, is_member, network_for, visible_networks


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- public ----------------------------------------------------------------------------------------------


@login_not_required
def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/network_list.html", {"tree": queries.network_tree_for(request.user)})


@login_not_required
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug)
    context = {
        "network": network,
        "members": queries.active_members_of(network),
        "working_groups": queries.current_working_groups(network),
        "children": queries.visible_children(network, request.user),
        "parent": visible_networks(request.user).filter(pk=network.parent_id).first()
        if network.parent_id
        else None,
        "is_member": is_member(request.user, network),
        "is_coordinator": is_coordinator(request.user, network),
    }
    return render(request, "networks/network_detail.html", context)


@login_not_required
def working_group_detail(request: HttpRequest, slug: str, group_slug: str) -> HttpResponse:
    network = network_for(request.user, slug)
    group = queries.working_group_for(network, group_slug)
    if group is None:
        raise Http404
    context = {
        "network": network,
        "group": group,
        "is_member": is_member(request.user, network),
        "is_coordinator": is_coordinator(request.user, network),
    }
    return render(request, "networks/working_group_detail.html", context)


# --- members' area ---------------------------------------------------------------------------------------


def network_members(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    context = {
        "network": network,
        "members": queries.members_with_representatives(network),
        "working_groups": queries.working_groups_with_participants(network),
        "is_coordinator": is_coordinator(request.user, network),
    }
    return render(request, "networks/network_members.html", context)


# --- coordinator -----------------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, network: Network, form: forms.BaseForm, *, heading: str, intro: str = ""
) -> HttpResponse:
    context = {"network": network, "form": form, "heading": heading, "intro": intro}
    return render(request, "networks/form_page.html", context)


def network_manage(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    context = {
        "network": network,
        "members": queries.members_with_representatives(network, include_former=True),
        "working_groups": queries.working_groups_with_participants(network, include_ended=True),
    }
    return render(request, "networks/manage.html", context)


@require_http_methods(["GET", "POST"])
def network_settings(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    form = NetworkSettingsForm(request.POST or None, instance=network, parents=visible_networks(request.user))
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in actions.NETWORK_SETTINGS}
        try:
            actions.update_network(network, data=data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The network's settings are saved."))
            return redirect("networks:manage", slug=network.slug)
    return _form_page(request, network, form, heading=_("Network settings"))


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    form = MemberAddForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            member = actions.add_member(network, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("%(org)s is now a member.") % {"org": member.organization.name})
            return redirect("networks:manage", slug=network.slug)
    return _form_page(request, network, form, heading=_("Add a member organisation"))


def _member(network: Network, pk: int) -> NetworkMember:
    return get_object_or_404(NetworkMember.objects.select_related("organization"), network=network, pk=pk)


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    member = _member(network, pk)
    form = MemberEditForm(request.POST or None, initial=MemberEditForm.initial_for(member))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                actions.update_member(
                    member,
                    role=data["role"],
                    has_voting_right=data["has_voting_right"],
                    hosts_meetings=data["hosts_meetings"],
                )
                actions.set_member_status(member, status=data["status"])
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("%(org)s is saved.") % {"org": member.organization.name})
            return redirect("networks:manage", slug=network.slug)
    heading = _("Edit %(org)s") % {"org": member.organization.name}
    intro = _("An organisation that leaves loses its appointments and its places in working groups.")
    return _form_page(request, network, form, heading=heading, intro=intro)


@require_http_methods(["GET", "POST"])
def representative_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    member = _member(network, pk)
    form = RepresentativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # A new contact is created only together with the appointment.
            with transaction.atomic():
                person = actions.person_for(
                    email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
                )
                actions.appoint_representative(
                    member, user=person, kind=data["kind"], appointed_on=data["appointed_on"]
                )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The appointment is saved."))
            return redirect("networks:manage", slug=network.slug)
    heading = _("Appoint a person for %(org)s") % {"org": member.organization.name}
    intro = _("Someone without an account is added as a contact: they get e-mail but cannot sign in.")
    return _form_page(request, network, form, heading=heading, intro=intro)


@require_http_methods(["GET", "POST"])
def representative_replace(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    member = _member(network, pk)
    form = ReplacePrimaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = actions.person_for(
                    email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
                )
                actions.replace_primary(member, user=person)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The new representative is appointed."))
            return redirect("networks:manage", slug=network.slug)
    heading = _("Replace the representative of %(org)s") % {"org": member.organization.name}
    intro = _("The current representative's appointment ends today and the new one starts today.")
    return _form_page(request, network, form, heading=heading, intro=intro)


@require_POST
def representative_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    representative = get_object_or_404(Representative, member__network=network, pk=pk)
    try:
        actions.end_appointment(representative)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The appointment has ended."))
    return redirect("networks:manage", slug=network.slug)


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, slug: str, group_slug: str | None = None) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    group = queries.working_group_for(network, group_slug) if group_slug else None
    if group_slug and group is None:
        raise Http404
    form = WorkingGroupForm(request.POST or None, instance=group, network=network)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in WorkingGroupForm.Meta.fields}
        try:
            group = actions.save_working_group(network, group, data=data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": group.name})
            return redirect("networks:manage", slug=network.slug)
    heading = _("Edit %(name)s") % {"name": group.name} if group else _("Add a working group")
    return _form_page(request, network, form, heading=heading)


@require_http_methods(["GET", "POST"])
def group_member_add(request: HttpRequest, slug: str, group_slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    group = queries.working_group_for(network, group_slug)
    if group is None:
        raise Http404
    form = WorkingGroupMemberForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The person is looked up (or created) inside the same transaction as the place in the group.
            with transaction.atomic():
                person = actions.person_for(
                    email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
                )
                actions.add_working_group_member(
                    group, user=person, on_behalf_of=data["on_behalf_of"], role=data["role"]
                )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The person is added to “%(name)s”.") % {"name": group.name})
            return redirect("networks:manage", slug=network.slug)
    heading = _("Add a person to %(name)s") % {"name": group.name}
    intro = _("People in a working group act for one of the network's member organisations.")
    return _form_page(request, network, form, heading=heading, intro=intro)


@require_POST
def group_member_end(request: HttpRequest, slug: str, group_slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    participant = get_object_or_404(
        WorkingGroupMember, working_group__network=network, working_group__slug=group_slug, pk=pk
    )
    try:
        actions.end_working_group_member(participant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The person has left the working group."))
    return redirect("networks:manage", slug=network.slug)
