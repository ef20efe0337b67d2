"""Signing in for tests the way a browser does: through the portal's
/oidc/authenticate/, the local stack's hosted UI and back to the callback,
over real HTTP. The Django test client plays the portal's side; a
`requests` session plays the browser at the hosted UI."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pyotp
import requests

TEST_PASSWORD = "Correct-Horse-9-Battery!"


def totp_code(secret: str) -> str:
    """The authenticator's code for `secret`, taken where it stays valid for
    the request that sends it: the local pool (moto) accepts the current
    30-second step only, so a code read in a step's last moment would be
    refused by chance."""
    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < 3:
        time.sleep(left + 0.05)
    return totp.now()


@dataclass
class HtmlForm:
    action: str = ""
    fields: dict = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[HtmlForm] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(HtmlForm(action=attributes.get("action") or ""))
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1].fields[attributes["name"]] = attributes.get("value") or ""


def first_form(html: str) -> HtmlForm:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms[0]


def local_path(url: str) -> str:
    parts = urlparse(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class HostedUi:
    """The browser's side at the hosted UI (keeps its session cookie)."""

    session: requests.Session = field(default_factory=requests.Session)

    def submit(self, page: requests.Response, values: dict) -> requests.Response:
        form = first_form(page.text)
        return self.session.post(
            urljoin(page.url, form.action), data={**form.fields, **values}, allow_redirects=False
        )


def authorize_redirect(client, next_url: str | None = None) -> str:
    start = client.get("/oidc/authenticate/", {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.status_code
    return start["Location"]


def hosted_sign_in(
    hosted: HostedUi, authorize_url: str, email: str, password: str, totp_secret: str | None = None
) -> str:
    """Sign in at the hosted UI; returns where it sends the browser back to."""
    page = hosted.session.get(authorize_url, allow_redirects=False)
    if page.status_code == 302:  # the hosted UI session is still alive
        return page.headers["Location"]
    answer = hosted.submit(page, {"email": email, "password": password})
    if answer.status_code == 200 and totp_secret:
        answer = hosted.submit(answer, {"code": totp_code(totp_secret)})
    assert answer.status_code == 302, f"hosted UI did not sign in: {answer.status_code}"
    return answer.headers["Location"]


def sign_in(
    client, email: str, password: str = TEST_PASSWORD, *, totp_secret=None, hosted=None, next_url=None
):
    """The whole flow; returns the portal's response to the callback."""
    hosted = hosted or HostedUi()
    callback = hosted_sign_in(hosted, authorize_redirect(client, next_url), email, password, totp_secret)
    return client.get(local_path(callback))


def sent_mail(local_stack) -> list[dict]:
    """Every message the local stack's SES holds, oldest first, as moto
    stores it: `destinations`, `subject`, `body` (a message with both text
    and HTML parts keeps its HTML)."""
    with urllib.request.urlopen(f"{local_stack.url}/moto-api/data.json", timeout=10) as response:
        data = json.load(response)
    return list(data.get("ses", {}).get("Message", []))


def mail_to(local_stack, address: str) -> list[dict]:
    return [
        message
        for message in sent_mail(local_stack)
        if address in message["destinations"].get("ToAddresses", [])
    ]


def in_parallel(work, count: int = 12) -> list:
    """Run `work()` in `count` threads released together; each one's result
    or exception, in no particular order."""
    start = threading.Barrier(count, timeout=30)
    outcomes, lock = [], threading.Lock()

    def run():
        start.wait()
        try:
            outcome = work()
        except Exception as error:  # collected: the test inspects what each got
            outcome = error
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == count
    return outcomes


class FakeClock:
    """Stands in for medisecure.clock: a moment the test moves by hand."""

    def __init__(self, start: datetime):
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)
