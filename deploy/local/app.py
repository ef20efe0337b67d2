"""The local AWS stack as one WSGI app: the hosted UI's routes, moto for the rest.

Imports moto, so the server sets moto's environment before importing this.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, render_template
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.exceptions import HTTPException, NotFound

from . import auth_flows, hosted_ui, outbox
from .email_change import EmailChangeCodes
from .forgot_password import ForgotPasswordCodes
from .revoke_token import is_revoke_token_request, revoke_token
from .sign_in_attempts import SignInAttempts
from .snapshots import Snapshots
from .store import Store
from .tokens import TokenSigner
from .user_pools import UserPools
from .write_attributes import checked_update_user_attributes, is_update_user_attributes_request

RESET_PATH = "/moto-api/reset"

# The hosted UI's pages carry no script and load nothing from elsewhere.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class LocalStackApp:
    def __init__(self, *, base_url: str, region: str):
        self.context = hosted_ui.StackContext(
            base_url=base_url,
            # The hosted UI calls moto's Cognito API over HTTP on this same server.
            pools=UserPools(endpoint_url=base_url, region=region),
            store=Store(),
            signer=TokenSigner(),
            send_log=outbox.SendLog(),
            attempts=SignInAttempts(endpoint_url=base_url, region=region),
            forgot_codes=ForgotPasswordCodes(endpoint_url=base_url, region=region),
            email_codes=EmailChangeCodes(endpoint_url=base_url, region=region),
        )
        self.hosted_ui = _create_hosted_ui(self.context)
        self.moto = DomainDispatcherApplication(create_backend_app)
        self._dynamodb_lock = threading.Lock()
        self.snapshots = Snapshots()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == RESET_PATH and environ.get("REQUEST_METHOD") == "POST":
            self.context.reset()
        if self.snapshots.handles(environ):
            with self._dynamodb_lock:  # no DynamoDB request sees half a restore
                return self.snapshots(environ, start_response, forget_emulator_state=self.context.reset)
        if is_revoke_token_request(environ):
            return revoke_token(environ, start_response)
        if auth_flows.is_initiate_auth_request(environ):
            refused = auth_flows.refusal(environ, start_response)
            if refused is not None:
                return refused
        if self.context.forgot_codes.handles(environ):
            return self.context.forgot_codes(environ, start_response, self.moto)
        if is_update_user_attributes_request(environ):
            # The client's WriteAttributes first, then the email's verification.
            return checked_update_user_attributes(environ, start_response, self._email_change)
        if self.context.email_codes.handles(environ):
            return self._email_change(environ, start_response)
        if self._is_hosted_ui_request(environ):
            return self.hosted_ui(environ, start_response)
        if outbox.is_ses_request(environ):
            return self.context.send_log.pass_through(self.moto, environ, start_response)
        if _is_dynamodb_request(environ):
            return self._one_dynamodb_request_at_a_time(environ, start_response)
        return self.moto(environ, start_response)

    def _email_change(self, environ, start_response):
        return self.context.email_codes(environ, start_response, self.moto)

    def _one_dynamodb_request_at_a_time(self, environ, start_response):
        """DynamoDB serializes what touches the same items; moto does not:
        a conditional put checks, then writes, and a transaction (see
        dynamodb_transactions) checks all its conditions, then writes. The
        server is threaded, so requests run one at a time here, response
        included, for the stack to keep DynamoDB's promises."""
        with self._dynamodb_lock:
            response = self.moto(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                getattr(response, "close", lambda: None)()

    def _is_hosted_ui_request(self, environ) -> bool:
        # A signed AWS request is always moto's, even where its path (an S3
        # bucket called "login", say) looks like one of the hosted UI's.
        if _is_signed_aws_request(environ):
            return False
        try:
            self.hosted_ui.url_map.bind_to_environ(environ).match()
        except NotFound:
            return False
        except HTTPException:
            pass  # one of its paths with a wrong method or without its slash: still its answer
        return True


def _is_dynamodb_request(environ) -> bool:
    # The JSON protocol names the operation as DynamoDB_20120810.<Operation>.
    return environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_")


def _is_signed_aws_request(environ) -> bool:
    return environ.get("HTTP_AUTHORIZATION", "").startswith("AWS4-") or (
        "X-Amz-Signature=" in environ.get("QUERY_STRING", "")
    )


def _create_hosted_ui(context: hosted_ui.StackContext) -> Flask:
    # No static folder: Flask would otherwise claim every path under /static/.
    app = Flask(
        __name__,
        static_folder=None,
        template_folder=str(Path(__file__).parent / "templates"),
    )
    app.extensions["local_stack"] = context
    app.register_blueprint(hosted_ui.blueprint)
    app.register_blueprint(outbox.blueprint)

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html", message=error.description), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("hosted UI request failed")
        message = "Something went wrong in the local hosted UI. The server log has the details."
        return render_template("error.html", message=message), 500

    return app
