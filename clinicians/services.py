"""Changes to a doctor's provider record made on behalf of other rooms."""

from __future__ import annotations

from clinicians import repository
from medisecure import dynamo
from medisecure.unit_of_work import Transaction


def provider_email_set(*, tx: Transaction, provider_id: str, email: str) -> bool:
    """Add to `tx` the doctor's new, verified email on their provider record
    (the directory and the admin's care-team pages find them by it); False
    when they have none."""
    (current,) = dynamo.read_together(repository.provider_read(provider_id), consistent=True)
    if current is None:
        return False
    if current.email != email:
        repository.provider_email_save(tx, current, email=email)
    return True
