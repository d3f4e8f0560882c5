#!/usr/bin/env bash
# Instructions executed per call, counted by callgrind (stable where times
# are not). Usage: benches/callgrind.sh [case ...]; sizes via SIZES="256 1024".
set -euo pipefail
cd "$(dirname "$0")/.."

cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(hmac_prekeyed parse verify verify_rotation_3x3 refuse_wrong_signature refuse_stale verify_event from_slice)
sizes=(${SIZES:-256 1024})
calls=${CALLS:-1000}

bin=$(cargo bench --bench instructions --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "instructions" and m.get("executable"):
        print(m["executable"])')
out=$(mktemp -d)
printf '%-24s %8s %14s\n' case size 'Ir per call'
for size in "${sizes[@]}"; do
  for case in "${cases[@]}"; do
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
      --toggle-collect="instructions::case_$case" "$bin" "$case" "$size" "$calls" >/dev/null 2>&1
    total=$(callgrind_annotate "$out/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    printf '%-24s %8s %14.1f\n' "$case" "$size" "$(echo "$total / $calls" | bc -l)"
  done
done
rm -rf "$out"
