"""The opening-hours editor: weekday × time rows, monthly patterns, seasons, appointments, closures."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from helpnet.directory.models import Closure, Metadata, Schedule
from helpnet.directory.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory


@pytest.fixture
def service(org_a: Any) -> Any:
    return ServiceFactory(organization=org_a)


def _url(service: Any) -> str:
    with translation.override("en"):
        return reverse("directory:service_hours", args=[service.pk])


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "40",
    }


def _post(rows: list[dict[str, Any]], closures: list[dict[str, Any]] | None = None, **extra: Any) -> dict:
    closures = closures or []
    data: dict[str, Any] = {**_management("hours", len(rows)), **_management("closures", len(closures))}
    for i, row in enumerate(rows):
        data.update({f"hours-{i}-{key}": value for key, value in row.items()})
    for i, row in enumerate(closures):
        data.update({f"closures-{i}-{key}": value for key, value in row.items()})
    data.update(extra)
    return data


def test_weekday_rows_become_weekly_schedules(editor_client: Client, service: Any) -> None:
    response = editor_client.post(
        _url(service), _post([{"days": ["MO", "WE"], "opens_at": "09:00", "closes_at": "12:00"}])
    )
    schedule = Schedule.objects.get()
    assert response.status_code == 302
    assert (schedule.freq, schedule.byday) == ("WEEKLY", "MO,WE")
    assert (schedule.opens_at, schedule.closes_at) == (dt.time(9), dt.time(12))


def test_split_hours_are_two_rows(editor_client: Client, service: Any) -> None:
    days = ["MO", "TU", "WE", "TH", "FR"]
    editor_client.post(
        _url(service),
        _post(
            [
                {"days": days, "opens_at": "08:00", "closes_at": "12:00"},
                {"days": days, "opens_at": "13:00", "closes_at": "15:00"},
            ]
        ),
    )
    times = sorted(Schedule.objects.values_list("opens_at", "closes_at"))
    assert times == [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(15))]


def test_first_and_third_wednesday_is_a_monthly_schedule(editor_client: Client, service: Any) -> None:
    editor_client.post(
        _url(service),
        _post([{"days": ["WE"], "ordinals": ["1", "3"], "opens_at": "08:30", "closes_at": "09:30"}]),
    )
    schedule = Schedule.objects.get()
    assert (schedule.freq, schedule.byday) == ("MONTHLY", "1WE,3WE")


def test_last_friday_of_the_month(editor_client: Client, service: Any) -> None:
    editor_client.post(
        _url(service),
        _post([{"days": ["FR"], "ordinals": ["-1"], "opens_at": "10:00", "closes_at": "11:00"}]),
    )
    assert Schedule.objects.get().byday == "-1FR"


def test_seasonal_validity_and_location_are_stored(editor_client: Client, service: Any, org_a: Any) -> None:
    location = LocationFactory(organization=org_a)
    row = {
        "days": ["SA"],
        "opens_at": "09:00",
        "closes_at": "13:00",
        "valid_from": "2026-06-01",
        "valid_to": "2026-08-31",
        "location": str(location.pk),
    }
    editor_client.post(_url(service), _post([row]))
    schedule = Schedule.objects.get()
    assert (schedule.valid_from, schedule.valid_to) == (dt.date(2026, 6, 1), dt.date(2026, 8, 31))
    assert schedule.location == location


def test_by_appointment_only_without_hours_is_one_row(editor_client: Client, service: Any) -> None:
    editor_client.post(_url(service), _post([], by_appointment="on", note="Call 07 123 45 67."))
    schedule = Schedule.objects.get()
    assert (schedule.attending_type, schedule.notes, schedule.opens_at) == (
        "by appointment",
        "Call 07 123 45 67.",
        None,
    )


def test_saving_replaces_the_old_hours(editor_client: Client, service: Any) -> None:
    ScheduleFactory(service=service, byday="SU")
    editor_client.post(_url(service), _post([{"days": ["MO"], "opens_at": "08:00", "closes_at": "09:00"}]))
    assert list(Schedule.objects.values_list("byday", flat=True)) == ["MO"]


def test_the_editor_shows_stored_hours_as_rows(editor_client: Client, service: Any) -> None:
    ScheduleFactory(service=service, freq="MONTHLY", byday="1WE,3WE", opens_at=dt.time(8, 30))
    response = editor_client.get(_url(service))
    row = response.context["rows"].forms[0]
    assert (row.initial["days"], row.initial["ordinals"]) == (["WE"], ["1", "3"])


def test_untouched_empty_rows_are_skipped(editor_client: Client, service: Any) -> None:
    rows = [{"days": ["MO"], "opens_at": "08:00", "closes_at": "09:00"}, {"opens_at": "", "closes_at": ""}]
    editor_client.post(_url(service), _post(rows))
    assert Schedule.objects.count() == 1


def test_a_deleted_row_is_removed(editor_client: Client, service: Any) -> None:
    ScheduleFactory(service=service, byday="MO", opens_at=dt.time(8), closes_at=dt.time(9))
    ScheduleFactory(service=service, byday="TU", opens_at=dt.time(8), closes_at=dt.time(9))
    rows = [
        {"days": ["MO"], "opens_at": "08:00", "closes_at": "09:00"},
        {"days": ["TU"], "opens_at": "08:00", "closes_at": "09:00", "DELETE": "on"},
    ]
    data = _post(rows)
    data["hours-INITIAL_FORMS"] = "2"
    editor_client.post(_url(service), data)
    assert list(Schedule.objects.values_list("byday", flat=True)) == ["MO"]


def test_closures_are_stored(editor_client: Client, service: Any) -> None:
    closure = {"start_date": "2026-08-01", "end_date": "2026-08-15", "reason": "Dopust"}
    editor_client.post(_url(service), _post([], [closure]))
    stored = Closure.objects.get()
    assert (stored.service, stored.start_date, stored.end_date) == (
        service,
        dt.date(2026, 8, 1),
        dt.date(2026, 8, 15),
    )


def test_changing_hours_writes_a_metadata_row(editor_client: Client, service: Any, editor: Any) -> None:
    editor_client.post(_url(service), _post([{"days": ["MO"], "opens_at": "08:00", "closes_at": "09:00"}]))
    row = Metadata.objects.get(field_name="schedules")
    assert (row.resource_id, row.updated_by) == (service.pk, editor.username)
    assert "MO" in row.replacement_value


# --- bad input: the row shows the error and nothing is saved ---


def test_closing_before_opening_is_refused_on_that_row(editor_client: Client, service: Any) -> None:
    ScheduleFactory(service=service)
    response = editor_client.post(
        _url(service), _post([{"days": ["MO"], "opens_at": "12:00", "closes_at": "09:00"}])
    )
    assert response.status_code == 200
    assert response.context["rows"].forms[0].errors["closes_at"] == [
        "Closing time must be after opening time."
    ]
    assert "error-summary" in response.content.decode()
    assert Schedule.objects.get().byday == "MO,TU,WE,TH,FR"


def test_closing_at_opening_time_is_refused(editor_client: Client, service: Any) -> None:
    response = editor_client.post(
        _url(service), _post([{"days": ["MO"], "opens_at": "09:00", "closes_at": "09:00"}])
    )
    assert response.context["rows"].forms[0].errors["closes_at"]
    assert Schedule.objects.count() == 0


def test_season_ending_before_it_starts_is_refused(editor_client: Client, service: Any) -> None:
    row = {
        "days": ["MO"],
        "opens_at": "08:00",
        "closes_at": "09:00",
        "valid_from": "2026-09-01",
        "valid_to": "2026-06-01",
    }
    response = editor_client.post(_url(service), _post([row]))
    assert response.context["rows"].forms[0].errors["valid_to"]
    assert Schedule.objects.count() == 0


def test_a_row_without_days_is_refused(editor_client: Client, service: Any) -> None:
    response = editor_client.post(_url(service), _post([{"opens_at": "08:00", "closes_at": "09:00"}]))
    assert response.context["rows"].forms[0].errors["days"] == ["Choose at least one day."]
    assert Schedule.objects.count() == 0


def test_closure_ending_before_it_starts_is_refused(editor_client: Client, service: Any) -> None:
    closure = {"start_date": "2026-08-15", "end_date": "2026-08-01"}
    response = editor_client.post(_url(service), _post([], [closure]))
    assert response.context["closures"].forms[0].errors["end_date"]
    assert Closure.objects.count() == 0


def test_a_megabyte_note_is_refused(editor_client: Client, service: Any) -> None:
    response = editor_client.post(_url(service), _post([], note="x" * 1_000_000))
    assert response.context["hours"].errors["note"]
    assert Schedule.objects.count() == 0


def test_a_location_of_another_organisation_is_refused(
    editor_client: Client, service: Any, org_b: Any
) -> None:
    foreign = LocationFactory(organization=org_b)
    row = {"days": ["MO"], "opens_at": "08:00", "closes_at": "09:00", "location": str(foreign.pk)}
    response = editor_client.post(_url(service), _post([row]))
    assert response.context["rows"].forms[0].errors["location"]
    assert Schedule.objects.count() == 0


def test_nothing_is_saved_when_one_of_several_rows_is_bad(editor_client: Client, service: Any) -> None:
    rows = [
        {"days": ["MO"], "opens_at": "08:00", "closes_at": "09:00"},
        {"days": ["TU"], "opens_at": "10:00", "closes_at": "08:00"},
    ]
    editor_client.post(_url(service), _post(rows))
    assert Schedule.objects.count() == 0


def test_an_imported_description_without_times_shows_as_the_note(editor_client: Client, service: Any) -> None:
    ScheduleFactory(service=service, opens_at=None, closes_at=None, description="Po dogovoru.")
    response = editor_client.get(_url(service))
    assert response.context["hours"].initial["note"] == "Po dogovoru."


def test_organisation_admin_saves_opening_hours(org_admin: Any, service: Any) -> None:
    client = Client()
    client.force_login(org_admin)
    client.post(_url(service), _post([{"days": ["FR"], "opens_at": "08:00", "closes_at": "09:00"}]))
    assert Schedule.objects.get().byday == "FR"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("sl", "Ura zaprtja mora biti po uri odprtja."),
        ("da", "Lukketidspunktet skal være efter åbningstidspunktet."),
    ],
)
def test_the_error_speaks_the_language_of_the_page(
    editor_client: Client, service: Any, lang: str, message: str
) -> None:
    with translation.override(lang):
        url = reverse("directory:service_hours", args=[service.pk])
    response = editor_client.post(url, _post([{"days": ["MO"], "opens_at": "12:00", "closes_at": "09:00"}]))
    assert message in response.content.decode()
    assert Schedule.objects.count() == 0
