"""The permission matrix: what every URL answers to every role on GET (test_permission_matrix.py walks it).

One row per URL pattern (``namespace:name``; the admin's per-model URLs share one row per shape). A row is seven
answers in the order of ROLES: anonymous; viewer, editor and admin of organisation A; the admin of an unrelated
organisation B; the coordinator of another network M; a superuser. An answer is a status code, or ``login`` for a
redirect to the login page. Organisation A (Zdravstveni dom Sevnica in the demo data) coordinates network N
(``lskz-sevnica``); the objects in the URLs belong to A or N (matrix_world.py).

The project's privacy rule: someone of another organisation or network gets 404, never 403 or a hint;
anonymous on a staff page is sent to the login page; public pages answer 200 to everyone.
"""

from helpnet.tests.matrix_world import ROLES

assert ROLES == ("anonymous", "viewer_a", "editor_a", "admin_a", "user_b", "coordinator_m", "superuser")

# --- the URL kwargs: by kwarg name, and per URL where the name alone does not say which object ----------------

DEFAULT_KWARGS = {
    "slug": "network",
    "network": "network",
    "group_slug": "group_slug",
    "item_pk": "agenda_item",
    "service_pk": "service",
    "step": "cancel",  # the sender cancels a requested referral
    "mode": "forward",
    "goal_pk": "goal",
    "measure_pk": "measure",
    "activity_pk": "activity",
    "area_pk": "area",
    "period_pk": "period",
    "kind": "measures",
    "table": "indicators",
    "fmt": "csv",
    "user_id": "intervision_user",
    "name": "profile_name",  # an HSDS profile schema
    "app_label": "directory",
    "content_type_id": "content_type",
}

KWARGS: dict[str, dict[str, str]] = {
    "hsds:service_detail": {"pk": "hsds_service"},
    "hsds:service_at_location_detail": {"pk": "hsds_sal"},
    "hsds:organization_detail": {"pk": "hsds_organization"},
    "hsds:taxonomy_detail": {"pk": "hsds_taxonomy"},
    "hsds:taxonomy_term_detail": {"pk": "hsds_term"},
    "networks:member_edit": {"pk": "network_member"},
    "networks:representative_add": {"pk": "network_member"},
    "networks:representative_replace": {"pk": "network_member"},
    "networks:representative_end": {"pk": "representative"},
    "networks:group_member_end": {"pk": "group_member"},
    "meetings:feed_network": {"token": "feed_network"},
    "meetings:feed_group": {"token": "feed_group"},
    "meetings:feed_person": {"token": "feed_person"},
    **{
        f"meetings:{name}": {"pk": "private_meeting"}
        for name in [
            "meeting_ics",
            "invitation_print",
            "invitation_pdf",
            "meeting_detail",
            "meeting_edit",
            "meeting_cancel",
            "meeting_invite",
            "meeting_rsvp",
            "meeting_quorum",
            "attendance_update",
            "attendance_add",
            "agenda_propose",
            "agenda_accept",
            "agenda_defer",
            "agenda_move",
        ]
    },
    **{
        f"meetings:{name}": {"pk": "meeting"}
        for name in [
            "minutes_print",
            "minutes_pdf",
            "meeting_held",
            "minutes_edit",
            "minutes_circulate",
            "minutes_approve_previous",
            "minutes_lock",
            "decision_create",
            "action_create",
        ]
    },
    **{
        f"meetings:{name}": {"pk": "series"}
        for name in ["series_ics", "series_detail", "series_edit", "series_generate"]
    },
    "meetings:backlog_accept": {"item_pk": "backlog_item"},
    "meetings:action_detail": {"pk": "action"},
    **{
        f"referrals:{name}": {"pk": "referral"}
        for name in [
            "referral_detail",
            "referral_edit",
            "referral_step",
            "referral_progress",
            "referral_message",
            "referral_assign",
            "referral_restrict",
            "referral_pick_service",
            "referral_fhir",
            "referral_print",
        ]
    },
    "referrals:selfreferral_create": {"service_pk": "self_service"},
    "referrals:selfreferral_thanks": {"service_pk": "self_service"},
    **{
        f"planning:{name}": {"pk": "strategy"}
        for name in [
            "plan_detail",
            "plan_edit",
            "plan_export_csv",
            "plan_export_xlsx",
            "plan_import",
            "goal_create",
            "goal_edit",
            "measure_create",
            "measure_edit",
            "activity_create",
            "activity_edit",
            "activity_progress",
        ]
    },
    "planning:milestone_add": {"pk": "strategy", "item_pk": "measure"},
    **{
        f"planning:{name}": {"pk": "round"}
        for name in ["round_detail", "round_edit", "round_score", "area_create", "area_edit"]
    },
    **{
        f"planning:{name}": {"pk": "proposal"}
        for name in ["proposal_detail", "proposal_evaluate", "proposal_accept", "proposal_reject"]
    },
    "monitoring:indicator_detail": {"pk": "indicator"},
    "monitoring:indicator_edit": {"pk": "indicator"},
    "monitoring:measurement_report": {"pk": "indicator"},
    **{
        f"monitoring:{name}": {"pk": "measurement"}
        for name in ["measurement_submit", "measurement_validate", "measurement_return"]
    },
    **{
        f"monitoring:{name}": {"pk": "reporting_period"}
        for name in ["period_lock", "period_unlock", "period_report", "period_report_pdf"]
    },
    **{
        f"learning:{name}": {"pk": "event"}
        for name in [
            "event_detail",
            "event_edit",
            "event_ics",
            "event_register",
            "event_unregister",
            "event_cancel",
            "event_attendance",
            "event_feedback",
            "event_feedback_summary",
        ]
    },
    **{
        f"learning:{name}": {"pk": "intervision_group"}
        for name in ["group_detail", "group_member_add", "group_member_remove"]
    },
    "learning:practice_detail": {"slug": "practice_slug"},
    **{
        f"learning:{name}": {"pk": "practice"}
        for name in [
            "practice_manage",
            "practice_edit",
            "practice_submit",
            "practice_start_review",
            "practice_review",
            "practice_publish",
            "practice_return",
            "practice_archive",
        ]
    },
    "directory:service_detail": {"pk": "service"},
    "directory:service_ics": {"pk": "service"},
    "directory:municipality": {"slug": "municipality"},
    "directory:this_week": {"slug": "municipality"},
    "directory:municipality_embed": {"slug": "municipality"},
    "directory:service_edit": {"pk": "service"},
    "directory:service_hours": {"pk": "service"},
    "directory:location_edit": {"pk": "location"},
    "directory:report_create": {"pk": "service"},
    "directory:report_thanks": {"pk": "service"},
    "directory:service_confirm_link": {"token": "confirm_token"},
    "directory:report_resolve": {"pk": "report"},
    "directory:report_dismiss": {"pk": "report"},
    "directory:service_history": {"pk": "service"},
    "directory:service_confirm": {"pk": "service"},
    "admin:view_on_site": {"object_id": "service"},
    "admin:auth_user_password_change": {"id": "user_editor_a"},
    "admin:otp_totp_totpdevice_config": {"pk": "totp_device"},
    "admin:otp_totp_totpdevice_qrcode": {"pk": "totp_device"},
}

# A query string the page needs to say whose page it is (world key).
QUERY = {
    "directory:service_create": "org_query",
    "directory:location_create": "org_query",
    "referrals:access_log": "org_query",
    "referrals:service_settings_list": "org_query",
    "referrals:referral_start": "service_query",  # to refer someone to C's service
}

# Patterns without a name, by their key: the path requested.
UNNAMED_PATHS = {"admin:admin/(?P<url>.*)$": "admin/no-such-page/"}

# --- the expected answers on GET ------------------------------------------------------------------------------

# Answers shared by many rows (in the order of ROLES).
PUBLIC = "200 200 200 200 200 200 200"
SUPERUSER_ONLY = "login login login login login login 200"  # the Django admin
# POST-only actions: a GET is 405 before any object is looked up (so it tells nothing); anonymous goes to login.
POST_ONLY = "login 405 405 405 405 405 405"
ANY_STAFF = "login 200 200 200 200 200 200"  # a page about the user's own organisations / account
MEMBERS_OF_N = "login 200 200 200 404 404 200"  # read by N's members, 404 for B and for M's coordinator
MANAGERS_OF_N = "login 404 200 200 404 404 200"  # N's coordinating staff (A's editor and admin) manage
EDITORS_OF_A = "login 403 200 200 404 404 200"  # A's viewer is told no (403: own organisation), others 404

MATRIX: dict[str, str] = {
    # directory
    "directory:freshness_dashboard": "login 403 403 200 200 200 200",
    "directory:home": PUBLIC,
    "directory:location_create": EDITORS_OF_A,
    "directory:location_edit": EDITORS_OF_A,
    "directory:municipality": PUBLIC,
    "directory:municipality_embed": PUBLIC,
    "directory:report_create": PUBLIC,
    "directory:report_dismiss": POST_ONLY,
    "directory:report_list": ANY_STAFF,
    "directory:report_resolve": POST_ONLY,
    "directory:report_thanks": PUBLIC,
    "directory:search": PUBLIC,
    "directory:search_suggest": PUBLIC,
    "directory:service_confirm": POST_ONLY,
    "directory:service_confirm_link": PUBLIC,
    "directory:service_create": EDITORS_OF_A,
    "directory:service_detail": PUBLIC,
    "directory:service_edit": EDITORS_OF_A,
    "directory:service_history": MEMBERS_OF_N,
    "directory:service_hours": EDITORS_OF_A,
    "directory:service_ics": PUBLIC,
    "directory:shortlist": PUBLIC,
    "directory:shortlist_add": "405 405 405 405 405 405 405",
    "directory:shortlist_print": PUBLIC,
    "directory:shortlist_remove": "405 405 405 405 405 405 405",
    "directory:staff_home": ANY_STAFF,
    "directory:this_week": PUBLIC,
    # hsds
    "hsds:openapi": PUBLIC,
    "hsds:organization_detail": PUBLIC,
    "hsds:organization_list": PUBLIC,
    "hsds:profile": PUBLIC,
    "hsds:profile_patch": PUBLIC,
    "hsds:root": PUBLIC,
    "hsds:service_at_location_detail": PUBLIC,
    "hsds:service_at_location_list": PUBLIC,
    "hsds:service_detail": PUBLIC,
    "hsds:service_list": PUBLIC,
    "hsds:taxonomy_detail": PUBLIC,
    "hsds:taxonomy_list": PUBLIC,
    "hsds:taxonomy_term_detail": PUBLIC,
    "hsds:taxonomy_term_list": PUBLIC,
    # accounts
    "accounts:account": ANY_STAFF,
    "accounts:backup_codes": ANY_STAFF,
    "accounts:backup_codes_new": POST_ONLY,
    "accounts:login": PUBLIC,
    "accounts:logout": POST_ONLY,
    "accounts:password_change": ANY_STAFF,
    "accounts:password_change_done": "login 302 302 302 302 302 302",
    "accounts:two_factor": "login 302 302 302 302 302 302",
    "accounts:two_factor_setup": "login 302 302 302 200 200 302",
    # networks
    "networks:detail": PUBLIC,
    "networks:group_add": MANAGERS_OF_N,
    "networks:group_edit": MANAGERS_OF_N,
    "networks:group_member_add": MANAGERS_OF_N,
    "networks:group_member_end": POST_ONLY,
    "networks:list": PUBLIC,
    "networks:manage": MANAGERS_OF_N,
    "networks:member_add": MANAGERS_OF_N,
    "networks:member_edit": MANAGERS_OF_N,
    "networks:members": MEMBERS_OF_N,
    "networks:representative_add": MANAGERS_OF_N,
    "networks:representative_end": POST_ONLY,
    "networks:representative_replace": MANAGERS_OF_N,
    "networks:settings": MANAGERS_OF_N,
    "networks:working_group": PUBLIC,
    # meetings
    "meetings:action_create": MANAGERS_OF_N,
    "meetings:action_detail": MEMBERS_OF_N,
    "meetings:action_list": MEMBERS_OF_N,
    "meetings:agenda_accept": POST_ONLY,
    "meetings:agenda_defer": POST_ONLY,
    "meetings:agenda_move": POST_ONLY,
    "meetings:agenda_propose": MEMBERS_OF_N,
    "meetings:attendance_add": POST_ONLY,
    "meetings:attendance_update": POST_ONLY,
    "meetings:backlog": MEMBERS_OF_N,
    "meetings:backlog_accept": POST_ONLY,
    "meetings:decision_create": MANAGERS_OF_N,
    "meetings:decision_register": MEMBERS_OF_N,
    "meetings:feed_group": PUBLIC,
    "meetings:feed_list": ANY_STAFF,
    "meetings:feed_network": PUBLIC,
    "meetings:feed_person": PUBLIC,
    "meetings:invitation_pdf": "404 200 200 200 404 404 200",
    "meetings:invitation_print": "404 200 200 200 404 404 200",
    "meetings:meeting_cancel": POST_ONLY,
    "meetings:meeting_create": MANAGERS_OF_N,
    "meetings:meeting_detail": "404 200 200 200 404 404 200",
    "meetings:meeting_edit": MANAGERS_OF_N,
    "meetings:meeting_held": POST_ONLY,
    "meetings:meeting_ics": "404 200 200 200 404 404 200",
    "meetings:meeting_invite": POST_ONLY,
    "meetings:meeting_list": PUBLIC,
    "meetings:meeting_quorum": MEMBERS_OF_N,
    "meetings:meeting_rsvp": POST_ONLY,
    "meetings:minutes_approve_previous": POST_ONLY,
    "meetings:minutes_circulate": POST_ONLY,
    "meetings:minutes_edit": MANAGERS_OF_N,
    "meetings:minutes_lock": POST_ONLY,
    "meetings:minutes_pdf": PUBLIC,
    "meetings:minutes_print": PUBLIC,
    "meetings:my_actions": ANY_STAFF,
    "meetings:series_create": MANAGERS_OF_N,
    "meetings:series_detail": MEMBERS_OF_N,
    "meetings:series_edit": MANAGERS_OF_N,
    "meetings:series_generate": POST_ONLY,
    "meetings:series_ics": MEMBERS_OF_N,
    "meetings:series_list": MEMBERS_OF_N,
    # referrals
    "referrals:access_log": "login 404 404 200 404 404 200",
    "referrals:analytics_csv": MANAGERS_OF_N,
    "referrals:analytics_index": "login 404 200 200 404 200 200",
    "referrals:analytics_network": MANAGERS_OF_N,
    "referrals:notification_settings": ANY_STAFF,
    "referrals:person_act": POST_ONLY,
    "referrals:person_search": "login 404 404 200 200 200 404",
    "referrals:referral_assign": POST_ONLY,
    "referrals:referral_create": "login 404 404 404 200 200 404",
    "referrals:referral_detail": MEMBERS_OF_N,
    "referrals:referral_edit": "login 403 302 302 404 404 403",
    "referrals:referral_fhir": MEMBERS_OF_N,
    "referrals:referral_list": ANY_STAFF,
    "referrals:referral_message": POST_ONLY,
    "referrals:referral_pick_service": "login 403 403 403 404 404 403",
    "referrals:referral_print": MEMBERS_OF_N,
    "referrals:referral_progress": POST_ONLY,
    "referrals:referral_restrict": POST_ONLY,
    "referrals:referral_start": "login 404 200 200 200 200 404",
    "referrals:referral_step": POST_ONLY,
    "referrals:selfreferral_create": PUBLIC,
    "referrals:selfreferral_thanks": PUBLIC,
    "referrals:service_settings_edit": EDITORS_OF_A,
    "referrals:service_settings_list": "login 200 200 200 404 404 404",
    # planning
    "planning:activity_create": EDITORS_OF_A,
    "planning:activity_edit": EDITORS_OF_A,
    "planning:activity_progress": EDITORS_OF_A,
    "planning:area_create": EDITORS_OF_A,
    "planning:area_edit": EDITORS_OF_A,
    "planning:goal_create": EDITORS_OF_A,
    "planning:goal_edit": EDITORS_OF_A,
    "planning:home": ANY_STAFF,
    "planning:measure_create": EDITORS_OF_A,
    "planning:measure_edit": EDITORS_OF_A,
    "planning:milestone_add": POST_ONLY,
    "planning:plan_create": EDITORS_OF_A,
    "planning:plan_detail": MEMBERS_OF_N,
    "planning:plan_edit": EDITORS_OF_A,
    "planning:plan_export_csv": MEMBERS_OF_N,
    "planning:plan_export_xlsx": MEMBERS_OF_N,
    "planning:plan_import": EDITORS_OF_A,
    "planning:plan_list": MEMBERS_OF_N,
    "planning:proposal_accept": POST_ONLY,
    "planning:proposal_create": "login 403 200 200 404 404 403",
    "planning:proposal_detail": MANAGERS_OF_N,
    "planning:proposal_evaluate": POST_ONLY,
    "planning:proposal_list": MEMBERS_OF_N,
    "planning:proposal_reject": POST_ONLY,
    "planning:round_create": EDITORS_OF_A,
    "planning:round_detail": MEMBERS_OF_N,
    "planning:round_edit": EDITORS_OF_A,
    "planning:round_list": MEMBERS_OF_N,
    "planning:round_score": "login 403 200 200 404 404 403",
    "planning:status_list": EDITORS_OF_A,
    # monitoring
    "monitoring:dashboard": MEMBERS_OF_N,
    "monitoring:export": MEMBERS_OF_N,
    "monitoring:home": ANY_STAFF,
    "monitoring:indicator_create": MANAGERS_OF_N,
    "monitoring:indicator_detail": MEMBERS_OF_N,
    "monitoring:indicator_edit": MANAGERS_OF_N,
    "monitoring:indicator_list": MEMBERS_OF_N,
    "monitoring:measurement_list": MEMBERS_OF_N,
    "monitoring:measurement_report": "login 200 200 200 404 404 403",
    "monitoring:measurement_return": POST_ONLY,
    "monitoring:measurement_submit": POST_ONLY,
    "monitoring:measurement_validate": POST_ONLY,
    "monitoring:period_create": MANAGERS_OF_N,
    "monitoring:period_list": MEMBERS_OF_N,
    "monitoring:period_lock": POST_ONLY,
    "monitoring:period_report": MEMBERS_OF_N,
    "monitoring:period_report_pdf": MEMBERS_OF_N,
    "monitoring:period_unlock": POST_ONLY,
    # learning
    "learning:event_attendance": POST_ONLY,
    "learning:event_cancel": POST_ONLY,
    "learning:event_create": MANAGERS_OF_N,
    "learning:event_detail": MEMBERS_OF_N,
    "learning:event_edit": EDITORS_OF_A,
    "learning:event_feedback": "login 200 200 404 404 404 404",
    "learning:event_feedback_summary": EDITORS_OF_A,
    "learning:event_ics": MEMBERS_OF_N,
    "learning:event_list": ANY_STAFF,
    "learning:event_register": POST_ONLY,
    "learning:event_unregister": POST_ONLY,
    "learning:group_create": MANAGERS_OF_N,
    "learning:group_detail": MANAGERS_OF_N,
    "learning:group_list": ANY_STAFF,
    "learning:group_member_add": POST_ONLY,
    "learning:group_member_remove": POST_ONLY,
    "learning:home": ANY_STAFF,
    "learning:need_create": "login 200 200 200 404 404 403",
    "learning:need_list": MEMBERS_OF_N,
    "learning:practice_archive": POST_ONLY,
    "learning:practice_create": "login 200 200 200 404 404 403",
    "learning:practice_detail": PUBLIC,
    "learning:practice_edit": "login 404 403 403 404 404 403",
    "learning:practice_list": PUBLIC,
    "learning:practice_manage": MANAGERS_OF_N,
    "learning:practice_manage_list": ANY_STAFF,
    "learning:practice_publish": POST_ONLY,
    "learning:practice_return": POST_ONLY,
    "learning:practice_review": POST_ONLY,
    "learning:practice_start_review": POST_ONLY,
    "learning:practice_submit": POST_ONLY,
    # admin
    "admin:admin/(?P<url>.*)$": "login login login login login login 404",
    "admin:app_list": SUPERUSER_ONLY,
    "admin:auth_user_password_change": SUPERUSER_ONLY,
    "admin:autocomplete": "login login login login login login 403",
    "admin:index": SUPERUSER_ONLY,
    "admin:jsi18n": SUPERUSER_ONLY,
    "admin:login": "login login login login login login login",
    "admin:logout": "login 302 302 302 302 302 405",
    "admin:otp_totp_totpdevice_config": "login login login login login login 403",
    "admin:otp_totp_totpdevice_qrcode": "login login login login login login 403",
    "admin:password_change": SUPERUSER_ONLY,
    "admin:password_change_done": SUPERUSER_ONLY,
    "admin:view_on_site": "login login login login login login 302",
    # the admin's per-model URLs: one row per shape, each model's URL requested (see matrix_urls.py)
    "admin:*_changelist": SUPERUSER_ONLY,
    "admin:*_add": SUPERUSER_ONLY,
    "admin:*_change": SUPERUSER_ONLY,
    "admin:*_delete": SUPERUSER_ONLY,
    "admin:*_history": SUPERUSER_ONLY,
    "admin:*_object_redirect": "login login login login login login 302",  # to the change page
    # models the admin shows read-only (no adding, or no deleting of task results)
    **{
        f"admin:{model}_add": "login login login login login login 403"
        for model in [
            "directory_metadata",
            "directory_occurrence",
            "django_tasks_database_dbtaskresult",
            "monitoring_measurement",
            "search_searchstat",
        ]
    },
    "admin:django_tasks_database_dbtaskresult_delete": "login login login login login login 403",
}

# --- POST by anonymous and by the user of organisation B (an empty form, no CSRF check) -----------------------
# Never a 500, never a database write, never a 200, except where listed here with the reason.

# Forms for everyone (citizens, people logging in): an empty POST is answered with the form and its errors.
POST_OPEN_FORMS = {
    "accounts:login": "the login form",
    "directory:report_create": "a citizen reports a mistake in a service",
}
# Public read-only pages that ignore the method: a POST gets the same page as a GET and writes nothing (checked).
# @require_safe on these views would turn this into 405; a choice for the apps, not a hole.
POST_READ_ONLY = {
    "directory:home",
    "directory:municipality",
    "directory:municipality_embed",
    "directory:report_thanks",
    "directory:search",
    "directory:service_detail",
    "directory:service_ics",
    "directory:shortlist",
    "directory:shortlist_print",
    "directory:this_week",
    "learning:practice_detail",
    "learning:practice_list",
    "meetings:feed_group",
    "meetings:feed_network",
    "meetings:feed_person",
    "meetings:meeting_list",
    "meetings:minutes_pdf",
    "meetings:minutes_print",
    "networks:detail",
    "networks:list",
    "networks:working_group",
    "referrals:selfreferral_thanks",
}
# Pages of the user's own organisation or own account: the user of B may get 200 (their own inbox, their own
# forms with errors), never anything of A's.
POST_OWN_PAGES = {
    "accounts:backup_codes",
    "accounts:password_change",
    "accounts:two_factor_setup",
    "directory:freshness_dashboard",
    "directory:report_list",
    "directory:staff_home",
    "learning:event_list",
    "learning:group_list",
    "learning:home",
    "learning:practice_manage_list",
    "meetings:feed_list",
    "meetings:my_actions",
    "monitoring:home",
    "referrals:referral_create",
    "referrals:referral_list",
    "referrals:referral_start",
}
# Writes by design, with the roles whose POST may write and the reason.
POST_WRITES = {
    # The e-mailed "still correct" link is the authorisation: whoever holds it confirms the service, no login.
    "directory:service_confirm_link": (("anonymous", "user_b"), "a signed link e-mailed to A's editor"),
    # B's own second factor: setting up an authenticator, new backup codes.
    "accounts:two_factor_setup": (("user_b",), "the user's own authenticator"),
    "accounts:backup_codes_new": (("user_b",), "the user's own backup codes"),
}
POST_WRITES_CAN_ANSWER_200 = {"directory:service_confirm_link"}


def post_may_answer_200(key: str, role: str) -> bool:
    if key in POST_OPEN_FORMS or key in POST_READ_ONLY or key in POST_WRITES_CAN_ANSWER_200:
        return True
    return role == "user_b" and key in POST_OWN_PAGES


def post_may_write(key: str, role: str) -> bool:
    return key in POST_WRITES and role in POST_WRITES[key][0]


# Tables any request may write to: the session (a login form, a shortlist, messages).
WRITES_ALLOWED = ('"django_session"',)
