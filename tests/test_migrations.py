"""The models and their migrations agree: a model changed without its
migration would change the database of a clinic that deploys it only when
someone next runs makemigrations (the front desk's role was such a case)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    # --check exits non-zero when a migration would be written.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
