#!/usr/bin/env python3
"""Where a mode's extra instructions per request go, function by function,
from the profiles `profile.sh` leaves in target/profile/: each function's
instructions per request in mode B minus those in mode A, per request
meaning (N2 run - N1 run) / (N2 - N1), as profile.sh counts.

Usage: python3 benches/load/profile_diff.py A B [--inclusive] [--top 40]
Environment: N1, N2 as given to profile.sh (500, 2500).
"""
import argparse
import os
import re
import subprocess
from collections import defaultdict

here = os.path.dirname(os.path.abspath(__file__))
n1, n2 = int(os.environ.get("N1", 500)), int(os.environ.get("N2", 2500))
line = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+(?:\S*?:)?([^:\s][^\[]*?)(?: \[[^\]]*\])?$")


def costs(path, inclusive):
    args = [
        "callgrind_annotate",
        "--threshold=100",
        "--auto=no",
        f"--inclusive={'yes' if inclusive else 'no'}",
        path,
    ]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    table = defaultdict(int)
    body = out.split("file:function", 1)[1].split("\n", 2)[2]
    for row in body.splitlines():
        if not row.strip():
            break
        m = line.match(row)
        if m:
            table[m.group(2)] += int(m.group(1).replace(",", ""))
    return table


def per_request(mode, inclusive):
    big = costs(f"{here}/target/profile/{mode}.out", inclusive)
    small = costs(f"{here}/target/profile/{mode}.n1.out", inclusive)
    return {f: (big[f] - small.get(f, 0)) / (n2 - n1) for f in big}


p = argparse.ArgumentParser()
p.add_argument("a")
p.add_argument("b")
p.add_argument("--inclusive", action="store_true")
p.add_argument("--top", type=int, default=40)
args = p.parse_args()
a, b = per_request(args.a, args.inclusive), per_request(args.b, args.inclusive)
diff = {f: b.get(f, 0) - a.get(f, 0) for f in set(a) | set(b)}
print(f"instructions per request, {args.b} minus {args.a} ({'inclusive' if args.inclusive else 'self'})")
for f, d in sorted(diff.items(), key=lambda kv: -abs(kv[1]))[: args.top]:
    print(f"{d:+10.0f}  {b.get(f, 0):9.0f}  {f[:150]}")
