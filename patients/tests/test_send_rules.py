"""The resend rules, as plain rules over a ledger of send times."""

from patients.signup.domain import SendLedger

RULES = {"interval": 60, "per_hour": 5}


def test_it_allows_a_first_send():
    assert SendLedger("a@example.org").next_send_at(1_000, **RULES) is None


def test_it_refuses_a_send_within_a_minute_of_the_last_and_says_when():
    ledger = SendLedger("a@example.org").with_send(1_000)

    assert ledger.next_send_at(1_059, **RULES) == 1_060
    assert ledger.next_send_at(1_060, **RULES) is None


def test_it_refuses_a_sixth_send_in_an_hour_until_the_first_is_an_hour_old():
    ledger = SendLedger("a@example.org")
    for minute in range(5):
        ledger = ledger.with_send(1_000 + minute * 60)

    assert ledger.next_send_at(1_000 + 10 * 60, **RULES) == 1_000 + 3600
    assert ledger.next_send_at(1_000 + 3600, **RULES) is None


def test_it_forgets_sends_older_than_an_hour():
    ledger = SendLedger("a@example.org").with_send(1_000).with_send(5_000)

    assert ledger.sent_at == (5_000,)
    assert ledger.version == 2


def test_taking_back_a_send_that_never_left_frees_the_next_one_at_once():
    ledger = SendLedger("a@example.org").with_send(1_000)

    assert ledger.without_send(1_000).next_send_at(1_001, **RULES) is None


def test_the_hourly_cap_counts_per_client_address_and_the_minute_gap_per_email():
    ledger = SendLedger("a@example.org")
    for minute in range(5):
        ledger = ledger.with_send(1_000 + 60 * minute, "stranger")

    later = 1_000 + 60 * 5
    assert ledger.next_send_at(later, **RULES, sender="stranger") == 1_000 + 3600
    assert ledger.next_send_at(later, **RULES, sender="owner") is None
    # The one-a-minute gap holds whoever asks.
    assert ledger.with_send(later, "owner").next_send_at(later + 30, **RULES, sender="owner") == later + 60
