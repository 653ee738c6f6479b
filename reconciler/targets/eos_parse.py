"""Arista EOS running-config text -> `SwitchState`.

Used on live `show running-config` output and by `reconciler inspect --platform arista_eos`.
Pure functions, no I/O. Lines the reconciler does not manage are ignored; a managed line
it cannot read (a VLAN id out of range, a malformed VLAN list or address) and text that
is not configuration raise `ParseError` naming the line, so nothing is guessed.

EOS defaults are applied, so the result says what the switch does, not only what is written:

* VLANs: only VLANs present in the text. VLAN 1 exists implicitly on every EOS switch but is
  reported only when configured, so inspect output mirrors the config and nothing downstream
  is tempted to "delete" VLAN 1.
* Trunk allowed VLANs: ``None`` means ALL (no `switchport trunk allowed vlan` line, `all`, or a
  list covering 1-4094), an empty set means `none`. ALL is kept symbolic because it is what
  EOS itself stores and shows; expanding it would turn "no line" into a 4094-VLAN diff.
  `switchport trunk group` restrictions are kept on the port but not applied to the list.
* Port-Channel members (`channel-group N mode ...`) are mode "other" with vlan None: EOS takes
  their L2 behaviour from the Port-Channel, so reporting their own switchport lines would lie.
* `switchport mode trunk phone` (AVD campus edge ports) is EOS's access port with a voice
  VLAN: mode "access", vlan = native VLAN, voice_vlan = phone VLAN. EOS applies
  `switchport phone vlan` only in that mode, so other modes report voice_vlan None.
* Management, Loopback, Tunnel and subinterfaces (a "." in the name) are routed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..switching.blocks import Block
from ..switching.state import HelperAddress, Port, Svi, SwitchState, Vlan
from ..switching.values import LineReader
from .eos_syntax import interface_type, normalise_interface, parse_blocks

_ROUTED_TYPES = ("Management", "Loopback", "Tunnel")
_SWITCHED_TYPES = ("Ethernet", "Port-Channel")


@dataclass
class _If:
    """Accumulated state of one interface; each line moves it as EOS would."""

    description: str | None = None
    enabled: bool = True
    switchport: bool | None = None
    mode: str | None = None
    access_vlan: int | None = None
    native_vlan: int | None = None
    native_tagged: bool = False
    allowed: frozenset[int] | None = None
    phone_vlan: int | None = None
    channel_group: int | None = None
    trunk_groups: list[str] = field(default_factory=list)
    address: str | None = None
    secondaries: list[str] = field(default_factory=list)
    virtuals: list[str] = field(default_factory=list)
    helpers: list[HelperAddress] = field(default_factory=list)
    vrf: str | None = None


class _Reader(LineReader):
    def no(self, st: _If, words: list[str]) -> None:
        """`no X` lines reset X to the EOS default (hier_config remediation files use them)."""
        key = " ".join(words[:4])
        if words[0] == "shutdown":
            st.enabled = True
        elif words == ["switchport"]:
            st.switchport = False
        elif words[0] == "description":
            st.description = None
        elif words[0] == "channel-group":
            st.channel_group = None
        elif words[:2] == ["ip", "address"]:
            st.address, st.secondaries, st.virtuals = None, [], []
        elif words[:2] == ["ip", "helper-address"] and len(words) > 2:
            st.helpers = [h for h in st.helpers if h.address != words[2]]
        elif key.startswith("switchport mode"):
            st.mode = None
        elif key.startswith("switchport access vlan"):
            st.access_vlan = None
        elif key.startswith("switchport trunk native vlan"):
            st.native_vlan, st.native_tagged = None, False
        elif key.startswith("switchport trunk allowed vlan"):
            st.allowed = None
        elif key.startswith("switchport phone vlan"):
            st.phone_vlan = None
        elif key.startswith("switchport trunk group"):
            group = " ".join(words[3:])
            st.trunk_groups = [g for g in st.trunk_groups if group and g != group]

    def line(self, st: _If, line: Block) -> None:
        text = line.line
        words = text.split()
        w = words + [""] * 4  # pad so fixed-position look-ups need no length checks
        if w[0] == "no" and len(words) > 1:
            self.no(st, words[1:])
        elif w[0] == "description":
            # Verbatim after the keyword and one separator; trailing blanks are file noise.
            st.description = text[len("description"):].removeprefix(" ").rstrip() or None
        elif words == ["shutdown"]:
            st.enabled = False
        elif words == ["switchport"]:
            st.switchport = True
        elif w[:2] == ["switchport", "mode"] and len(words) > 2:
            st.mode = " ".join(words[2:]).lower()
        elif w[:3] == ["switchport", "access", "vlan"]:
            st.access_vlan = self.vlan_id(line, w[3])
        elif w[:4] == ["switchport", "trunk", "native", "vlan"]:
            if w[4] == "tag":
                st.native_tagged = True
            else:
                st.native_vlan = self.vlan_id(line, w[4])
        elif w[:4] == ["switchport", "trunk", "allowed", "vlan"]:
            st.allowed = self.allowed(line, st.allowed, words[4:])
        elif w[:3] == ["switchport", "phone", "vlan"]:
            st.phone_vlan = self.vlan_id(line, w[3])
        elif w[:3] == ["switchport", "trunk", "group"] and w[3]:
            st.trunk_groups.append(" ".join(words[3:]))
        elif w[0] == "channel-group" and w[1].isascii() and w[1].isdigit():
            st.channel_group = int(w[1])
        elif w[:2] == ["ip", "address"] and w[2]:
            self.address(st, line, words[2:])
        elif w[:2] == ["ip", "helper-address"] and w[2]:
            opts = dict(zip(words[3::2], words[4::2], strict=False))
            st.helpers.append(HelperAddress(w[2], opts.get("vrf"), opts.get("source-interface")))
        elif w[0] == "vrf" and w[1]:
            st.vrf = w[2] if w[1] == "forwarding" and w[2] else w[1]  # old `vrf forwarding X`

    def address(self, st: _If, line: Block, words: list[str]) -> None:
        virtual = words[0] == "virtual"
        words = words[1:] if virtual else words
        secondary = bool(words) and words[-1] == "secondary"
        addr = self.ipv4(line, words[:-1] if secondary else words)
        if addr is None:
            return
        if virtual:
            st.virtuals.append(addr)
        elif secondary:
            st.secondaries.append(addr)
        else:
            st.address = addr

    def vlan_block(self, vlans: dict[int, Vlan], ids: set[int], block: Block) -> None:
        for vid in sorted(ids):
            v = vlans.get(vid, Vlan(vid))
            name, state, groups = v.name, v.state, list(v.trunk_groups)
            for child in block.children:
                words = child.line.split()
                if words[0] == "name":
                    name = child.line[len("name"):].strip() or None
                elif words[:2] == ["no", "name"]:
                    name = None
                elif words[0] == "state" and len(words) > 1:
                    state = words[1]
                elif words[:2] == ["trunk", "group"] and len(words) > 2:
                    groups.append(" ".join(words[2:]))
            vlans[vid] = Vlan(vid, name, state, tuple(groups))


def _port(name: str, st: _If) -> Port:
    kind = interface_type(name)
    base = Port(name, "other", description=st.description, enabled=st.enabled,
                switchport_mode=st.mode, channel_group=st.channel_group,
                native_vlan_tagged=st.native_tagged, trunk_groups=tuple(st.trunk_groups),
                address=st.address, vrf=st.vrf)
    if kind in _ROUTED_TYPES or "." in name:
        return replace(base, mode="routed")
    if st.channel_group is not None and kind == "Ethernet":
        return base  # member: its L2 config lives on the Port-Channel
    if st.switchport is False:
        return replace(base, mode="routed")
    if kind not in _SWITCHED_TYPES:
        return replace(base, mode="routed") if st.address else base
    if st.switchport is None and st.mode is None and st.address:
        return replace(base, mode="routed")  # hand-written configs leave out `no switchport`
    if st.mode in (None, "access"):
        return replace(base, mode="access", vlan=st.access_vlan or 1)
    if st.mode == "trunk":
        return replace(base, mode="trunk", vlan=st.native_vlan or 1, allowed_vlans=st.allowed)
    if st.mode == "trunk phone":
        return replace(base, mode="access", vlan=st.native_vlan or 1, voice_vlan=st.phone_vlan)
    return base  # dot1q-tunnel, tap, tool, ...


def _svi(vlan_id: int, st: _If) -> Svi:
    return Svi(vlan_id, st.address, tuple(st.secondaries), tuple(st.virtuals),
               tuple(st.helpers), st.enabled, st.description, st.vrf)


def parse_running_config(text: str, source: str = "running-config") -> SwitchState:
    """Parse EOS running-config text (3-space or any consistent indentation)."""
    reader = _Reader(source)
    hostname: str | None = None
    vlans: dict[int, Vlan] = {}
    interfaces: dict[str, _If] = {}
    for block in parse_blocks(text, source):
        keyword, _, rest = block.line.partition(" ")
        rest = rest.strip()
        if keyword == "hostname" and rest:
            hostname = rest
        elif keyword == "vlan" and rest[:1].isdigit():
            # `vlan internal order ...` and friends are not VLAN blocks.
            reader.vlan_block(vlans, reader.vlan_list(block, rest), block)
        elif keyword == "interface" and rest:
            # A repeated header continues the same interface, as it would on the CLI.
            st = interfaces.setdefault(normalise_interface(rest), _If())
            for child in block.children:
                reader.line(st, child)
    ports: dict[str, Port] = {}
    svis: dict[int, Svi] = {}
    for name, st in interfaces.items():
        vid = name[4:] if interface_type(name) == "Vlan" else ""
        if vid.isdigit() and 1 <= int(vid) <= 4094:
            svis[int(vid)] = _svi(int(vid), st)
        else:
            ports[name] = _port(name, st)
    return SwitchState(hostname, vlans, ports, svis)

