"""The image's RDS certificate bundle is taken only with the checksum the
build names: the database's certificate is verified against it."""

import hashlib
import io

import pytest

from deploy.aws import fetch_rds_ca_bundle

BUNDLE = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture
def served(monkeypatch):
    """AWS's truststore, the build's one outside edge, serving `served.body`."""

    class Served:
        body = BUNDLE
        asked: list[str] = []

    def urlopen(url, timeout):
        Served.asked.append(url)
        return io.BytesIO(Served.body)

    monkeypatch.setattr(fetch_rds_ca_bundle.urllib.request, "urlopen", urlopen)
    return Served


def test_the_bundle_with_the_named_checksum_is_written(served, tmp_path):
    destination = tmp_path / "rds.pem"

    assert fetch_rds_ca_bundle.main([hashlib.sha256(BUNDLE).hexdigest(), str(destination)]) == 0
    assert destination.read_bytes() == BUNDLE
    assert served.asked == [fetch_rds_ca_bundle.BUNDLE_URL]
    assert fetch_rds_ca_bundle.BUNDLE_URL.startswith("https://")


def test_a_bundle_with_another_checksum_is_refused_and_nothing_written(served, tmp_path, capsys):
    destination = tmp_path / "rds.pem"
    served.body = BUNDLE + b"-----BEGIN CERTIFICATE-----\nEVIL\n-----END CERTIFICATE-----\n"

    assert fetch_rds_ca_bundle.main([hashlib.sha256(BUNDLE).hexdigest(), str(destination)]) == 1
    assert not destination.exists()
    assert "refusing it" in capsys.readouterr().err


@pytest.mark.parametrize("checksum", ["", "latest", "ab" * 31, "AB" * 32])
def test_a_build_without_a_well_formed_checksum_fetches_nothing(served, tmp_path, checksum):
    assert fetch_rds_ca_bundle.main([checksum, str(tmp_path / "rds.pem")]) == 2
    assert served.asked == []
