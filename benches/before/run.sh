#!/usr/bin/env bash
# Extracts the crate at REV (default: main) into benches/before/old as the
# package `signed-webhooks-old`, then runs the paired before/after
# comparison (ROUNDS, BATCH_US, SIZES as for `cargo bench --bench paired`).
#
#   benches/before/run.sh [rev]
#   BENCH=hex benches/before/run.sh 5bc1869       # hex decoding before/after (issue 17)
#   BENCH=twilio benches/before/run.sh main       # Twilio's verification before/after
#   PREPARE_ONLY=1 benches/before/run.sh [rev]    # extract only (for callgrind.sh)
set -euo pipefail
cd "$(dirname "$0")"
rev="${1:-main}"
rm -rf old && mkdir old
git -C ../.. archive "$rev" Cargo.toml src README.md | tar -x -C old
git -C ../.. rev-parse --short "$rev" > old/REVISION
# Another name, so that both versions can be linked into one binary.
sed -i 's/^name = "signed-webhooks"$/name = "signed-webhooks-old"/' old/Cargo.toml
# Only the library is wanted: drop its examples, benches and dev-dependencies.
python3 - old/Cargo.toml <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
sections = re.split(r'(?m)^(?=\[)', text)
keep = [s for s in sections
        if not re.match(r'\[\[(example|bench|test)\]\]|\[dev-dependencies\]', s)]
open(path, "w").write("".join(keep))
PY
echo "before: $rev ($(cat old/REVISION)); after: working tree of $(git -C ../.. rev-parse --short HEAD)"
[ "${PREPARE_ONLY:-0}" = 1 ] && exit 0
bench="${BENCH:-before_after}"
features=()
# Twilio needs `sha1` on both sides (feature `twilio` of benches/before).
[ "$bench" = twilio ] && features=(--features twilio)
cargo bench --bench "$bench" "${features[@]}"
