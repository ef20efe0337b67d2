"""Every DynamoDB call for the providers table. (The applications table and
the licence scans: clinicians.applications.repository.)"""

from __future__ import annotations

from dataclasses import replace

from boto3.dynamodb.conditions import Attr, Key

from clinicians.domain import Provider, ProviderExists
from medisecure import dynamo
from medisecure.errors import ConcurrentUpdate
from medisecure.tables import PROVIDERS
from medisecure.unit_of_work import Transaction

BATCH_GET_LIMIT = 100


def _from(values: dict) -> Provider:
    return Provider(
        provider_id=values["providerId"],
        email=values.get("email", ""),
        given_name=values.get("givenName", ""),
        family_name=values.get("familyName", ""),
        specialty=values.get("specialty", ""),
        licence_number=values.get("licenceNumber", ""),
        licence_region=values.get("licenceRegion", ""),
        created_at=values.get("createdAt", ""),
    )


def provider_key(provider_id: str) -> dict:
    """The key of the provider's item, for reading it together with others."""
    return {"providerId": provider_id}


def provider_from(values: dict | None) -> Provider | None:
    return _from(values) if values else None


def provider_read(provider_id: str) -> dynamo.ItemRead[Provider | None]:
    """The provider, to read in one round trip with other items."""
    return dynamo.ItemRead(PROVIDERS, {"providerId": provider_id}, provider_from)


def _provider_values(provider: Provider) -> dict:
    return {
        "providerId": provider.provider_id,
        "email": provider.email,
        "givenName": provider.given_name,
        "familyName": provider.family_name,
        "specialty": provider.specialty,
        "sortName": provider.sort_name,
        "licenceNumber": provider.licence_number or None,
        "licenceRegion": provider.licence_region or None,
        "createdAt": provider.created_at,
    }


def add(provider: Provider) -> None:
    """Store a new provider on its own (seeding). Raises ProviderExists."""
    try:
        dynamo.put_new(PROVIDERS, _provider_values(provider))
    except dynamo.ItemExists as exists:
        raise ProviderExists(provider.provider_id) from exists


def add_new(tx: Transaction, provider: Provider) -> None:
    """Add the provider's creation to `tx`; the commit raises ProviderExists
    when the doctor has a record already."""
    tx.add(
        dynamo.put_entry(PROVIDERS, _provider_values(provider), Attr("providerId").not_exists()),
        refused=ProviderExists(provider.provider_id),
    )


def get(provider_id: str) -> Provider | None:
    values = dynamo.get(PROVIDERS, {"providerId": provider_id})
    return _from(values) if values else None


def get_many(provider_ids: list[str]) -> dict[str, Provider]:
    """Providers by id, in one BatchGetItem."""
    wanted = list(dict.fromkeys(provider_ids))[:BATCH_GET_LIMIT]
    if not wanted:
        return {}
    found = dynamo.get_many([(PROVIDERS, {"providerId": provider_id}) for provider_id in wanted])
    return {provider.provider_id: provider for provider in map(_from, filter(None, found))}


def list_by_specialty(specialty: str, *, limit: int = 25, page_token: str | None = None):
    page = dynamo.query_page(
        PROVIDERS,
        Key("specialty").eq(specialty),
        index="SpecialtyIndex",
        list_name=f"providers-specialty:{specialty}",
        limit=limit,
        page_token=page_token,
    )
    return [_from(item) for item in page.items], page.next_token


def get_by_email(email: str) -> Provider | None:
    page = dynamo.query_page(
        PROVIDERS, Key("email").eq(email), index="EmailIndex", list_name=f"provider-email:{email}", limit=1
    )
    return _from(page.items[0]) if page.items else None


def provider_email_save(tx: Transaction, provider: Provider, *, email: str) -> None:
    """Add to `tx` the doctor's record with their new email, replacing it
    only if it is still exactly as read (else ConcurrentUpdate)."""
    tx.add(
        dynamo.put_entry(
            PROVIDERS,
            _provider_values(replace(provider, email=email)),
            dynamo.unchanged(_provider_values(provider)),
        ),
        refused=ConcurrentUpdate,
    )
