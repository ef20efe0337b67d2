"""The patients app's part of the Django admin (imported by admin
autodiscovery): each room's admin module registers its own section. The
admin's index lists them in the order they register: emergency access
first, then care teams."""

from patients.emergency import admin as emergency_admin  # noqa: F401, I001
from patients.care_team import admin as care_team_admin  # noqa: F401
