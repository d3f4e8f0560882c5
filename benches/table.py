#!/usr/bin/env python3
"""Prints medians (and throughput) from criterion's last run, with ratios.

Usage: python3 benches/table.py [criterion dir] [--baseline NAME]
       (default dir: target/criterion; benches/peers/target/criterion for the peers)
Ratios are against `hmac_prekeyed` (crate benches) or against this crate's
own entry of the same kind (peer benches), in the same group (size).
"""
import json
import sys
from pathlib import Path

args = [a for a in sys.argv[1:] if not a.startswith("--")]
root = Path(args[0]) if args else Path("target/criterion")

SIZE_ORDER = {"256B": 0, "1KiB": 1, "16KiB": 2, "1MiB": 3}


def fmt_time(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_rate(bytes_, ns):
    if not bytes_:
        return ""
    per_s = bytes_ / (ns / 1e9)
    for unit, div in (("GiB/s", 2**30), ("MiB/s", 2**20), ("KiB/s", 2**10)):
        if per_s >= div:
            return f"{per_s / div:.3g} {unit}"
    return f"{per_s:.3g} B/s"


rows = {}
for bench in sorted(root.glob("*/*/new/benchmark.json")):
    meta = json.loads(bench.read_text())
    est = json.loads((bench.parent / "estimates.json").read_text())
    group, function = meta["group_id"], meta["function_id"]
    tp = (meta.get("throughput") or {}).get("Bytes")
    rows.setdefault(group, {})[function] = (est["median"]["point_estimate"], tp)

# The reference each entry is compared with, by prefix of its name.
def reference(group, function):
    g = rows[group]
    if "hmac_prekeyed" in g:
        return "hmac_prekeyed"
    kind = function.split("/")[0]
    for name in g:
        if name.startswith("signed_webhooks") and name.split("/")[0] == kind:
            return name
    return None


for group in sorted(rows, key=lambda g: (SIZE_ORDER.get(g, 9), g)):
    print(f"\n### {group}\n")
    print("| bench | median | throughput | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for function, (ns, tp) in rows[group].items():
        ref = reference(group, function)
        ratio = f"{ns / rows[group][ref][0]:.2f}× {ref}" if ref and ref != function else ""
        print(f"| {function} | {fmt_time(ns)} | {fmt_rate(tp, ns)} | {ratio} |")
