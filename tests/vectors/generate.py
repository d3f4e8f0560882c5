#!/usr/bin/env python3
"""Writes hmac_sha256.json: conformance vectors for the `t=…,v1=…` scheme.

The expected headers are computed here with Python's standard `hmac` and
`hashlib`, independently of the crate, which must reproduce them exactly
(tests/conformance.rs). Rerun from the repository root with

    python3 tests/vectors/generate.py

and commit the output; the run is deterministic.
"""

import hashlib
import hmac
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"

SECRETS = {
    "whsec": "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f",
    "hex64": "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
    "custom": "my-own-secret-that-is-at-least-32-characters",
    "unicode": "clé-secrète-ünïcødé-🔑-of-enough-length",
    # Longer than SHA-256's 64-byte block: HMAC hashes such keys first.
    "long": "whsec_" + "0123456789abcdef" * 8,
}


def v1(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def vector(name, secrets, timestamp, body):
    header = f"t={timestamp}" + "".join(
        f",v1={v1(SECRETS[s], timestamp, body)}" for s in secrets
    )
    entry = {"name": name, "secrets": [SECRETS[s] for s in secrets], "timestamp": timestamp}
    try:
        entry["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        entry["body_hex"] = body.hex()
    entry["header"] = header
    return entry


def main():
    vectors = [
        vector("empty body", ["whsec"], 1790000000, b""),
        vector("empty object", ["whsec"], 1790000000, b"{}"),
        vector("64-hex exchange secret", ["hex64"], 1790000000, b'{"id":"evt_1"}'),
        vector("custom secret", ["custom"], 1790000123, b'{"id":"evt_2"}'),
        vector("unicode secret bytes as issued", ["unicode"], 1790000000, b'{"id":"evt_3"}'),
        vector("secret longer than a block", ["long"], 1790000000, b'{"id":"evt_4"}'),
        vector("timestamp zero", ["whsec"], 0, b'{"id":"evt_5"}'),
        vector("largest timestamp", ["whsec"], 9223372036854775807, b'{"id":"evt_6"}'),
        vector("unicode body", ["whsec"], 1790000000, '{"commentary":"naïve café — 👍"}'.encode()),
        vector("body with newlines and spaces", ["whsec"], 1790000000, b'{\n  "id": "evt_7"\n}\n'),
        vector("binary body", ["whsec"], 1790000000, bytes(range(256))),
        vector("body of one block", ["whsec"], 1790000000, b"x" * 64),
        vector("body of 4 KiB", ["whsec"], 1790000000, bytes(i % 251 for i in range(4096))),
        vector("rotation: two signatures", ["whsec", "hex64"], 1790000000, b'{"id":"evt_8"}'),
    ]
    for path in sorted(FIXTURES.rglob("*.json")):
        rel = path.relative_to(FIXTURES).as_posix()
        vectors.append(vector(f"fixture {rel}", ["whsec"], 1790000000, path.read_bytes()))
    out = HERE / "hmac_sha256.json"
    out.write_text(json.dumps(vectors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {out}")


if __name__ == "__main__":
    main()
