"""The application's rules as plain functions: check digits, references,
file signatures and the decision state machine."""

import pytest

from clinicians.applications.domain import (
    APPROVE,
    APPROVED,
    APPROVING,
    NEEDS_INFORMATION,
    PENDING,
    REJECT,
    REJECTED,
    REQUEST_INFORMATION,
    TRANSITIONS,
    is_application_reference,
    licence_scan_type,
    luhn_is_valid,
    new_application_id,
    npi_is_valid,
)


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1679576722"])
def test_it_accepts_npis_whose_check_digit_matches(npi):
    assert npi_is_valid(npi)


@pytest.mark.parametrize("npi", ["1234567890", "1234567894", "123456789", "12345678931", "12345678x3", ""])
def test_it_refuses_npis_whose_check_digit_or_shape_is_wrong(npi):
    assert not npi_is_valid(npi)


def test_the_npi_check_digit_is_the_luhn_digit_with_the_80840_prefix():
    assert luhn_is_valid("80840" + "1234567893") and not luhn_is_valid("1234567893")


def test_references_are_random_unambiguous_and_recognised():
    references = {new_application_id() for _ in range(200)}

    assert len(references) == 200
    assert all(is_application_reference(reference) for reference in references)
    assert not any(set(reference[3:]) & set("ILOU") for reference in references)
    assert not is_application_reference("CA-0000-0000-0000-000")
    assert not is_application_reference("ca-0000-0000-0000-0000")
    assert not is_application_reference("CA-0000-0000-0000-0000/../x")


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00", "image/png"),
        (b"\xff\xd8\xff\xe1", "image/jpeg"),
        (b"GIF89a", None),
        (b"<svg", None),
        (b"PK\x03\x04", None),
        (b"", None),
        (b"%PD", None),
    ],
)
def test_the_scan_type_comes_from_the_first_bytes(head, content_type):
    assert licence_scan_type(head) == content_type


def test_the_state_machine():
    assert TRANSITIONS == {
        APPROVE: (PENDING, NEEDS_INFORMATION, APPROVING),
        REJECT: (PENDING, NEEDS_INFORMATION),
        REQUEST_INFORMATION: (PENDING, NEEDS_INFORMATION),
    }
    decided = (APPROVED, REJECTED)
    assert not any(status in allowed for allowed in TRANSITIONS.values() for status in decided)
