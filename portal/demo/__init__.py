"""The demo clinic of `manage.py seed_demo`: doctors with hours, patients with
care teams, past visits with their records, documents, upcoming
appointments, clinician applications, an emergency grant, secure messages,
lab results and immunizations, visit types, locations and a waitlist, written
through the rooms' services so the audit trail is the one real use makes.
Local stack only (guard.py); deterministic (fixed names, ids and seed); a
second run adds nothing (a marker per finished step, repository.py)."""
