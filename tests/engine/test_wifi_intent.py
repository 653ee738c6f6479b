"""Wi-Fi intent: a policy per occupier per site network, a key or MAC entry per device."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from reconciler import outbox
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def estate():  # type: ignore[no-untyped-def]
    return load_estate(REPO_ROOT)


def wifi(state, target):  # type: ignore[no-untyped-def]
    return {(r.kind, r.key): (dict(r.attrs), r.owner) for r in state.resources[target]}


def test_policies_follow_the_occupiers_of_the_site_on_the_date(estate) -> None:  # type: ignore[no-untyped-def]
    now = wifi(compile_estate(estate, dt.date(2026, 12, 15)), "lon1/wifi")
    policies = {k: a["vlan"] for (kind, k), (a, _) in now.items() if kind == "wifi_policy"}
    assert policies == {"rcl-acme": 102, "rcl-greenleaf-studio": 101,
                        "rcl-harbour-coffee": 100, "rcl-orbit-analytics": 103}
    assert now[("wifi_psk", "rcl-greenleaf-studio.printer-2f")] == (
        {"policy": "rcl-greenleaf-studio", "credential_version": 1}, "greenleaf-studio")
    # Acme's London contract ends 2027-01-04 with deprovisioning: its policy goes.
    later = wifi(compile_estate(estate, dt.date(2027, 1, 5)), "lon1/wifi")
    assert ("wifi_policy", "rcl-acme") not in later


def test_a_mac_mode_site_provisions_devices_by_mac(estate) -> None:  # type: ignore[no-untyped-def]
    state = compile_estate(estate, dt.date(2026, 12, 15))
    man1 = wifi(state, "man1/wifi")
    assert man1[("wifi_client", "00:1b:a9:5c:21:07")] == (
        {"policy": "rcl-acme", "name": "rcl-acme.printer-m1"}, "acme")
    assert not any(kind == "wifi_psk" for kind, _ in man1)
    spec = state.targets["man1/wifi"]
    assert spec.settings["device_auth"] == "mac" and spec.settings["ssid"] == 2
    # Keys go to the occupier's admins; an occupier without one: to the site's support.
    lon1 = state.targets["lon1/wifi"].scope["recipients"]
    assert lon1["greenleaf-studio"] == ["maya.green@greenleaf.example"]
    assert lon1["harbour-coffee"] == ["support.lon1@workspace.example"]


def test_outbox_writes_private_eml_files_under_a_safe_name(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(outbox.ENV_DIR, str(tmp_path / "out"))
    path = outbox.send(["a@example.com"], "Subject", "Key: s3cret-value", tag="wifi-key-x")
    assert path.parent == tmp_path / "out" and path.suffix == ".eml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"To: a@example.com" in path.read_bytes()
    with pytest.raises(ValueError):
        outbox.send(["a@example.com"], "s", "b", tag="../../etc/passwd")
