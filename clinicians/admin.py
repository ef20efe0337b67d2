"""The clinicians app's part of the Django admin. Admin autodiscovery
imports only an app's root `admin` module; the review of clinician
applications lives in its room and registers its pages when imported."""

from clinicians.applications import admin as applications_admin  # noqa: F401
