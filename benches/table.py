#!/usr/bin/env python3
"""Prints criterion's medians from the last run as one markdown table per
kind of work: a row per bench, a column per body size, each cell the median
time per call and the throughput.

Usage: python3 benches/table.py [criterion dir]
  crate benches: target/criterion (default)
  peer benches:  benches/peers/target/criterion

Criterion measures one bench after another, so on a shared machine ratios
between its rows mix in the load of different moments: take ratios from
the paired benches (benches/paired.rs, the peers' paired part).
"""
import json
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
SIZES = ["256B", "1KiB", "16KiB", "1MiB"]


def fmt_time(ns):
    for unit, div in (("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_rate(bytes_, ns):
    per_s = bytes_ / (ns / 1e9)
    for unit, div in (("GiB/s", 2**30), ("MiB/s", 2**20)):
        if per_s >= div:
            return f"{per_s / div:.3g} {unit}"
    return f"{per_s / 2**10:.3g} KiB/s"


tables = {}  # kind -> {function -> {size -> cell}}
for bench in sorted(root.glob("*/*/new/benchmark.json")):
    meta = json.loads(bench.read_text())
    est = json.loads((bench.parent / "estimates.json").read_text())
    ns = est["median"]["point_estimate"]
    group, function = meta["group_id"], meta["function_id"]
    match = re.fullmatch(r"(?:(.+)-)?(256B|1KiB|16KiB|1MiB)", group)
    kind, size = (match.group(1) or "", match.group(2)) if match else (group, "")
    tp = (meta.get("throughput") or {}).get("Bytes")
    cell = fmt_time(ns) + (f" ({fmt_rate(tp, ns)})" if tp and size else "")
    tables.setdefault(kind, {}).setdefault(function, {})[size] = cell

for kind, rows in tables.items():
    sizes = [s for s in SIZES if any(s in r for r in rows.values())] or [""]
    print(f"\n#### {kind or 'by body size'}\n")
    print("| bench | " + " | ".join(s or "median" for s in sizes) + " |")
    print("| --- |" + " ---: |" * len(sizes))
    for function, cells in rows.items():
        print(f"| {function} | " + " | ".join(cells.get(s, "") for s in sizes) + " |")
