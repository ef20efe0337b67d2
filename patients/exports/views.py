"""The patient's download of their whole record, under
/patient/records/download/<format>/."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from medisecure import clock
from medisecure.clinic_time import in_clinic
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients.exports import selectors


@role_required(Role.PATIENT)
@require_GET
def record_download(request, file_format: str):
    record_file = selectors.own_record_file_get(
        actor=request.actor, audit=request.audit, file_format=file_format
    )
    response = HttpResponse(record_file.content, content_type=record_file.content_type)
    day = in_clinic(clock.now()).strftime("%Y%m%d")  # the clinic's today, not UTC's
    response["Content-Disposition"] = f'attachment; filename="my-health-record-{day}.{record_file.extension}"'
    return response
