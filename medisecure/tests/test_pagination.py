import pytest
from boto3.dynamodb.conditions import Key

from clinicians import repository as providers
from clinicians.domain import Provider
from medisecure import dynamo
from medisecure.tables import PROVIDERS


def _provider(number):
    return Provider(
        provider_id=f"p{number:02}",
        email=f"d{number}@x.test",
        given_name="Doc",
        family_name=f"Number{number:02}",
        specialty="Cardiology",
    )


def test_it_pages_a_query_with_a_signed_token_and_one_round_trip_per_page(aws, dynamodb_calls):
    for number in range(5):
        providers.add(_provider(number))
    dynamodb_calls.clear()

    first, token = providers.list_by_specialty("Cardiology", limit=3)
    second, last_token = providers.list_by_specialty("Cardiology", limit=3, page_token=token)

    assert [p.family_name for p in first + second] == [f"Number{n:02}" for n in range(5)]
    assert last_token is None
    assert dynamodb_calls == {"Query": 2}


def test_it_refuses_a_tampered_page_token(aws):
    for number in range(3):
        providers.add(_provider(number))
    _, token = providers.list_by_specialty("Cardiology", limit=1)

    with pytest.raises(dynamo.InvalidPageToken):
        providers.list_by_specialty("Cardiology", limit=1, page_token=token[:-2] + "xx")


def test_it_refuses_a_token_issued_for_another_list(aws):
    for number in range(3):
        providers.add(_provider(number))
    _, token = providers.list_by_specialty("Cardiology", limit=1)

    with pytest.raises(dynamo.InvalidPageToken):
        dynamo.query_page(
            PROVIDERS,
            Key("specialty").eq("Neurology"),
            index="SpecialtyIndex",
            list_name="providers-specialty:Neurology",
            page_token=token,
        )
