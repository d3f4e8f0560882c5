#!/usr/bin/env python3
"""Writes stripe.json, standard_webhooks.json, commet.json and leadlex.json:
conformance vectors made by the providers' own Python libraries.

Every signature in them comes from the provider's library (stripe,
standardwebhooks, commet-sdk), never from code of ours; LeadLex has no library,
so its vectors follow its documented recipe with Python's `hmac`, and the file
says so. Every vector is then verified by the same libraries (svix too), with
their clocks pinned to the vector's `now`, and the run stops if a library's
verdict differs from the vector's `valid`. What each library said is recorded
in the vector's `library` map. tests/vectors/node/generate.mjs then adds the
Node libraries' verdicts and writes github.json (octokit): run both, from the
repository root:

    python3 -m venv /tmp/vectors-venv
    /tmp/vectors-venv/bin/pip install -r tests/vectors/requirements.txt
    npm ci --prefix tests/vectors/node
    /tmp/vectors-venv/bin/python tests/vectors/generate_providers.py
    node tests/vectors/node/generate.mjs

The output is deterministic (fixed secrets, bodies, ids and clocks) and is
committed. The format is described in tests/vectors/PROVIDERS.md.

Two kinds of vector:
- "conformance": what the provider sends, or a forgery or mistake that must
  be refused. Every library that reads the vector's headers agrees with
  `valid`, and a receiver must too.
- "library-edge": input the provider never sends, on which the libraries
  differ from one another or from a careful reading of the scheme. There is
  no `valid`: the `library` map records what each one did, and a receiver
  may choose, knowingly.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import sys
from datetime import datetime, timezone

import provider_libs as libs

if libs.IMPORT_ERROR is not None:
    sys.exit(f"missing provider library ({libs.IMPORT_ERROR}); see the install commands at the top of this file")

from commet.resources.webhooks import sign_payload as commet_sign  # noqa: E402
from standardwebhooks.webhooks import Webhook as StandardWebhook  # noqa: E402
import stripe  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
GENERATED_BY = "tests/vectors/generate_providers.py, then tests/vectors/node/generate.mjs"

# The receiver's clock for most vectors, and the signing time a second before it.
NOW = 1790000000
T = NOW - 1


def det_bytes(label, n):
    """n deterministic bytes named by a label."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def long_body(label, size=64 * 1024):
    """A JSON body of `size` bytes, deterministic, mostly ASCII with some UTF-8."""
    head = '{"id":"' + label + '","data":"'
    tail = '"}'
    unit = "lorem ipsum dolor sit amet — ünïcødé 🔑 "
    text = ""
    while len((head + text + unit + tail).encode()) <= size:
        text += unit
    pad = size - len((head + text + tail).encode())
    return (head + text + "x" * pad + tail).encode()


def body_fields(body):
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode()}


def vector(name, kind, secrets, body, headers, now, valid=None, reason=None, **extra):
    entry = {"name": name, "kind": kind, "secrets": list(secrets)}
    entry.update(body_fields(body))
    entry["headers"] = headers
    entry.update(extra)
    entry["now"] = now
    if kind == "conformance":
        assert valid is not None, name
        entry["valid"] = valid
    else:
        assert valid is None, name
    if reason:
        entry["reason"] = reason
    return entry


def body_of(entry):
    if "body" in entry:
        return entry["body"].encode("utf-8")
    return base64.b64decode(entry["body_base64"])


def check(vectors, verifiers):
    """Runs each applicable library on each vector and records what it said.

    `verifiers` maps a library label to (function, applies(vector)). For a
    conformance vector every applicable library must agree with `valid`.
    """
    failures = []
    for entry in vectors:
        verdicts = {}
        for label, (verify, applies) in verifiers.items():
            if not applies(entry):
                continue
            ok, message = verify(entry["secrets"], body_of(entry), entry["headers"], entry["now"])
            verdicts[label] = message
            if entry["kind"] == "conformance" and ok != entry["valid"]:
                failures.append(f"{entry['name']}: {label} says {message!r}, vector says valid={entry['valid']}")
        assert verdicts, f"{entry['name']}: no library applies"
        entry["library"] = verdicts
    if failures:
        sys.exit("library verdicts differ from the vectors:\n  " + "\n  ".join(failures))


def write(filename, meta, vectors):
    document = dict(meta)
    document["generated_by"] = GENERATED_BY
    document["vectors"] = vectors
    path = HERE / filename
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = {}
    for v in vectors:
        key = v["kind"] if v["kind"] != "conformance" else ("valid" if v["valid"] else "invalid")
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {path.relative_to(HERE.parent.parent)}: {len(vectors)} vectors {counts}")


# ---------------------------------------------------------------- Stripe

STRIPE_DASHBOARD = "whsec_Ua7pXq2LmN4rT8vW1yZ3bC5dE7fG9hJ0"
STRIPE_CLI = "whsec_" + det_bytes("stripe-cli", 32).hex()
STRIPE_OLD = "whsec_Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcV"
# Stripe's own SDK tests (stripe-python tests/test_webhook.py DUMMY_WEBHOOK_SECRET,
# stripe-node test/Webhook.spec.ts SECRET), and the "secret" both use elsewhere.
STRIPE_TEST_SECRET = "whsec_test_secret"
STRIPE_SHORT = "secret"
STRIPE_PY_DUMMY_PAYLOAD = """{
  "id": "evt_test_webhook",
  "object": "event",
  "data": { "object": { "id": "rdr_123", "object": "terminal.reader" } }
}"""


def stripe_event(event_id, event_type, obj, created=T):
    # Stripe sends its events pretty-printed, two spaces, no trailing newline.
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2025-09-30.clover",
            "created": created,
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": "req_8hT2kLmN0pQrSt", "idempotency_key": "b1e7c3a2-59d4-4f0e-9a6b-2c8d7e1f3a4b"},
            "type": event_type,
        },
        indent=2,
        ensure_ascii=False,
    ).encode("utf-8")


def stripe_sig(secret, t, body):
    """One v1 signature, from stripe-python's own signing code."""
    header = stripe.WebhookSignature.generate_signature_header(body.decode("utf-8"), secret, timestamp=t)
    prefix = f"t={t},v1="
    assert header.startswith(prefix), header
    return header[len(prefix):]


def stripe_vectors():
    pi = {"id": "pi_3SZk3eLkdIwHu7ix1aBcDeFg", "object": "payment_intent", "amount": 2000, "currency": "eur", "status": "succeeded"}
    body = stripe_event("evt_1SZk3fLkdIwHu7ix0fJ2aQ9c", "payment_intent.succeeded", pi)
    eid = "evt_1SZk3fLkdIwHu7ix0fJ2aQ9c"
    sig = stripe_sig(STRIPE_DASHBOARD, T, body)
    H = "Stripe-Signature"

    def h(value):
        return {H: value, "Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}

    def ok(name, secrets, body, header_value, now=NOW, t=T, event_id=eid, kind="conformance", reason=None):
        valid = True if kind == "conformance" else None
        return vector(name, kind, secrets, body, h(header_value), now, valid, reason, timestamp=t, event_id=event_id)

    def bad(name, secrets, body, headers_or_value, reason, now=NOW, t=T, event_id=eid):
        headers = headers_or_value if isinstance(headers_or_value, dict) else h(headers_or_value)
        return vector(name, "conformance", secrets, body, headers, now, False, reason, timestamp=t, event_id=event_id)

    v = []
    v.append(ok("dashboard secret, payment_intent.succeeded", [STRIPE_DASHBOARD], body, f"t={T},v1={sig}"))
    v.append(ok("CLI secret (whsec_ and 64 hex digits)", [STRIPE_CLI], body, f"t={T},v1={stripe_sig(STRIPE_CLI, T, body)}"))
    test_body = STRIPE_PY_DUMMY_PAYLOAD.encode()
    v.append(ok("Stripe's SDK test secret whsec_test_secret (17 bytes) and stripe-python's test payload",
                [STRIPE_TEST_SECRET], test_body, f"t={T},v1={stripe_sig(STRIPE_TEST_SECRET, T, test_body)}", event_id="evt_test_webhook"))
    v.append(ok("Stripe's SDK test secret `secret` (6 bytes)", [STRIPE_SHORT], test_body,
                f"t={T},v1={stripe_sig(STRIPE_SHORT, T, test_body)}", event_id="evt_test_webhook"))
    legacy = hmac.new(b"whsec_legacy_test_mode_key_00000000", f"{T}.".encode() + body, hashlib.sha256).hexdigest()
    v.append(ok("test mode: a v0 item after the v1", [STRIPE_DASHBOARD], body, f"t={T},v1={sig},v0={legacy}"))
    old_sig = stripe_sig(STRIPE_OLD, T, body)
    rotation = f"t={T},v1={sig},v1={old_sig}"
    v.append(ok("rotation: signed under the new and the old secret, receiver has the new one", [STRIPE_DASHBOARD], body, rotation))
    v.append(ok("rotation: signed under the new and the old secret, receiver has the old one", [STRIPE_OLD], body, rotation))
    v.append(ok("rotation: receiver holds both secrets, delivery signed under the old one only", [STRIPE_DASHBOARD, STRIPE_OLD], body, f"t={T},v1={old_sig}"))
    v.append(ok("a bad v1 (Stripe's own test: v1=bad_signature) before the good one", [STRIPE_DASHBOARD], body, f"t={T},v1=bad_signature,v1={sig}"))
    v.append(ok("unknown schemes (v2, v1a) mixed in", [STRIPE_DASHBOARD], body, f"t={T},v2={legacy},v1={sig},v1a=ZmFrZQ"))
    uni = stripe_event("evt_1SZk3gLkdIwHu7ixUnIc0de1", "customer.updated",
                       {"id": "cus_TnQ8", "object": "customer", "name": "Zoë Ångström-Łukasiewicz 山田", "description": "naïve café — 👍"})
    v.append(ok("non-ASCII body (UTF-8)", [STRIPE_DASHBOARD], uni, f"t={T},v1={stripe_sig(STRIPE_DASHBOARD, T, uni)}", event_id="evt_1SZk3gLkdIwHu7ixUnIc0de1"))
    big = long_body("evt_long_64k")
    v.append(ok("64 KiB body", [STRIPE_DASHBOARD], big, f"t={T},v1={stripe_sig(STRIPE_DASHBOARD, T, big)}", event_id="evt_long_64k"))
    crlf = b'{\r\n  "id": "evt_crlf",\r\n  "object": "event"\r\n}\r\n'
    v.append(ok("body with CRLF line ends and a trailing newline", [STRIPE_DASHBOARD], crlf, f"t={T},v1={stripe_sig(STRIPE_DASHBOARD, T, crlf)}", event_id="evt_crlf"))
    v.append(ok("timestamp exactly 300 s old: the edge of the default tolerance", [STRIPE_DASHBOARD], body, f"t={T},v1={sig}", now=T + 300))

    v.append(bad("wrong secret", ["whsec_NotTheEndpointSecret0000000000000"], body, f"t={T},v1={sig}", "signed under another secret"))
    tampered = body.replace(b'"amount": 2000', b'"amount": 9000')
    assert tampered != body
    v.append(bad("tampered body", [STRIPE_DASHBOARD], tampered, f"t={T},v1={sig}", "the amount was changed after signing"))
    v.append(bad("v1= empty", [STRIPE_DASHBOARD], body, f"t={T},v1=", "an empty signature must never match (truncated-signature attack)"))
    v.append(bad("v1 truncated to 32 hex digits", [STRIPE_DASHBOARD], body, f"t={T},v1={sig[:32]}", "a prefix of the right signature"))
    v.append(bad("v1 missing its last hex digit", [STRIPE_DASHBOARD], body, f"t={T},v1={sig[:63]}", "a prefix of the right signature"))
    good_v0 = stripe_sig(STRIPE_DASHBOARD, T, body)
    v.append(bad("only a v0 item, though it holds the right MAC", [STRIPE_DASHBOARD], body, f"t={T},v0={good_v0}", "only v1 is a signature scheme"))
    v.append(bad("no t item", [STRIPE_DASHBOARD], body, f"v1={sig}", "the timestamp is part of what is signed"))
    v.append(bad("t changed after signing", [STRIPE_DASHBOARD], body, f"t={T + 1},v1={sig}", "the signature covers the timestamp"))
    v.append(bad("timestamp 301 s old", [STRIPE_DASHBOARD], body, f"t={T},v1={sig}", "outside the 300 s tolerance", now=T + 301))
    body_only = hmac.new(STRIPE_DASHBOARD.encode(), body, hashlib.sha256).hexdigest()
    v.append(bad("MAC of the body alone (no timestamp)", [STRIPE_DASHBOARD], body, f"t={T},v1={body_only}", "the signed content is `{t}.{body}`"))
    key_b64 = base64.b64decode(STRIPE_DASHBOARD[len("whsec_"):])
    decoded = hmac.new(key_b64, f"{T}.".encode() + body, hashlib.sha256).hexdigest()
    v.append(bad("key base64-decoded from the secret (Standard Webhooks' rule)", [STRIPE_DASHBOARD], body, f"t={T},v1={decoded}",
                 "Stripe keys the HMAC with the secret string as issued, whsec_ included"))
    stripped = hmac.new(STRIPE_DASHBOARD[len("whsec_"):].encode(), f"{T}.".encode() + body, hashlib.sha256).hexdigest()
    v.append(bad("key without its whsec_ prefix", [STRIPE_DASHBOARD], body, f"t={T},v1={stripped}", "the prefix is part of the key"))
    v.append(bad("empty header value", [STRIPE_DASHBOARD], body, "", "no timestamp, no signature"))
    v.append(bad("header absent", [STRIPE_DASHBOARD], body, {"Content-Type": "application/json; charset=utf-8"}, "no Stripe-Signature header"))

    def edge(name, body, header_value, reason, now=NOW, t=T, event_id=eid, secrets=(STRIPE_DASHBOARD,)):
        return ok(name, list(secrets), body, header_value, now=now, t=t, event_id=event_id, kind="library-edge", reason=reason)

    v.append(edge("v1 in upper-case hex", body, f"t={T},v1={sig.upper()}", "Stripe sends lower-case hex; its libraries compare the strings"))
    v.append(edge("timestamp 3600 s in the future", body, f"t={T + 3600},v1={stripe_sig(STRIPE_DASHBOARD, T + 3600, body)}",
                  "Stripe's libraries bound only the age, never the future", t=T + 3600))
    v.append(edge("a space after each comma", body, f"t={T}, v1={sig}", "the libraries do not trim items: ' v1' is an unknown key"))
    v.append(edge("two t items, the second one signed", body, f"t={T + 7},t={T},v1={sig}",
                  "stripe-python reads the first t, stripe-node the last"))
    v.append(edge("empty body", b"", f"t={T},v1={stripe_sig(STRIPE_DASHBOARD, T, b'')}",
                  "Stripe never sends one; stripe-node refuses an empty string before any MAC but verifies an empty Buffer", event_id=None))
    v.append(edge("timestamp with a leading zero", body, f"t=0{T},v1={sig}",
                  "the libraries parse t as a number and sign its decimal form, so the MAC over `{T}.` matches"))
    return v


# ------------------------------------------------------ Standard Webhooks

def whsec(key):
    return "whsec_" + base64.b64encode(key).decode()


SW_KEY = det_bytes("sw-key-32", 32)
SW_SECRET = whsec(SW_KEY)
SW_OLD = whsec(det_bytes("sw-key-old", 32))
SW_24 = whsec(det_bytes("sw-key-24", 24))
SW_64 = whsec(det_bytes("sw-key-64", 64))
# Svix's published example (docs.svix.com, "Verifying Webhooks Manually").
SVIX_EXAMPLE = {
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "timestamp": 1614265330,
    "body": '{"test": 2432232314}',
    "signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
}


def sw_sign(secret, msg_id, t, body):
    """One `v1,<base64>` signature, from the standardwebhooks library."""
    return StandardWebhook(secret).sign(msg_id, datetime.fromtimestamp(t, tz=timezone.utc), body.decode("utf-8"))


def sw_headers(msg_id, t, signature, prefix="webhook"):
    return {
        f"{prefix}-id": msg_id,
        f"{prefix}-timestamp": str(t),
        f"{prefix}-signature": signature,
        "Content-Type": "application/json",
    }


def standard_webhooks_vectors():
    msg = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    body = json.dumps({"type": "invoice.paid", "timestamp": "2026-09-21T14:13:19.000Z",
                       "data": {"id": "inv_4f9a2c", "amount": 4200, "currency": "USD"}}, separators=(",", ":")).encode()
    sig = sw_sign(SW_SECRET, msg, T, body)
    old = sw_sign(SW_OLD, msg, T, body)

    def ok(name, secrets, body, headers, now=NOW, t=T, msg_id=msg, kind="conformance", reason=None):
        valid = True if kind == "conformance" else None
        return vector(name, kind, secrets, body, headers, now, valid, reason, timestamp=t, event_id=msg_id)

    def bad(name, secrets, body, headers, reason, now=NOW, t=T, msg_id=msg):
        return vector(name, "conformance", secrets, body, headers, now, False, reason, timestamp=t, event_id=msg_id)

    ex = SVIX_EXAMPLE
    ex_body = ex["body"].encode()
    published = sw_sign(ex["secret"], ex["id"], ex["timestamp"], ex_body)
    assert published == ex["signature"], f"the library no longer reproduces Svix's published example: {published}"

    v = []
    v.append(ok("invoice.paid, 32-byte key", [SW_SECRET], body, sw_headers(msg, T, sig)))
    v.append(ok("Svix's published example, svix-* headers", [ex["secret"]], ex_body,
                sw_headers(ex["id"], ex["timestamp"], ex["signature"], "svix"), now=ex["timestamp"], t=ex["timestamp"], msg_id=ex["id"]))
    v.append(ok("Svix's published example, webhook-* headers", [ex["secret"]], ex_body,
                sw_headers(ex["id"], ex["timestamp"], ex["signature"]), now=ex["timestamp"], t=ex["timestamp"], msg_id=ex["id"]))
    v.append(ok("secret given without its whsec_ prefix", [SW_SECRET[len("whsec_"):]], body, sw_headers(msg, T, sig)))
    v.append(ok("svix-* header aliases", [SW_SECRET], body, sw_headers(msg, T, sig, "svix")))
    for label, secret in (("24-byte key (the spec's minimum)", SW_24), ("64-byte key (the spec's maximum)", SW_64)):
        v.append(ok(label, [secret], body, sw_headers(msg, T, sw_sign(secret, msg, T, body))))
    both = f"{sig} {old}"
    v.append(ok("rotation: two v1 signatures, receiver has the new secret", [SW_SECRET], body, sw_headers(msg, T, both)))
    v.append(ok("rotation: two v1 signatures, receiver has the old secret", [SW_OLD], body, sw_headers(msg, T, both)))
    v.append(ok("rotation: receiver holds both secrets, delivery signed under the old one only", [SW_SECRET, SW_OLD], body, sw_headers(msg, T, old)))
    v1a = "v1a," + base64.b64encode(det_bytes("ed25519-sig", 64)).decode()
    v.append(ok("an asymmetric v1a signature before the v1", [SW_SECRET], body, sw_headers(msg, T, f"{v1a} {sig}")))
    v2 = "v2," + base64.b64encode(det_bytes("v2-sig", 32)).decode()
    v.append(ok("an unknown version v2 before the v1", [SW_SECRET], body, sw_headers(msg, T, f"{v2} {sig}")))
    uni = json.dumps({"type": "user.updated", "data": {"name": "Zoë Ångström 山田", "note": "naïve café — 👍"}}, ensure_ascii=False).encode()
    v.append(ok("non-ASCII body (UTF-8)", [SW_SECRET], uni, sw_headers(msg, T, sw_sign(SW_SECRET, msg, T, uni))))
    big = long_body("msg_long_64k")
    v.append(ok("64 KiB body", [SW_SECRET], big, sw_headers(msg, T, sw_sign(SW_SECRET, msg, T, big))))
    v.append(ok("timestamp exactly 300 s old", [SW_SECRET], body, sw_headers(msg, T, sig), now=T + 300))
    v.append(ok("timestamp exactly 300 s in the future", [SW_SECRET], body, sw_headers(msg, T, sig), now=T - 300))

    v.append(bad("v1, with an empty signature", [SW_SECRET], body, sw_headers(msg, T, "v1,"),
                 "an empty signature must never match (the truncated-signature advisory)"))
    v.append(bad("v1, empty, then a v1a", [SW_SECRET], body, sw_headers(msg, T, f"v1, {v1a}"), "no v1 signature matches"))
    b64 = sig.split(",", 1)[1]
    v.append(bad("base64 truncated to 40 characters", [SW_SECRET], body, sw_headers(msg, T, "v1," + b64[:40]), "a prefix of the right signature"))
    v.append(bad("base64 without its padding", [SW_SECRET], body, sw_headers(msg, T, "v1," + b64.rstrip("=")), "the signature is sent padded"))
    v.append(bad("wrong secret", [SW_OLD], body, sw_headers(msg, T, sig), "signed under another secret"))
    v.append(bad("tampered body", [SW_SECRET], body.replace(b"4200", b"9900"), sw_headers(msg, T, sig), "the amount was changed after signing"))
    v.append(bad("tampered webhook-id", [SW_SECRET], body, sw_headers(msg + "X", T, sig), "the id is signed", msg_id=msg + "X"))
    v.append(bad("tampered webhook-timestamp", [SW_SECRET], body, sw_headers(msg, T + 1, sig), "the timestamp is signed", t=T + 1))
    v.append(bad("timestamp 301 s old", [SW_SECRET], body, sw_headers(msg, T, sig), "outside the 5-minute tolerance", now=T + 301))
    v.append(bad("timestamp 301 s in the future", [SW_SECRET], body, sw_headers(msg, T, sig), "outside the 5-minute tolerance", now=T - 301))
    v.append(bad("only a v1a signature", [SW_SECRET], body, sw_headers(msg, T, v1a), "no symmetric signature"))
    v.append(bad("the right MAC labelled v2", [SW_SECRET], body, sw_headers(msg, T, "v2," + b64), "only v1 is HMAC-SHA256"))
    mac = hmac.new(SW_KEY, f"{msg}.{T}.".encode() + body, hashlib.sha256).digest()
    v.append(bad("the right MAC in hex", [SW_SECRET], body, sw_headers(msg, T, "v1," + mac.hex()), "the signature is base64"))
    as_issued = hmac.new(SW_SECRET.encode(), f"{msg}.{T}.".encode() + body, hashlib.sha256).digest()
    v.append(bad("key = the secret string as issued (Stripe's and Commet's rule)", [SW_SECRET], body,
                 sw_headers(msg, T, "v1," + base64.b64encode(as_issued).decode()), "the key is the base64-decoded secret"))
    body_only = hmac.new(SW_KEY, body, hashlib.sha256).digest()
    v.append(bad("MAC of the body alone", [SW_SECRET], body, sw_headers(msg, T, "v1," + base64.b64encode(body_only).decode()),
                 "the signed content is `{id}.{timestamp}.{body}`"))
    for missing in ("id", "timestamp", "signature"):
        headers = sw_headers(msg, T, sig)
        del headers[f"webhook-{missing}"]
        v.append(bad(f"webhook-{missing} absent", [SW_SECRET], body, headers, f"webhook-{missing} is required"))

    def edge(name, secrets, body, headers, reason, now=NOW, t=T, msg_id=msg):
        return ok(name, secrets, body, headers, now=now, t=t, msg_id=msg_id, kind="library-edge", reason=reason)

    v.append(edge("two spaces between signatures", [SW_SECRET], body, sw_headers(msg, T, f"{old}  {sig}"),
                  "the Python library raises on the empty item; the Node library skips it"))
    v.append(edge("a signature item with a third comma-separated part", [SW_SECRET], body, sw_headers(msg, T, f"{sig},extra"),
                  "the Python library raises; the Node library ignores the third part"))
    v.append(edge("fractional timestamp 1789999999.5", [SW_SECRET], body, sw_headers(msg, T, sig) | {"webhook-timestamp": f"{T}.5"},
                  "the libraries parse a number and sign its whole seconds, so the MAC over the integer matches"))
    v.append(edge("empty body", [SW_SECRET], b"", sw_headers(msg, T, sw_sign(SW_SECRET, msg, T, b"")),
                  "svix's Node library parses the body as JSON after verifying it, and throws on an empty one"))
    short = whsec(det_bytes("sw-key-16", 16))
    v.append(edge("16-byte key (below the spec's 24)", [short], body, sw_headers(msg, T, sw_sign(short, msg, T, body)),
                  "the libraries accept any non-empty key"))
    unpadded = whsec(det_bytes("sw-key-31", 31)).rstrip("=")
    v.append(edge("secret without its base64 padding", [unpadded], body, sw_headers(msg, T, sw_sign(unpadded, msg, T, body)),
                  "the Python library pads it; the Node library refuses the secret"))
    urlsafe = "whsec_" + base64.urlsafe_b64encode(det_bytes("sw-key-url", 33)).decode()
    assert "-" in urlsafe or "_" in urlsafe[6:], urlsafe
    v.append(edge("secret in the URL-safe base64 alphabet", [urlsafe], body, sw_headers(msg, T, sw_sign(urlsafe, msg, T, body)),
                  "the Python library silently drops '-' and '_' (a different key); the Node library refuses the secret"))
    return v


# ---------------------------------------------------------------- Commet

COMMET_SECRET = "whsec_c0mM3tTeStS1gN1nGs3cReTkEy0123"
COMMET_OTHER = "whsec_aNoTh3rC0mM3tS3cR3tK3y9876543210"


def commet_event(event_id, event, data, mode="live", timestamp="2026-09-21T14:13:19.000Z"):
    return json.dumps({"id": event_id, "event": event, "timestamp": timestamp,
                       "organizationId": "8f14e45f-ceea-4e7a-9c3d-1c2b3a4d5e6f", "mode": mode,
                       "apiVersion": "2026-08-27", "data": data}, separators=(",", ":"), ensure_ascii=False).encode()


def commet_headers(event, signature, event_id, timestamp="2026-09-21T14:13:19.000Z"):
    headers = {"Content-Type": "application/json", "X-Commet-Event": event, "X-Commet-Timestamp": timestamp,
               "X-Commet-Event-Id": event_id}
    if signature is not None:
        headers["X-Commet-Signature"] = signature
    return headers


def commet_vectors():
    eid = "whev_8AzNvGSAZJw0YBOUMTn9vM1V"
    data = {"subscriptionId": "sub_1a2b3c4d", "customerId": "user_123", "status": "active",
            "currentPeriodStart": "2026-09-21T00:00:00.000Z", "currentPeriodEnd": "2026-10-21T00:00:00.000Z",
            "name": "Pro", "invoiceId": "inv_9z8y7x", "invoiceNumber": "INV-0042", "invoiceTotal": 290000,
            "invoiceCurrency": "usd", "provider": "stripe"}
    body = commet_event(eid, "subscription.activated", data)
    sig = commet_sign(body.decode(), COMMET_SECRET)

    def ok(name, secrets, body, headers, event_id=eid, kind="conformance", reason=None):
        valid = True if kind == "conformance" else None
        return vector(name, kind, secrets, body, headers, NOW, valid, reason, event_id=event_id)

    def bad(name, secrets, body, headers, reason):
        return vector(name, "conformance", secrets, body, headers, NOW, False, reason, event_id=eid)

    v = []
    v.append(ok("subscription.activated", [COMMET_SECRET], body, commet_headers("subscription.activated", sig, eid)))
    e2 = "whev_3kLmN0pQrStUvWxYz1a2B3c4"
    sandbox = commet_event(e2, "payment.failed", {"invoiceId": "inv_1", "invoiceNumber": "INV-0043", "customerId": "user_123",
                                                  "subscriptionId": "sub_1a2b3c4d", "provider": "stripe", "failureCode": "card_declined",
                                                  "failureMessage": "Your card was declined."}, mode="sandbox")
    v.append(ok("payment.failed in sandbox mode", [COMMET_SECRET], sandbox,
                commet_headers("payment.failed", commet_sign(sandbox.decode(), COMMET_SECRET), e2), event_id=e2))
    e3 = "whev_uN1c0d3Ev3nT000000000001"
    uni = commet_event(e3, "customer.updated", {"customerId": "user_ü", "name": "Zoë Ångström 山田", "email": "zoë@example.com"})
    v.append(ok("non-ASCII body (UTF-8)", [COMMET_SECRET], uni, commet_headers("customer.updated", commet_sign(uni.decode(), COMMET_SECRET), e3), event_id=e3))
    big = long_body("whev_long_64k")
    v.append(ok("64 KiB body", [COMMET_SECRET], big, commet_headers("usage.recorded", commet_sign(big.decode(), COMMET_SECRET), "whev_long_64k"), event_id="whev_long_64k"))
    v.append(ok("rotation: receiver holds two secrets, delivery signed under the second", [COMMET_OTHER, COMMET_SECRET], body,
                commet_headers("subscription.activated", sig, eid)))

    v.append(bad("empty signature", [COMMET_SECRET], body, commet_headers("subscription.activated", "", eid), "an empty signature must never match"))
    v.append(bad("X-Commet-Signature absent", [COMMET_SECRET], body, commet_headers("subscription.activated", None, eid), "no signature"))
    v.append(bad("sha256= prefix (GitHub's form)", [COMMET_SECRET], body, commet_headers("subscription.activated", "sha256=" + sig, eid),
                 "Commet sends the bare hex"))
    v.append(bad("hex missing its last digit", [COMMET_SECRET], body, commet_headers("subscription.activated", sig[:63], eid), "a prefix of the right signature"))
    v.append(bad("hex truncated to 32 digits", [COMMET_SECRET], body, commet_headers("subscription.activated", sig[:32], eid), "a prefix of the right signature"))
    v.append(bad("wrong secret", [COMMET_OTHER], body, commet_headers("subscription.activated", sig, eid), "signed under another secret"))
    v.append(bad("tampered body", [COMMET_SECRET], body.replace(b'"status":"active"', b'"status":"canceled"'),
                 commet_headers("subscription.activated", sig, eid), "the status was changed after signing"))
    try:
        decoded_key = base64.b64decode(COMMET_SECRET[len("whsec_"):] + "==")
    except ValueError:
        decoded_key = None
    assert decoded_key, "the Commet test secret is meant to be valid base64 too"
    decoded = hmac.new(decoded_key, body, hashlib.sha256).hexdigest()
    v.append(bad("key base64-decoded from the secret (Standard Webhooks' rule)", [COMMET_SECRET], body,
                 commet_headers("subscription.activated", decoded, eid), "Commet keys the HMAC with the secret as issued"))
    stripped = hmac.new(COMMET_SECRET[len("whsec_"):].encode(), body, hashlib.sha256).hexdigest()
    v.append(bad("key without its whsec_ prefix", [COMMET_SECRET], body, commet_headers("subscription.activated", stripped, eid), "the prefix is part of the key"))
    stamped = hmac.new(COMMET_SECRET.encode(), b"2026-09-21T14:13:19.000Z." + body, hashlib.sha256).hexdigest()
    v.append(bad("MAC over `{X-Commet-Timestamp}.{body}` (Stripe's shape)", [COMMET_SECRET], body,
                 commet_headers("subscription.activated", stamped, eid), "Commet signs the body alone"))

    def edge(name, secrets, body, headers, reason, event_id=eid):
        return ok(name, secrets, body, headers, event_id=event_id, kind="library-edge", reason=reason)

    v.append(edge("upper-case hex", [COMMET_SECRET], body, commet_headers("subscription.activated", sig.upper(), eid),
                  "commet-sdk compares the strings (refuses); @commet/node decodes the hex (accepts)"))
    v.append(edge("hex followed by two stray characters", [COMMET_SECRET], body, commet_headers("subscription.activated", sig + "zz", eid),
                  "@commet/node's hex decoding stops at the first non-hex character"))
    empty_sig = hmac.new(COMMET_SECRET.encode(), b"", hashlib.sha256).hexdigest()
    v.append(edge("empty body with the right MAC", [COMMET_SECRET], b"", commet_headers("subscription.activated", empty_sig, eid),
                  "both SDKs refuse an empty body before computing anything; Commet never sends one"))
    return v


# ---------------------------------------------------------------- LeadLex

# The secret from LeadLex's own example response (provider-docs/leadlex-create-webhook.txt).
LEADLEX_SECRET = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f"
LEADLEX_OTHER = "whsec_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978"


def leadlex_headers(signature, delivery_id, timestamp="2026-09-21T14:13:19.000Z"):
    headers = {"Content-Type": "application/json", "User-Agent": "LeadLex-Webhook/1.0",
               "X-LeadLex-Timestamp": timestamp, "X-LeadLex-Delivery-ID": delivery_id}
    if signature is not None:
        headers["X-LeadLex-Signature"] = signature
    return headers


def leadlex_vectors():
    ws = "123e4567-e89b-12d3-a456-426614174000"
    body = json.dumps({"event": "contact.created", "timestamp": "2026-09-21T14:13:19.000Z", "workspace_id": ws,
                       "data": {"contact": {"id": "789e0123-e45b-67c8-a901-234567890abc", "full_name": "Jane Doe",
                                            "email": "jane@example.com", "created_at": "2026-09-21T14:13:18Z"}}},
                      separators=(",", ":")).encode()
    sig = libs.leadlex_recipe_sign(LEADLEX_SECRET, body)
    d1 = "5b1f0c2e-8d3a-4f6b-9c7e-1a2b3c4d5e6f"

    def ok(name, secrets, body, headers):
        return vector(name, "conformance", secrets, body, headers, NOW, True, None, event_id=None)

    def bad(name, secrets, body, headers, reason):
        return vector(name, "conformance", secrets, body, headers, NOW, False, reason, event_id=None)

    v = [ok("contact.created, the docs' example secret", [LEADLEX_SECRET], body, leadlex_headers(sig, d1))]
    bulk = json.dumps({"event": "deal.bulk_updated", "timestamp": "2026-09-21T14:13:20.000Z", "workspace_id": ws,
                       "data": {"deals": [{"id": "d-1", "stage": "won"}, {"id": "d-2", "stage": "lost"}], "count": 2}},
                      separators=(",", ":")).encode()
    v.append(ok("deal.bulk_updated: an array and a count", [LEADLEX_SECRET], bulk,
                leadlex_headers(libs.leadlex_recipe_sign(LEADLEX_SECRET, bulk), "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f")))
    uni = json.dumps({"event": "company.updated", "timestamp": "2026-09-21T14:13:21.000Z", "workspace_id": ws,
                      "data": {"company": {"id": "c-1", "name": "Ångström & Søn — 山田商事"}}}, ensure_ascii=False).encode()
    v.append(ok("non-ASCII body (UTF-8)", [LEADLEX_SECRET], uni,
                leadlex_headers(libs.leadlex_recipe_sign(LEADLEX_SECRET, uni), "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")))
    big = long_body("leadlex_long_64k")
    v.append(ok("64 KiB body", [LEADLEX_SECRET], big, leadlex_headers(libs.leadlex_recipe_sign(LEADLEX_SECRET, big), "f0e1d2c3-b4a5-4968-8776-655443322110")))
    v.append(ok("rotation: receiver holds two secrets, delivery signed under the second", [LEADLEX_OTHER, LEADLEX_SECRET], body, leadlex_headers(sig, d1)))

    hexsig = sig[len("sha256="):]
    v.append(bad("sha256= with nothing after it", [LEADLEX_SECRET], body, leadlex_headers("sha256=", d1), "an empty signature must never match"))
    v.append(bad("bare hex without sha256=", [LEADLEX_SECRET], body, leadlex_headers(hexsig, d1), "the documented format is sha256=<hex>"))
    v.append(bad("hex missing its last digit", [LEADLEX_SECRET], body, leadlex_headers(sig[:-1], d1), "a prefix of the right signature"))
    v.append(bad("wrong secret", [LEADLEX_OTHER], body, leadlex_headers(sig, d1), "signed under another secret"))
    v.append(bad("tampered body", [LEADLEX_SECRET], body.replace(b"Jane Doe", b"John Doe"), leadlex_headers(sig, d1), "the name was changed after signing"))
    v.append(bad("X-LeadLex-Signature absent", [LEADLEX_SECRET], body, leadlex_headers(None, d1), "no signature"))
    hex_key = bytes.fromhex(LEADLEX_SECRET[len("whsec_"):])
    v.append(bad("key hex-decoded from the secret", [LEADLEX_SECRET], body,
                 leadlex_headers("sha256=" + hmac.new(hex_key, body, hashlib.sha256).hexdigest(), d1),
                 "assumed: the recipe keys the HMAC with the secret as issued (unconfirmed by LeadLex)"))
    return v


def main():
    versions = libs.libraries()
    stripe_label = f"stripe {versions['stripe']} (Python)"
    sw_label = f"standardwebhooks {versions['standardwebhooks']} (Python)"
    svix_label = f"svix {versions['svix']} (Python)"
    commet_label = f"commet-sdk {versions['commet-sdk']} (Python)"
    recipe_label = "LeadLex's documented recipe (Python hmac; no LeadLex library exists)"

    everywhere = lambda entry: True  # noqa: E731
    # The standardwebhooks library reads only webhook-* headers; svix reads both.
    webhook_headers = lambda entry: not any(k.lower().startswith("svix-") for k in entry["headers"])  # noqa: E731

    v = stripe_vectors()
    check(v, {stripe_label: (libs.stripe_verify, everywhere)})
    write("stripe.json", {
        "scheme": "t=<unix>,v1=<hex> (Stripe; Unleeshed signs the same way under X-Unleeshed-Signature)",
        "signature_header": "Stripe-Signature",
        "tolerance_seconds": 300,
        "signer": f"stripe {versions['stripe']} (Python): stripe.WebhookSignature.generate_signature_header",
        "libraries": {"stripe (PyPI)": versions["stripe"]},
        "event_id": "the body's `id` (evt_…); redeliveries keep it, with a new t and signature",
    }, v)

    v = standard_webhooks_vectors()
    check(v, {sw_label: (libs.standardwebhooks_verify, webhook_headers), svix_label: (libs.svix_verify, everywhere)})
    write("standard_webhooks.json", {
        "scheme": "Standard Webhooks: webhook-id / webhook-timestamp / webhook-signature (svix-* aliases)",
        "signature_header": "webhook-signature",
        "tolerance_seconds": 300,
        "signer": f"standardwebhooks {versions['standardwebhooks']} (Python): Webhook(secret).sign(msg_id, timestamp, payload)",
        "libraries": {"standardwebhooks (PyPI)": versions["standardwebhooks"], "svix (PyPI)": versions["svix"]},
        "event_id": "the webhook-id header (signed); retries keep it",
    }, v)

    v = commet_vectors()
    check(v, {commet_label: (libs.commet_verify, everywhere)})
    write("commet.json", {
        "scheme": "X-Commet-Signature: hex HMAC-SHA256 of the raw body, key = the secret as issued",
        "signature_header": "X-Commet-Signature",
        "signer": f"commet-sdk {versions['commet-sdk']} (Python): commet.resources.webhooks.sign_payload",
        "libraries": {"commet-sdk (PyPI)": versions["commet-sdk"]},
        "event_id": "the body's `id` (whev_…), stable across retries; also X-Commet-Event-Id (unsigned)",
    }, v)

    v = leadlex_vectors()
    check(v, {recipe_label: (libs.leadlex_recipe_verify, everywhere)})
    write("leadlex.json", {
        "scheme": "X-LeadLex-Signature: sha256=<hex HMAC-SHA256 of the raw body>",
        "signature_header": "X-LeadLex-Signature",
        "signer": "Python hmac following LeadLex's documented recipe: no LeadLex library exists (npm, PyPI), so these vectors are derived, not made by the provider's code",
        "libraries": {},
        "event_id": None,
    }, v)


if __name__ == "__main__":
    main()
