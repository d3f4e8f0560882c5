#!/usr/bin/env bash
# Two bench servers side by side, at the same time: both pinned to CPU 0,
# each under its own wrk (both on CPU 1), so every disturbance of the
# shared machine hits both alike. CPU 0's scheduler shares it between the
# two, so the ratio of their req/s is the inverse ratio of what a request
# costs each of them (its user and kernel time): a paired comparison.
#
# Usage: benches/load/corun.sh A B [seconds per run (5)] [rounds (10)] [connections each (32)]
# where A and B are modes of this build's bench_server (plain, hmac, body,
# decode, event) or label=/path/to/bench_server:mode for another build's.
# Prints B's req/s over A's, per round and the median.
set -euo pipefail
cd "$(dirname "$0")"
a="$1"; b="$2"; seconds="${3:-5}"; rounds="${4:-10}"; connections="${5:-32}"
cargo build --release --quiet --bin bench_server
server=target/release/bench_server
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null || true' EXIT
cat > "$work/post.lua" <<'LUA'
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Unleeshed-Signature"] = os.getenv("SIGNATURE")
LUA
export BODY_FILE="$PWD/../../tests/fixtures/unleeshed/creator.approved.json"
split() { # spec -> "binary mode"
    if [[ $1 == *=*:* ]]; then local bin="${1#*=}"; echo "${bin%:*} ${1##*:}"; else echo "$server $1"; fi
}
label() { echo "${1%%=*}"; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ratios=()
for round in $(seq "$rounds"); do
    read -r bin_a mode_a <<< "$(split "$a")"
    read -r bin_b mode_b <<< "$(split "$b")"
    taskset -c 0 "$bin_a" "$mode_a" 127.0.0.1:3601 > "$work/a.out" &
    pa=$!
    taskset -c 0 "$bin_b" "$mode_b" 127.0.0.1:3602 > "$work/b.out" &
    pb=$!
    for _ in $(seq 100); do grep -q listening "$work/a.out" && grep -q listening "$work/b.out" && break; sleep 0.05; done
    export SIGNATURE; SIGNATURE=$("$server" sign)
    taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" -s "$work/post.lua" http://127.0.0.1:3601/webhooks/unleeshed > "$work/wa.out" &
    wa=$!
    taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" -s "$work/post.lua" http://127.0.0.1:3602/webhooks/unleeshed > "$work/wb.out"
    wait "$wa"
    kill "$pa" "$pb"; wait "$pa" "$pb" 2>/dev/null || true
    if grep -q "Non-2xx" "$work/wa.out" "$work/wb.out"; then echo "non-2xx answers" >&2; exit 1; fi
    ra=$(awk '/^Requests\/sec/ {print $2}' "$work/wa.out")
    rb=$(awk '/^Requests\/sec/ {print $2}' "$work/wb.out")
    r=$(echo "$rb / $ra" | bc -l)
    ratios+=("$r")
    printf 'round %s: %s %.0f req/s, %s %.0f req/s, ratio %.3f\n' "$round" "$(label "$a")" "$ra" "$(label "$b")" "$rb" "$r"
done
printf '%s\n' "${ratios[@]}" | sort -g | awk -v a="$(label "$a")" -v b="$(label "$b")" '{x[NR]=$1} END {
    m = (NR % 2) ? x[(NR+1)/2] : (x[NR/2] + x[NR/2+1]) / 2
    printf "%s / %s, req/s side by side: median %.3f (range %.3f–%.3f, %d rounds)\n", b, a, m, x[1], x[NR], NR }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- ../../src || echo ' + uncommitted src changes')"
