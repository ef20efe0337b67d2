"""Reads of the clinic's doctors (providers): for this app's pages and for
other apps' rooms, which use providers only through these. Doctors' names,
specialties and contact details are not PHI; none of these is audited."""

from __future__ import annotations

from clinicians import repository
from clinicians.domain import SPECIALTIES, Directory, Provider
from medisecure import dynamo


def provider_get(*, provider_id: str) -> Provider | None:
    return repository.get(provider_id)


def provider_get_by_email(*, email: str) -> Provider | None:
    return repository.get_by_email(email)


def providers_get_many(*, provider_ids: list[str]) -> dict[str, Provider]:
    """Providers by id, in one BatchGetItem; unknown ids are left out."""
    return repository.get_many(provider_ids)


def provider_list_by_specialty(
    *, specialty: str, page_token: str | None = None, limit: int = 25
) -> tuple[list[Provider], str | None]:
    """One page of a specialty's doctors, by name. Raises
    medisecure.dynamo.InvalidPageToken for a forged token."""
    return repository.list_by_specialty(specialty, limit=limit, page_token=page_token)


def provider_read(*, provider_id: str) -> dynamo.ItemRead[Provider | None]:
    """The provider, to read in one round trip with other items
    (medisecure.dynamo.read_together)."""
    return repository.provider_read(provider_id)


def directory_get(*, specialty: str, page_token: str | None) -> Directory:
    """The clinic directory's page of doctors in one specialty (public
    information, no PHI); an unknown specialty lists no one. Raises
    medisecure.dynamo.InvalidPageToken for a forged token."""
    if specialty not in SPECIALTIES:
        return Directory(specialty="", providers=[], next_page=None)
    providers, next_page = repository.list_by_specialty(specialty, page_token=page_token)
    return Directory(specialty=specialty, providers=providers, next_page=next_page)
