"""The banner every page shows while the signed-in doctor holds emergency
access to a chart. The grants are remembered in the session when they are
taken, so showing the banner costs no AWS round trip; the chart itself
checks the grant in DynamoDB (patients.records.selectors.chart_get_for)."""

from __future__ import annotations

from medisecure import clock

SESSION_KEY = "emergency_access"


def remember_emergency_access(request, *, patient_id: str, expires_at: int) -> None:
    held = _live(request)
    held[patient_id] = expires_at
    request.session[SESSION_KEY] = held


def _live(request) -> dict[str, int]:
    session = getattr(request, "session", None)
    held = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(held, dict):
        return {}
    now = clock.epoch_seconds(clock.now())
    return {patient_id: int(expires) for patient_id, expires in held.items() if int(expires) > now}


def live_emergency_access(request) -> list[dict]:
    """[{patient_id, ends}] for each grant still running, soonest end first."""
    return [
        {"patient_id": patient_id, "ends": clock.from_epoch_seconds(expires)}
        for patient_id, expires in sorted(_live(request).items(), key=lambda item: item[1])
    ]
