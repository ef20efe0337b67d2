"""Run the local AWS stack: moto in server mode plus Cognito's hosted UI.

    python -m deploy.local.server [--host 127.0.0.1] [--port 4566]

It serves anyone who can reach it, with no authentication, so it only ever
listens on loopback.
"""

from __future__ import annotations

import argparse
import ipaddress
import os

READY_MESSAGE = "local AWS stack ready on"

MOTO_SETTINGS = {
    # Pool and client ids derived from their names, so a rebuilt stack keeps them.
    "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
    "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
    # Without this moto accepts any TOTP code.
    "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
}


def main(argv: list[str] | None = None) -> None:
    options = _parse_arguments(argv)
    for name, value in MOTO_SETTINGS.items():
        os.environ.setdefault(name, value)

    # Imported only now: moto reads its settings from the environment set above.
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from . import dynamodb_streams, dynamodb_transactions, sign_in_names
    from .app import LocalStackApp

    dynamodb_transactions.install()
    dynamodb_streams.install()
    sign_in_names.install()

    base_url = f"http://{_url_host(options.host)}:{options.port}"
    app = LocalStackApp(base_url=base_url, region=os.environ.get("AWS_REGION", "us-east-1"))
    # Threaded: the hosted UI calls moto's API on this same server mid-request.
    # moto's handler keeps the header spellings S3 metadata needs.
    server = make_server(options.host, options.port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"{READY_MESSAGE} {base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--port", type=int, default=4566)
    options = parser.parse_args(argv)
    if not _is_loopback(options.host):
        parser.error(f"refusing to listen on {options.host}: the local stack serves loopback only")
    return options


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


if __name__ == "__main__":
    main()
