"""scripts/serve.py: the dashboard's processes check certificates against the operating
system's authorities one by one, and never against another set than the administrator's."""

from __future__ import annotations

from pathlib import Path

import pytest
from serve import trust_store  # scripts/ is on the test path (pyproject.toml)


@pytest.fixture
def certificates(tmp_path: Path) -> tuple[Path, Path]:
    """A folder as Debian's ca-certificates leaves it: certificates under their hash, and
    the bundle of them all beside."""
    folder = tmp_path / "certs"
    folder.mkdir()
    (folder / "0a1b2c3d.0").write_text("a certificate")
    bundle = folder / "ca-certificates.crt"
    bundle.write_text("every certificate")
    return folder, bundle


def test_with_nothing_chosen_the_system_folder_is_used(certificates):
    folder, bundle = certificates
    chosen = trust_store({"PATH": "/usr/bin"}, folder, bundle)
    assert chosen == {"PATH": "/usr/bin", "SSL_CERT_DIR": str(folder)}


def test_the_system_bundle_gives_way_to_the_same_certificates_in_the_folder(certificates):
    folder, bundle = certificates
    chosen = trust_store(
        {"SSL_CERT_FILE": str(bundle), "SSL_CERT_DIR": "/elsewhere"}, folder, bundle
    )
    assert chosen == {"SSL_CERT_DIR": str(folder)}


def test_an_administrators_own_bundle_or_folder_is_kept(certificates, tmp_path):
    folder, bundle = certificates
    own = {"SSL_CERT_FILE": str(tmp_path / "council-ca.pem")}
    assert trust_store(own, folder, bundle) == own
    own_folder = {"SSL_CERT_DIR": str(tmp_path / "council-certs")}
    assert trust_store(own_folder, folder, bundle) == own_folder


def test_nothing_changes_where_the_folder_holds_no_hashed_certificates(tmp_path):
    folder = tmp_path / "certs"
    folder.mkdir()
    (folder / "README").write_text("not a certificate")
    bundle = folder / "ca-certificates.crt"
    environment = {"SSL_CERT_FILE": str(bundle)}
    assert trust_store(environment, folder, bundle) == environment
    assert trust_store({}, tmp_path / "missing", bundle) == {}
