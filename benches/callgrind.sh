#!/usr/bin/env bash
# Instructions executed per call, counted by callgrind (stable where times
# are not).
#
#   benches/callgrind.sh [case ...]
#
# Environment: PROVIDERS="unleeshed github commet leadlex standard-webhooks",
# SIZES="256 1024", CALLS=1000. A case a provider does not have (`parse`,
# `pairs`, `rotation_3x3`, `from_slice` are `t=…,v1=…` only; `refuse_stale`
# needs a signed time; `skim_body` is for the body-time providers) is
# skipped. `BEFORE_AFTER=1` counts the 0.1 and 0.2 verifiers instead, from
# benches/before (see its run.sh).
# ANNOTATE=1 keeps callgrind's per-function profile of each case in
# target/callgrind/.
set -euo pipefail
cd "$(dirname "$0")/.."

cases=("$@")
sizes=(${SIZES:-256 1024})
calls=${CALLS:-1000}

if [ "${BEFORE_AFTER:-0}" = 1 ]; then
  manifest=benches/before/Cargo.toml
  target=before_after
  providers=(unleeshed)
  [ ${#cases[@]} -eq 0 ] && cases=(hmac_prekeyed verify_before verify_after parse_before parse_after stale_before stale_after)
else
  manifest=Cargo.toml
  target=instructions
  providers=(${PROVIDERS:-unleeshed github commet leadlex standard-webhooks})
  [ ${#cases[@]} -eq 0 ] && cases=(hmac_prekeyed verify refuse_wrong_signature refuse_stale skim_body decode verify_event parse pairs rotation_3x3)
fi

bin=$(cargo bench --manifest-path "$manifest" --bench "$target" --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$target")
out=$(mktemp -d)
keep=target/callgrind
[ "${ANNOTATE:-0}" = 1 ] && mkdir -p "$keep"

applies() { # provider case
  case "$2" in
    parse|pairs|rotation_3x3|from_slice) [ "$1" = unleeshed ] ;;
    refuse_stale) [ "$1" != github ] ;;
    skim_body) [ "$1" = commet ] || [ "$1" = leadlex ] ;;
    *) true ;;
  esac
}

printf '%-18s %-24s %8s %14s\n' provider case size 'Ir per call'
for size in "${sizes[@]}"; do
  for provider in "${providers[@]}"; do
    for case in "${cases[@]}"; do
      applies "$provider" "$case" || continue
      valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
        --toggle-collect="$target::case_$case*" "$bin" "$provider" "$case" "$size" "$calls" >/dev/null 2>&1
      total=$(callgrind_annotate "$out/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
      [ "${ANNOTATE:-0}" = 1 ] && cp "$out/cg" "$keep/$provider.$case.$size.out"
      printf '%-18s %-24s %8s %14.1f\n' "$provider" "$case" "$size" "$(echo "$total / $calls" | bc -l)"
    done
  done
done
rm -rf "$out"
