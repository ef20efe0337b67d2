"""Every DynamoDB call for providers."""

from __future__ import annotations

from boto3.dynamodb.conditions import Key

from clinicians.domain import Provider
from medisecure import dynamo
from medisecure.tables import PROVIDERS

BATCH_GET_LIMIT = 100


class ProviderExists(Exception):
    pass


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


def add(provider: Provider) -> None:
    values = {
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
    try:
        dynamo.put_new(PROVIDERS, values)
    except dynamo.ItemExists as exists:
        raise ProviderExists(provider.provider_id) from exists


def get(provider_id: str) -> Provider | None:
    values = dynamo.get(PROVIDERS, {"providerId": provider_id})
    return _from(values) if values else None


def get_many(provider_ids: list[str]) -> dict[str, Provider]:
    """Providers by id in one BatchGetItem (retrying any unprocessed keys)."""
    wanted = list(dict.fromkeys(provider_ids))[:BATCH_GET_LIMIT]
    if not wanted:
        return {}
    table = dynamo.name(PROVIDERS)
    request = {table: {"Keys": [dynamo.to_item({"providerId": pid}) for pid in wanted]}}
    found: dict[str, Provider] = {}
    while request:
        response = dynamo.client().batch_get_item(RequestItems=request)
        for item in response.get("Responses", {}).get(table, []):
            provider = _from(dynamo.from_item(item))
            found[provider.provider_id] = provider
        request = response.get("UnprocessedKeys") or {}
    return found


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
