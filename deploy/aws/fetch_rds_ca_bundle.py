"""Fetch Amazon RDS's certificate bundle into the image, refusing any file
whose sha256 is not the one the build was given.

The portal connects to PostgreSQL with `sslmode=verify-full`: the server's
certificate must chain to this bundle and name the host it connects to, so a
machine that answers on the database's address cannot read sessions or the
admin log. The bundle is AWS's own, published at BUNDLE_URL; its checksum is
looked up once by whoever builds (`curl -s BUNDLE_URL | sha256sum`) and given
as a build argument, like the base image's digest.

    python fetch_rds_ca_bundle.py <sha256> <destination>
"""

import hashlib
import re
import sys
import urllib.request

BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not re.fullmatch(r"[0-9a-f]{64}", argv[0]):
        print(
            "usage: fetch_rds_ca_bundle.py <sha256 of the bundle, 64 hex digits> <destination>",
            file=sys.stderr,
        )
        return 2
    expected, destination = argv
    with urllib.request.urlopen(BUNDLE_URL, timeout=30) as answer:  # noqa: S310 (a fixed https address)
        bundle = answer.read()
    actual = hashlib.sha256(bundle).hexdigest()
    if actual != expected:
        print(
            f"The RDS certificate bundle's sha256 is {actual}, not {expected}: refusing it.", file=sys.stderr
        )
        return 1
    if b"-----BEGIN CERTIFICATE-----" not in bundle:
        print("The RDS certificate bundle holds no certificate: refusing it.", file=sys.stderr)
        return 1
    with open(destination, "wb") as out:
        out.write(bundle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
