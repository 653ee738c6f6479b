"""Production defaults are the client libraries' own; only an endpoints file (the lab's)
opts into faster settings (see also the IOS target's timing test)."""

from __future__ import annotations

import inspect

import meraki.config as sdk
import pyeapi.client

from reconciler.targets.eos import EosSettings
from reconciler.targets.meraki import MerakiSettings


def test_meraki_settings_default_to_the_sdks() -> None:
    s = MerakiSettings(organization_id="1", network_id="N_1", ssid=2)
    assert (s.timeout, s.max_retries, s.retry_wait) == (
        sdk.SINGLE_REQUEST_TIMEOUT, sdk.MAXIMUM_RETRIES, sdk.NGINX_429_RETRY_WAIT_TIME)


def test_eos_timeout_defaults_to_pyeapis() -> None:
    default = inspect.signature(pyeapi.client.connect).parameters["timeout"].default
    assert EosSettings(host="192.0.2.1").timeout == default
