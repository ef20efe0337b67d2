import pytest

from analytics import handlers


@pytest.fixture(autouse=True)
def _no_first_bookings_remembered():
    """Each test's stack starts without markers; so must the projector's memory of them."""
    handlers._FIRSTS.clear()
    yield
    handlers._FIRSTS.clear()
