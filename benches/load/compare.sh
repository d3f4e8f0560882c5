#!/usr/bin/env bash
# Receiver load comparison: the same axum server with different handlers,
# under the same wrk load on loopback.
#
#   plain   buffers the body and answers 200 (the baseline)
#   hmac    (a control, only when named in MODES) plain plus the `hmac`
#           crate's pre-keyed HMAC of the body: the cryptography alone
#   body    the crate's WebhookBody<Unleeshed> extractor: verification
#   decode  buffers the body and decodes it into UnleeshedEvent, unverified
#   event   the crate's Webhook<Unleeshed> extractor (UnleeshedEvent):
#           verification and decoding (compare with decode)
#
# The server runs on one Tokio worker pinned to CPU 0, wrk on CPU 1. The
# modes are interleaved over several rounds so drift on a shared machine
# hits them alike; medians and ratios are printed as a markdown table.
#
# Usage: benches/load/compare.sh [seconds per run (10)] [rounds (3)] [connections (64)]
# MODES="plain body decode event" by default; `plain` and `decode` must be
# among them (the baselines). A mode written `label=/path/to/bench_server:mode`
# runs another build's server (an A/B of two revisions), shown as `label`.
# The load average seen is printed at the end.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-10}"
rounds="${2:-3}"
connections="${3:-64}"
read -r -a modes <<< "${MODES:-plain body decode event}"

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    apt-get install -y -qq wrk >/dev/null
fi
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

run() { # mode port; a mode `label=binary:mode` runs another build's server
    local bin="$server" mode="$1"
    if [[ $1 == *=*:* ]]; then
        bin="${1#*=}"; bin="${bin%:*}"; mode="${1##*:}"
    fi
    taskset -c 0 "$bin" "$mode" "127.0.0.1:$2" > "$work/server.out" &
    local pid=$!
    for _ in $(seq 100); do grep -q listening "$work/server.out" && break; sleep 0.05; done
    SIGNATURE=$("$server" sign) taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" --latency \
        -s "$work/post.lua" "http://127.0.0.1:$2/webhooks/unleeshed" > "$work/wrk.out"
    # The server's CPU time (user + system, clock ticks) over its whole run.
    local ticks
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if grep -q "Non-2xx" "$work/wrk.out"; then
        echo "$1: non-2xx answers:" >&2; cat "$work/wrk.out" >&2; exit 1
    fi
    local rps p50 p99 requests cpu
    rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
    requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
    cpu=$(echo "$ticks * 1000000 / $(getconf CLK_TCK) / $requests" | bc -l)
    p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
    echo "$round ${1%%=*} $rps $p50 $p99 $cpu" >> "$work/results"
    printf 'round %s: %s %s req/s, p50 %s, p99 %s, server CPU %.2f µs/request\n' "$round" "${1%%=*}" "$rps" "$p50" "$p99" "$cpu" >&2
}

port=3100
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$rounds"); do
    for mode in "${modes[@]}"; do
        port=$((port + 1))
        run "$mode" "$port"
    done
done

# Latencies come as e.g. 1.23ms or 850.00us: normalize to microseconds.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
range() { sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f–%.2f", lo, hi}'; }
to_us() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else if (v ~ /s$/) {sub(/s/,"",v); print v*1000000}}'; }
# Ratios are taken within each round (the modes of a round ran back to
# back), then the median over rounds: drift between rounds cancels out.
ratios() { # mode baseline
    awk -v m="$1" -v b="$2" '{v[$1 " " $2] = $3; r[$1] = 1} END {
        for (i in r) if ((i " " m) in v && (i " " b) in v) print v[i " " m] / v[i " " b]
    }' "$work/results"
}

echo
echo "wrk -t1 -c$connections -d${seconds}s, $rounds interleaved rounds; server on CPU 0 (one Tokio worker), wrk on CPU 1."
echo "req/s, latencies and the server's CPU time (user + system) per request: medians over rounds; ratios: median of the per-round ratios (range in parentheses)."
echo
echo "| handler | req/s | vs plain | vs decode | p50 | p99 | server CPU per request |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for mode in "${modes[@]}"; do
    mode="${mode%%=*}"
    rps=$(awk -v m="$mode" '$2==m {print $3}' "$work/results" | median)
    p50=$(awk -v m="$mode" '$2==m {print $4}' "$work/results" | to_us | median)
    p99=$(awk -v m="$mode" '$2==m {print $5}' "$work/results" | to_us | median)
    cpu=$(awk -v m="$mode" '$2==m {print $6}' "$work/results" | median)
    vs_plain="$(ratios "$mode" plain | median | xargs printf '%.3f')× ($(ratios "$mode" plain | range))"
    vs_decode="–"
    if [[ $mode == event || $mode == decode ]]; then
        vs_decode="$(ratios "$mode" decode | median | xargs printf '%.3f')× ($(ratios "$mode" decode | range))"
    fi
    printf '| %s | %.0f | %s | %s | %.0f µs | %.0f µs | %.2f µs |\n' "$mode" "$rps" "$vs_plain" "$vs_decode" "$p50" "$p99" "$cpu"
done
echo
echo "load average (1, 5, 15 min): before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- ../../src || echo ' + uncommitted src changes')"
