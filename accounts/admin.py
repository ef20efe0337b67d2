"""The accounts app's part of the Django admin. Admin autodiscovery imports
only an app's root `admin` module; people and their access live in the
`people` room, which registers its pages when imported."""

from accounts.people import admin as people_admin  # noqa: F401
