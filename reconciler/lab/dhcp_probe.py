"""A DHCP relay agent's view of a server: DISCOVER/OFFER, REQUEST/ACK (RFC 2131).

Plays what the core switch's `ip helper-address` does for a client on an
occupier VLAN: it sends from the gateway address (giaddr), so the server picks
the occupier's subnet, and reads the answers sent back to that address.

    python -m reconciler.lab.dhcp_probe --giaddr 172.16.2.1 --server 127.0.0.1 \\
        --mac 02:00:00:aa:bb:cc        # prints the lease as JSON
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import struct
import sys
from typing import Any

MAGIC = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, ACK, NAK = 1, 2, 3, 5, 6
OPT_REQUESTED, OPT_SERVER_ID, OPT_TYPE, OPT_ROUTER, OPT_DNS, OPT_END = 50, 54, 53, 3, 6, 255


def build(msg_type: int, mac: bytes, xid: int, giaddr: str, options: bytes = b"") -> bytes:
    header = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 1, xid, 0, 0,
                         bytes(4), bytes(4), bytes(4), socket.inet_aton(giaddr),
                         mac.ljust(16, b"\0"), bytes(64), bytes(128))
    return header + MAGIC + bytes([OPT_TYPE, 1, msg_type]) + options + bytes([OPT_END])


def parse(data: bytes) -> tuple[int, str, dict[int, bytes]]:
    xid = struct.unpack("!I", data[4:8])[0]
    yiaddr = socket.inet_ntoa(data[16:20])
    opts: dict[int, bytes] = {}
    i = 240
    while i < len(data) and data[i] != OPT_END:
        if data[i] == 0:
            i += 1
            continue
        size = data[i + 1]
        opts[data[i]] = data[i + 2:i + 2 + size]
        i += 2 + size
    return xid, yiaddr, opts


def _addrs(raw: bytes | None) -> list[str]:
    raw = raw or b""
    return [socket.inet_ntoa(raw[i:i + 4]) for i in range(0, len(raw) - 3, 4)]


def exchange(giaddr: str, server: str, mac: str, port: int = 67,
             timeout: float = 3.0) -> dict[str, Any]:
    """One DORA as a relay; returns the acknowledged lease (or raises TimeoutError)."""
    hw = bytes.fromhex(mac.replace(":", ""))
    xid = int.from_bytes(os.urandom(4), "big")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((giaddr, port))  # servers answer a relay on the server port
        s.settimeout(timeout)

        def ask(msg: bytes, want: int) -> tuple[str, dict[int, bytes]]:
            s.sendto(msg, (server, port))
            while True:
                data, _ = s.recvfrom(4096)
                rxid, yiaddr, opts = parse(data)
                if rxid == xid and opts.get(OPT_TYPE, b"\0")[0] in (want, NAK):
                    if opts[OPT_TYPE][0] == NAK:
                        raise RuntimeError("the server sent DHCPNAK")
                    return yiaddr, opts

        offered, opts = ask(build(DISCOVER, hw, xid, giaddr), OFFER)
        extra = (bytes([OPT_REQUESTED, 4]) + socket.inet_aton(offered)
                 + bytes([OPT_SERVER_ID, 4]) + opts[OPT_SERVER_ID])
        acked, opts = ask(build(REQUEST, hw, xid, giaddr, extra), ACK)
    return {"offered": offered, "address": acked, "routers": _addrs(opts.get(OPT_ROUTER)),
            "dns_servers": _addrs(opts.get(OPT_DNS))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--giaddr", required=True)
    p.add_argument("--server", required=True)
    p.add_argument("--mac", required=True)
    p.add_argument("--port", type=int, default=67)
    args = p.parse_args(argv)
    try:
        lease = exchange(args.giaddr, args.server, args.mac, args.port)
    except (OSError, RuntimeError) as exc:
        print(json.dumps({"error": str(exc) or type(exc).__name__}))
        return 1
    print(json.dumps(lease))
    return 0


if __name__ == "__main__":
    sys.exit(main())
