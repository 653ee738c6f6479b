"""Only secret fields are masked in output: a user name such as "admin" is ordinary text."""

from __future__ import annotations

from pathlib import Path

from reconciler.engine.credentials import CredentialStore


def test_user_names_are_not_masked_passwords_are(tmp_path: Path) -> None:
    f = tmp_path / "creds.yaml"
    f.write_text("lon1-net: {username: admin, password: s3cret-pw}\n")
    env = {"RECONCILER_CRED_X_USERNAME": "operator", "RECONCILER_CRED_X_TOKEN": "tok-123456"}
    secrets = CredentialStore(f, environ=env).all_secrets()
    assert sorted(secrets) == ["s3cret-pw", "tok-123456"]
