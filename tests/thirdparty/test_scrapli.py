"""scrapli (its own SSH client and its `cisco_iosxe` platform definition) on the lab IOS
switch: privilege escalation by the enable prompt, terminal settings, show commands
parsed with the same TextFSM templates as a real capture, and a configuration change."""

from __future__ import annotations

from pathlib import Path

from ntc_templates.parse import parse_output
from scrapli import AuthOptions, Cli, LookupKeyValue

from tests.conftest import realdata
from tests.thirdparty.conftest import CAPTURES, ThirdPartyLab, same_shape

VLAN = 3903


def test_scrapli_session_on_the_ios_switch(tp_lab: ThirdPartyLab) -> None:
    sw, dev = tp_lab.ios, tp_lab.ios.device
    cli = Cli(sw.host, port=sw.port, definition_file_or_name="cisco_iosxe",
              auth_options=AuthOptions(username=sw.username, password=sw.password,
                                       lookups=[LookupKeyValue(key="enable", value=sw.password)]))
    cli.open()
    try:
        assert cli.get_prompt().result.strip() == f"{dev.running.hostname}#"
        brief = cli.send_input("show ip interface brief").result
        ours = parse_output(platform="cisco_ios", command="show ip interface brief", data=brief)
        real = (CAPTURES / "cisco_ios" / "show_ip_interface_brief__ntc.raw").read_text()
        same_shape(ours, parse_output(platform="cisco_ios", command="show ip interface brief",
                                      data=real))
        status = cli.send_input("show interfaces status").result
        same_shape(parse_output(platform="cisco_ios", command="show interfaces status",
                                data=status),
                   parse_output(platform="cisco_ios", command="show interfaces status",
                                data=Path(realdata("cisco_ios", "show_interfaces_status",
                                                   "show_interfaces_status__ntc.raw"))
                                .read_text()))
        bad = cli.send_input("show vlan bogus")
        assert bad.failed  # scrapli saw IOS's own refusal
        cli.send_inputs(["configure terminal", f"vlan {VLAN}", "name scrapli", "end"])
        assert dev.running.vlans[VLAN] == "scrapli"
        cli.send_inputs(["configure terminal", f"no vlan {VLAN}", "end"])
        assert VLAN not in dev.running.vlans
    finally:
        cli.close()
