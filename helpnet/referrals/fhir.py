"""A referral as a FHIR R4 Bundle: ServiceRequest + Task in the SDOH Clinical Care shape (referrals.md §1.2).

Our `received` is not in the SDOHCC Task value set: it goes out as `requested` with businessStatus "received".
"""

import uuid
from typing import Any

from django.utils import timezone

from .models import Referral

SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition"
TASK_PROFILE = f"{SDOHCC}/SDOHCC-TaskForReferralManagement"
SERVICE_REQUEST_PROFILE = f"{SDOHCC}/SDOHCC-ServiceRequest"
CODES = "https://helpnet.example/fhir/CodeSystem"

TASK_STATUS = {
    "draft": "draft",
    "requested": "requested",
    "received": "requested",
    "accepted": "accepted",
    "rejected": "rejected",
    "in_progress": "in-progress",
    "on_hold": "on-hold",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
    "entered_in_error": "entered-in-error",
}
SERVICE_REQUEST_STATUS = {
    "draft": "draft",
    "requested": "active",
    "received": "active",
    "accepted": "active",
    "in_progress": "active",
    "on_hold": "on-hold",
    "completed": "completed",
    "rejected": "revoked",
    "failed": "revoked",
    "cancelled": "revoked",
    "entered_in_error": "entered-in-error",
}
PRIORITY = {"routine": "routine", "soon": "urgent", "urgent": "asap"}


def _iso(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _org(organization: Any) -> dict[str, Any] | None:
    if organization is None:
        return None
    return {"reference": f"Organization/{organization.pk}", "display": organization.name}


def _clean(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}


def referral_bundle(referral: Referral) -> dict[str, Any]:
    # FHIR ids of our own making, stable per referral; the fullUrls are urn:uuid as FHIR requires absolute URIs.
    patient_id = str(uuid.uuid5(referral.pk, "patient"))
    request_id = str(referral.pk)
    task_id = str(uuid.uuid5(referral.pk, "task"))
    telecom = []
    if referral.person_phone:
        telecom.append({"system": "phone", "value": referral.person_phone})
    if referral.person_email:
        telecom.append({"system": "email", "value": referral.person_email})
    patient = _clean(
        {
            "resourceType": "Patient",
            "id": patient_id,
            "name": [{"text": referral.person_name}] if referral.person_name else [],
            "telecom": telecom,
            "communication": [
                {
                    "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": referral.person_language}]},
                    "preferred": True,
                }
            ]
            if referral.person_language
            else [],
        }
    )
    service_name = referral.service.name if referral.service else referral.receiving_organization.name
    service_request = _clean(
        {
            "resourceType": "ServiceRequest",
            "id": request_id,
            "meta": {"profile": [SERVICE_REQUEST_PROFILE]},
            "identifier": [{"system": f"{CODES}/referral-reference", "value": referral.reference}],
            "status": SERVICE_REQUEST_STATUS[referral.status],
            "intent": "order",
            "priority": PRIORITY.get(referral.urgency, "routine"),
            "category": [
                {
                    "coding": [
                        {"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}
                    ]
                }
            ],
            "code": {"text": service_name},
            "subject": {"reference": f"Patient/{patient_id}"},
            "authoredOn": _iso(referral.requested_at or referral.created_at),
            "requester": _org(referral.sender_organization),
            "performer": [_org(referral.receiving_organization)],
            "reasonCode": [{"text": referral.reason}] if referral.reason else [],
            "basedOn": [{"reference": f"ServiceRequest/{referral.previous_id}"}]
            if referral.previous_id
            else [],
            "note": [{"text": f"interpreter needed: {'yes' if referral.interpreter_needed else 'no'}"}],
        }
    )
    business_status = None
    if referral.status == "received":
        business_status = {
            "coding": [{"system": f"{CODES}/business-status", "code": "received"}],
            "text": "received",
        }
    status_reason = None
    if referral.status_reason:
        status_reason = {
            "coding": [{"system": f"{CODES}/status-reason", "code": referral.status_reason}],
            "text": referral.status_reason_label,
        }
    outputs = []
    if referral.outcome:
        outputs.append(
            {
                "type": {"coding": [{"system": f"{CODES}/task-output", "code": "outcome"}]},
                "valueCodeableConcept": {
                    "coding": [{"system": f"{CODES}/outcome", "code": referral.outcome}],
                    "text": referral.get_outcome_display(),
                },
            }
        )
    task = _clean(
        {
            "resourceType": "Task",
            "id": task_id,
            "meta": {"profile": [TASK_PROFILE]},
            "identifier": [{"system": f"{CODES}/referral-reference", "value": referral.reference}],
            "status": TASK_STATUS[referral.status],
            "businessStatus": business_status,
            "statusReason": status_reason,
            "intent": "order",
            "priority": PRIORITY.get(referral.urgency, "routine"),
            "code": {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/CodeSystem/task-code",
                        "code": "fulfill",
                        "display": "Fulfill the focal request",
                    }
                ]
            },
            "focus": {"reference": f"ServiceRequest/{request_id}"},
            "for": {"reference": f"Patient/{patient_id}"},
            "partOf": [{"reference": f"Task/{uuid.uuid5(referral.parent_id, 'task')}"}]
            if referral.parent_id
            else [],
            "authoredOn": _iso(referral.requested_at or referral.created_at),
            "lastModified": _iso(referral.updated_at),
            "requester": _org(referral.sender_organization),
            "owner": _org(referral.receiving_organization),
            "output": outputs,
        }
    )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _iso(timezone.now()),
        "entry": [
            {"fullUrl": f"urn:uuid:{request_id}", "resource": service_request},
            {"fullUrl": f"urn:uuid:{task_id}", "resource": task},
            {"fullUrl": f"urn:uuid:{patient_id}", "resource": patient},
        ],
    }
