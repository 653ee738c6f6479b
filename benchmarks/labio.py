"""Talk to a running lab from the benchmark: counters, device configs, the minimum.

Counts come from the emulators' own counters (`/_lab/counters`), so they are what
the switches received, whatever the client believes it sent.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

# Commands that are not configuration lines: reads, session plumbing, saving.
OVERHEAD_WORDS = ("enable", "show", "configure", "commit", "copy", "abort", "end", "write")


def _call(ep: Mapping[str, Any], path: str, method: str = "GET") -> Any:
    url = f"http://{ep['host']}:{ep['port']}{path}"
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - lab on loopback
        return json.loads(resp.read())


def _each(eps: Mapping[str, Mapping[str, Any]], path: str, method: str = "GET") -> dict[str, Any]:
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = pool.map(lambda item: (item[0], _call(item[1], path, method)), eps.items())
        return dict(results)


def reset_counters(eps: Mapping[str, Mapping[str, Any]]) -> None:
    _each(eps, "/_lab/counters/reset", "POST")


def counters(eps: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Totals over all devices, plus per-device reads and writes."""
    snaps = _each(eps, "/_lab/counters")
    words: Counter[str] = Counter()
    prefixes: Counter[str] = Counter()
    requests = commands = 0
    touched = []
    for name, s in snaps.items():
        requests += s["requests"]
        commands += s["commands"]
        words.update(s["by_word"])
        prefixes.update(s["by_prefix"])
        if s["by_prefix"].get("configure session"):
            touched.append(name)
    overhead = sum(words[w] for w in OVERHEAD_WORDS)
    return {"round_trips": requests, "commands": commands,
            "reads": prefixes["show running-config"], "writes": len(touched),
            "config_lines": commands - overhead, "by_word": dict(words)}


def configs(eps: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    return {name: st["running_config"] for name, st in _each(eps, "/_lab/state").items()}


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
