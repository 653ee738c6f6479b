"""Talk to a running lab from the benchmark: counters, device configs, the minimum.

Counts come from the lab's own counters (the launcher's control endpoint
`/_lab/counters`), so they are what the switches, the Dashboard and Kea received,
whatever the client believes it sent.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Mapping
from typing import Any

# Commands that are not configuration lines: reads, session plumbing, saving.
OVERHEAD_WORDS = ("enable", "show", "configure", "commit", "copy", "abort", "end", "write",
                  "terminal", "exit")
# The lab component kind behind each platform, and the platforms counted per switch.
KIND = {"arista_eos": "eos", "cisco_ios": "ios", "meraki": "meraki", "kea": "kea"}
SWITCHES = ("arista_eos", "cisco_ios")


def _call(ep: Mapping[str, Any], path: str, method: str = "GET") -> Any:
    url = f"http://{ep['host']}:{ep['port']}{path}"
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310 - lab on loopback
        return json.loads(resp.read())


def reset_counters(control: Mapping[str, Any]) -> None:
    _call(control, "/_lab/counters/reset", "POST")


def _switch_totals(snaps: Mapping[str, Mapping[str, Any]], platform: str) -> dict[str, Any]:
    words: Counter[str] = Counter()
    requests = commands = reads = 0
    touched = []
    for name, s in snaps.items():
        requests += s["requests"]
        commands += s["commands"]
        words.update(s["by_word"])
        reads += s["by_prefix"].get("show running-config", 0)
        if s["by_prefix"].get("configure session") or (
                platform == "cisco_ios" and s["by_prefix"].get("configure terminal")):
            touched.append(name)
    overhead = sum(words[w] for w in OVERHEAD_WORDS)
    # eAPI: one HTTP request carries a batch of commands. SSH: every line waits for its
    # prompt, so each command is a round trip (sessions are counted apart).
    trips = requests if platform == "arista_eos" else commands
    return {"round_trips": trips, "sessions": requests, "commands": commands, "reads": reads,
            "writes": len(touched), "config_lines": commands - overhead,
            "by_word": dict(words)}


def counters(control: Mapping[str, Any], sql: Mapping[str, Mapping[str, int]] | None = None
             ) -> dict[str, dict[str, Any]]:
    """Per platform: round trips, reads, writes... as the lab's servers counted them.

    `sql`: statements per database kind (`freeradius`, `asterisk`) from the SQLite
    engine's trace in the client (the lab's databases are files: no server to ask).
    """
    snap = _call(control, "/_lab/counters")
    out: dict[str, dict[str, Any]] = {}
    for platform in SWITCHES:
        if KIND[platform] in snap:
            out[platform] = _switch_totals(snap[KIND[platform]], platform)
    if "meraki" in snap:
        orgs = snap["meraki"]
        ops: Counter[str] = Counter()
        for o in orgs.values():
            ops.update(o["by_operation"])
        reads = sum(n for op, n in ops.items() if op.startswith("get"))
        out["meraki"] = {"round_trips": sum(o["requests"] for o in orgs.values()),
                         "rate_limited": sum(o["rate_limited"] for o in orgs.values()),
                         "reads": reads, "writes": sum(ops.values()) - reads,
                         "by_org": {k: o["requests"] for k, o in orgs.items()},
                         "by_word": dict(ops)}
    if "kea" in snap:
        words: Counter[str] = Counter()
        for s in snap["kea"].values():
            words.update(s["by_word"])
        out["kea"] = {"round_trips": sum(words.values()), "reads": words["config-get"],
                      "writes": words["config-set"], "by_word": dict(words)}
    for platform, counts in (sql or {}).items():
        out[platform] = {"round_trips": counts.get("statements", 0),
                         "reads": counts.get("selects", 0),
                         "writes": counts.get("statements", 0) - counts.get("selects", 0),
                         "by_word": dict(counts)}
    return out


def configs(control: Mapping[str, Any]) -> dict[str, str]:
    """Running-config of every lab switch, EOS and IOS: `kind/name` -> text."""
    state = _call(control, "/_lab/state")
    return {f"{kind}/{name}": text for kind, per in state.items() for name, text in per.items()}


def _blocks(text: str) -> dict[str, set[str]]:
    """EOS running-config -> {top-level line: its indented lines}."""
    out: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("!") or line.strip() == "end":
            continue
        if line[0] != " ":
            current = out.setdefault(line, set())
        elif current is not None:
            current.add(line.strip())
    return out


def minimum_lines(before: str, after: str) -> int:
    """The fewest CLI lines that turn `before` into `after`.

    Per changed block: its header, plus one line per setting that differs (a changed
    value is one line; a removed one is one `no` line). A removed block is one line.
    """
    b, a = _blocks(before), _blocks(after)
    total = 0
    for head, children in a.items():
        if head not in b:
            total += 1 + len(children)
            continue
        added, removed = children - b[head], b[head] - children
        if added or removed:
            total += 1 + max(len(added), len(removed))
    total += sum(1 for head in b if head not in a)
    return total


def minimum_for(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[int, int]:
    """(minimum config lines, devices that changed) over a whole lab."""
    lines = changed = 0
    for name, text in after.items():
        n = minimum_lines(before.get(name, ""), text)
        lines += n
        changed += 1 if n else 0
    return lines, changed
