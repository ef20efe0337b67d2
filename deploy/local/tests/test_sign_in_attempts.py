"""The local hosted UI limits password attempts per account, counted by a
conditional DynamoDB update: guesses sent all at once get no more tries than
the limit, and once it is reached even the right password waits."""

from __future__ import annotations

import threading

from deploy.local.sign_in_attempts import ATTEMPTS_PER_WINDOW

from .conftest import EMAIL, PASSWORD, Browser

GUESSES = ATTEMPTS_PER_WINDOW + 8


def test_parallel_password_guesses_get_no_more_than_the_limit(pool):
    browsers = [Browser(pool) for _ in range(GUESSES)]
    forms = [browser.authorize() for browser in browsers]
    start = threading.Barrier(GUESSES, timeout=30)
    answers, lock = [], threading.Lock()

    def guess(browser, form, n):
        start.wait()
        answer = browser.submit(form, email=EMAIL, password=f"Wrong-guess-{n}")
        with lock:
            answers.append(answer)

    threads = [
        threading.Thread(target=guess, args=(b, f, n)) for n, (b, f) in enumerate(zip(browsers, forms))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [400] * ATTEMPTS_PER_WINDOW + [429] * (GUESSES - ATTEMPTS_PER_WINDOW)
    limited = next(answer for answer in answers if answer.status_code == 429)
    assert "Too many sign-in attempts for this account" in limited.text
    assert 0 < int(limited.headers["Retry-After"]) <= 15 * 60
    right = Browser(pool).sign_in(password=PASSWORD)
    assert right.status_code == 429 and "Location" not in right.headers


def test_another_account_is_not_held_up_by_guesses_at_one(pool):
    browser = Browser(pool)
    for n in range(ATTEMPTS_PER_WINDOW):
        assert browser.sign_in(email="someone.else@example.org", password=f"Wrong-{n}").status_code == 400
    assert browser.sign_in(email="someone.else@example.org").status_code == 429

    assert Browser(pool).sign_in().status_code == 302
