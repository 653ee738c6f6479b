"""The benchmark's results as text and Markdown: steps, round trips per platform, floors.

    python benchmarks/run.py --markdown benchmarks/results/large.json
    python benchmarks/run.py --side-by-side small.json large.json xl.json
"""

from __future__ import annotations

from typing import Any

PLATFORM_NAMES = {"arista_eos": "EOS switches", "cisco_ios": "IOS switches",
                  "meraki": "Wi-Fi (Meraki Dashboard)", "freeradius": "RADIUS (SQL)",
                  "asterisk": "PBX (realtime SQL)", "kea": "DHCP (Kea)"}
ONE_OCCUPIER = "scoped plan (1 occ.)"


def table(result: dict[str, Any]) -> str:
    head = (f"{'step':<22} {'time s':>8} {'peak MiB':>9} {'targets':>8} {'changed':>8} "
            f"{'round trips':>12} {'min':>6} {'config lines':>13} {'min':>7}")
    rows = [head, "-" * len(head)]
    for s in result["steps"]:
        rows.append(f"{s['name']:<22} {s['seconds']:>8.2f} {s['peak_rss_mb']:>9.0f} "
                    f"{s['targets']:>8} {s['changed_targets']:>8} {s['round_trips']:>12} "
                    f"{s['min_round_trips']:>6} {s['config_lines']:>13} "
                    f"{s['min_config_lines']:>7}")
    rows.append("")
    rows += platform_lines(result)
    m = result["machine"]
    rows.append(f"\nmachine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}; load "
                f"average {m['load_average_1m']} before, {result['load_average_1m_after']} "
                f"after; peak memory {result['peak_rss_mb']:.0f} MiB")
    console = next((s for s in result["steps"] if s["name"] == "console build"), None)
    if console:
        x = console["extra"]
        rows.append(f"console: {x['pages']} pages in {console['seconds']:.1f} s (CPU "
                    f"{x.get('cpu_seconds', 0):.1f} s); estate page "
                    f"{x['estate_page_bytes'] / 1024:.0f} KiB, largest page {x['largest_page']} "
                    f"{x['largest_page_bytes'] / 1024:.0f} KiB, search index "
                    f"{x['search_index_bytes'] / 2**20:.1f} MiB")
    if "ansible_error" in result:
        rows.append(f"\nAnsible run failed: {result['ansible_error']}")
    if "ansible" in result:
        a = result["ansible"]
        rows.append("\nside by side with Ansible (arista.eos resource modules, state replaced, "
                    f"forks={a['forks']}):")
        for k in ("space move on every site", "no change"):
            r = a[k]
            rows.append(f"  {k:<26} reconciler {r['reconciler_s']:7.2f} s   ansible "
                        f"{r['ansible_s']:7.2f} s   ratio {r['ratio']:.1f}x   "
                        f"(ansible changed {r['ansible_changed']} hosts; round trips "
                        f"{r['reconciler_round_trips']} vs {r['ansible_round_trips']})")
    return "\n".join(rows)


def _load(s: dict[str, Any]) -> str:
    la = s.get("extra", {}).get("load_average_1m")
    return f"{la:.1f}" if la is not None else "-"


def _cpu(s: dict[str, Any]) -> str:
    cpu = s.get("extra", {}).get("cpu_seconds")
    return f"{cpu:.1f} s" if cpu is not None else "-"


def markdown(result: dict[str, Any]) -> str:
    """The results as Markdown tables (for the README)."""
    rows = ["| step | time | CPU | load (1 min) | peak memory | targets | changed | "
            "round trips (min) | config lines (min) |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in result["steps"]:
        rows.append(f"| {s['name']} | {s['seconds']:.1f} s | {_cpu(s)} | {_load(s)} | "
                    f"{s['peak_rss_mb']:.0f} MiB | {s['targets']} | {s['changed_targets']} | "
                    f"{s['round_trips']:,} ({s['min_round_trips']:,}) | "
                    f"{s['config_lines']:,} ({s['min_config_lines']:,}) |")
    rows += ["", platform_markdown(result)]
    if "ansible" in result:
        a = result["ansible"]
        rows += ["", "| same change, same switches | reconciler | Ansible (forks "
                 f"{a['forks']}) | ratio | round trips (reconciler / Ansible) |",
                 "|---|---:|---:|---:|---:|"]
        for k in ("space move on every site", "no change"):
            r = a[k]
            rows.append(f"| {k} | {r['reconciler_s']:.1f} s | {r['ansible_s']:.1f} s | "
                        f"{r['ratio']:.0f}x | {r['reconciler_round_trips']} / "
                        f"{r['ansible_round_trips']} |")
    return "\n".join(rows)




def platform_lines(result: dict[str, Any]) -> list[str]:
    """Per step and platform: round trips against the minimum; the Dashboard's floor."""
    rows = []
    for s in result["steps"]:
        for plat, p in sorted(s.get("by_platform", {}).items()):
            floor = f"  floor {p['floor_s']:.1f} s at 10 req/s/org" if p.get("floor_s") else ""
            rows.append(f"{s['name']:<22} {plat:<11} targets {p['targets']:>5} changed "
                        f"{p['changed']:>5}  round trips {p['round_trips']:>7,} (min "
                        f"{p['min_round_trips']:,}){floor}")
    return rows


def platform_markdown(result: dict[str, Any]) -> str:
    """Round trips per platform and step, each against its minimum (and the floor)."""
    steps = [s for s in result["steps"] if s.get("by_platform")]
    plats = sorted({p for s in steps for p in s["by_platform"]})
    head = "| round trips (minimum) | " + " | ".join(s["name"] for s in steps) + " |"
    rows = [head, "|---|" + "---:|" * len(steps)]
    for plat in plats:
        cells = []
        for s in steps:
            p = s["by_platform"].get(plat)
            if p is None:
                cells.append("-")
                continue
            cell = f"{p['round_trips']:,} ({p['min_round_trips']:,})"
            if p.get("floor_s"):
                cell += f", floor {p['floor_s']:.1f} s"
            cells.append(cell)
        rows.append(f"| {PLATFORM_NAMES.get(plat, plat)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def side_by_side(results: list[dict[str, Any]]) -> str:
    """Each step's time and memory at each size (one-occupier plan first)."""
    names: list[str] = []
    for r in results:
        for s in r["steps"]:
            if s["name"] not in names:
                names.append(s["name"])
    names.sort(key=lambda n: n != ONE_OCCUPIER)
    sizes = [f"{r['size']} ({r['sizes']['sites']:,} sites, {r['sizes']['occupiers']:,} "
             f"occupiers)" for r in results]
    rows = ["| step | " + " | ".join(sizes) + " |", "|---|" + "---:|" * len(results)]
    for n in names:
        cells = []
        for r in results:
            s = next((x for x in r["steps"] if x["name"] == n), None)
            cells.append("not run" if s is None else
                         f"{s['seconds']:.1f} s ({_cpu(s)} CPU, load {_load(s)}), "
                         f"{s['peak_rss_mb']:.0f} MiB")
        rows.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
