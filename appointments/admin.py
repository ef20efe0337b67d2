"""The app's parts of the Django admin (admin autodiscovery imports this
module): each room's admin module registers its own."""

from appointments.choices import admin as choices_admin
from appointments.overbook import admin as overbook_admin

__all__ = ["choices_admin", "overbook_admin"]
