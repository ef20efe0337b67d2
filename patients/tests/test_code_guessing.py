"""A sign-up's code allows a fixed number of wrong tries, counted by
conditional writes on the sign-up itself (patients.signup.services): guesses
sent in parallel cannot get more tries than that, and once they are used up
even the right code is refused."""

from __future__ import annotations

import pytest

from medisecure.identity.actors import ANONYMOUS, AuditContext
from patients.signup import repository
from patients.signup import services as signup_services
from patients.signup.domain import VERIFIED, CodeRefused, SignupBusy, SignupRef
from patients.tests.conftest import wrong_code
from tests.support import in_parallel

pytestmark = pytest.mark.django_db

# An anonymous visitor guessing from one address.
VISITOR = AuditContext(ip="203.0.113.9")


def test_parallel_wrong_codes_use_up_the_codes_tries_and_no_more(signup, clock, client, settings):
    signup.start()
    code = signup.latest_code()
    ref = SignupRef(**client.session["signup"])

    outcomes = in_parallel(
        lambda: signup_services.signup_verify(actor=ANONYMOUS, audit=VISITOR, ref=ref, code=wrong_code(code))
    )

    # Each guess was judged and counted, or found the sign-up busy and was
    # not judged at all: never judged without being counted.
    assert all(isinstance(o, (CodeRefused, SignupBusy)) for o in outcomes), outcomes
    maximum = settings.SIGNUP_CODE_MAX_ATTEMPTS
    used = repository.signup_get(ref.email, ref.created_at).attempts
    assert 1 <= used <= maximum
    for _ in range(maximum - used):
        with pytest.raises(CodeRefused):
            signup_services.signup_verify(actor=ANONYMOUS, audit=VISITOR, ref=ref, code=wrong_code(code))
    assert repository.signup_get(ref.email, ref.created_at).attempts == maximum

    with pytest.raises(CodeRefused) as refused:
        signup_services.signup_verify(actor=ANONYMOUS, audit=VISITOR, ref=ref, code=code)

    assert refused.value.reason == CodeRefused.EXHAUSTED
    assert repository.signup_get(ref.email, ref.created_at).attempts == maximum
    assert repository.signup_get(ref.email, ref.created_at).status != VERIFIED
