#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/: the seed corpora of the fuzz targets.

Seeds come from the conformance vectors (tests/vectors/hmac_sha256.json),
the providers' vectors (tests/vectors/{standard_webhooks,github,commet,
leadlex}.json), the event fixtures (tests/fixtures/) and a few hand-written
edge cases. The
output is deterministic and committed; rerun from the repository root with

    python3 fuzz/seeds.py

after changing the vectors or fixtures. Fuzzing writes the inputs it finds
to fuzz/corpus/<target>/ (not committed), never here.
"""

import hashlib
import json
import pathlib
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
VECTORS = json.loads((ROOT / "tests/vectors/hmac_sha256.json").read_text())
FIXTURES = sorted((ROOT / "tests/fixtures").rglob("*.json"))
PROVIDER_VECTORS = {
    name: json.loads((ROOT / f"tests/vectors/{name}.json").read_text())["vectors"]
    for name in ("standard_webhooks", "github", "commet", "leadlex")
}

SIG = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
NOW = 1790000000


def body_of(vector):
    if vector.get("body") is not None:
        return vector["body"].encode()
    return bytes.fromhex(vector["body_hex"])


def write(target, data):
    """Writes one seed, named by its hash like libFuzzer's own corpus files."""
    directory = SEEDS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def verify_input(now, skew, flip, secrets, header, body):
    """The layout the `verify` target splits its input with."""
    secret_bytes = b"\0".join(s if isinstance(s, bytes) else s.encode() for s in secrets)
    header_bytes = header.encode()
    assert len(secret_bytes) <= 0xFF and len(header_bytes) <= 0xFFFF
    return (
        struct.pack("<qhH", now, skew, flip)
        + bytes([len(secret_bytes)])
        + secret_bytes
        + struct.pack("<H", len(header_bytes))
        + header_bytes
        + body
    )


def header_seeds():
    headers = [v["header"] for v in VECTORS]
    t = NOW
    headers += [
        f"t={t}, v1={SIG}",
        f"t={t}\t,\tv1={SIG}",
        f"v1={SIG},t={t}",
        f"t={t},v1={SIG},v0={SIG}",
        f"t={t},v1={SIG.upper()}",
        f"t={t},v1={SIG},v1={'0' * 64}",
        f"t={t}" + f",v1={SIG}" * 8,
        f"t={t}" + f",v1={SIG}" * 9,
        f"t=0{t},v1={SIG}",
        f"t=9223372036854775808,v1={SIG}",
        f"t={t},t={t},v1={SIG}",
        f"t={t},v1",
        f"t={t},={SIG}",
        f"t={t},,v1={SIG}",
        f"t={t},v1={SIG[:63]}",
        f"t={t},v1={SIG}0",
        f"t={t},v1={SIG.replace('a', 'g')}",
        f"t={t},v1==={SIG}",
        f"t={t},v2={SIG}",
        f"t={t}",
        "t=",
        "=",
        ",",
        " ",
    ]
    for header in headers:
        write("header_parse", header.encode())


def verify_seeds():
    for v in VECTORS:
        body = body_of(v)
        write("verify", verify_input(v["timestamp"], 0, 0, v["secrets"], v["header"], body))
    # The first vector's delivery at the edges of the tolerance, and a stale one.
    v = VECTORS[1]
    for skew in (300, -300, 301, -301):
        write(
            "verify",
            verify_input(v["timestamp"] + skew, skew, 7, v["secrets"], v["header"], body_of(v)),
        )
    # Invalid secrets (the fallback secret is used) and a negative clock.
    for secret in ("", "short", " whsec_padded_0123456789abcdef0123456789 ", '"quoted-0123456789abcdef0123456789"'):
        write("verify", verify_input(NOW, 0, 0, [secret], f"t={NOW},v1={SIG}", b"{}"))
    write("verify", verify_input(-5, 0, 0, [VECTORS[0]["secrets"][0]], f"t={NOW},v1={SIG}", b""))
    # Found by this target: more secrets than a header carries signatures.
    # Invalid UTF-8 becomes U+FFFD (3 bytes), so 11 0xFF bytes + 1 make a
    # valid 34-byte secret, and nine fit in the 255-byte secret field.
    nine = [b"\xff" * 11 + bytes([0x41 + i]) for i in range(9)]
    write("verify", verify_input(NOW, 0, 0, nine, f"t={NOW},v1={SIG}", b"{}"))


def header_formats_input(scheme, now, skew, flip, secret, id_, timestamp, signature, body):
    """The layout the `header_formats` target splits its input with."""
    parts = [s.encode() for s in (secret, id_, timestamp)]
    assert all(len(p) <= 0xFF for p in parts) and len(signature.encode()) <= 0xFFFF
    out = struct.pack("<BqhH", scheme, now, skew, flip)
    for part in parts:
        out += bytes([len(part)]) + part
    return out + struct.pack("<H", len(signature.encode())) + signature.encode() + body


def header_formats_seeds():
    scheme_of = {"github": 2, "commet": 3, "leadlex": 4}
    signature_of = {
        "github": "x-hub-signature-256",
        "commet": "x-commet-signature",
        "leadlex": "x-leadlex-signature",
    }
    for name, vectors in PROVIDER_VECTORS.items():
        for v in vectors:
            body = v["body"].encode()
            if len(body) > 8192:
                continue
            headers = {k.lower(): value for k, value in v["headers"].items()}
            if name == "standard_webhooks":
                family = "svix" if "svix-signature" in headers else "webhook"
                scheme = 1 if family == "svix" else 0
                id_ = headers.get(f"{family}-id", "")
                timestamp = headers.get(f"{family}-timestamp", "")
                signature = headers.get(f"{family}-signature", "")
            else:
                scheme, id_, timestamp = scheme_of[name], "", ""
                signature = headers.get(signature_of[name], "")
            for secret in v["secrets"]:
                write(
                    "header_formats",
                    header_formats_input(scheme, v["now"], 0, 0, secret, id_, timestamp, signature, body),
                )
    # Each scheme with an invalid secret (the fallback is used), a stale and
    # a future skew, and a negative clock.
    for scheme in range(5):
        body = b'{"id":"whev_1","timestamp":"2026-09-21T14:13:19.000Z","type":"t","data":{}}'
        for skew in (0, 301, -301):
            write(
                "header_formats",
                header_formats_input(scheme, NOW, skew, 9, " bad ", "msg_1", str(NOW), "v1,", body),
            )
        write("header_formats", header_formats_input(scheme, -5, 0, 0, "", "", "", "", b""))


# The every_preset target's presets, in its order (fuzz_targets/every_preset.rs
# `presets!`): each with its vectors file, if any, and a fixture body.
EVERY_PRESET = [
    ("unleeshed", None, "unleeshed/creator.approved.json"),
    ("exchange", None, "exchange/order.created.json"),
    ("stripe", "stripe", "stripe/invoice.paid.json"),
    ("commet", "commet", "commet/subscription.activated.json"),
    ("leadlex", "leadlex", "leadlex/contact.created.json"),
    ("github", "github", "github/issues.opened.json"),
    ("standard", "standard_webhooks", "standard/contact.created.json"),
    ("svix", "standard_webhooks", "standard/contact.created.json"),
    ("slack", "slack", "slack/app_mention.json"),
    ("shopify", "shopify", "shopify/orders-create.json"),
    ("paddle", "paddle", "paddle/transaction.completed.json"),
    ("zoom", "zoom", "zoom/meeting.started.json"),
    ("linear", "linear", "linear/Issue.create.json"),
    ("intercom", "intercom", "intercom/conversation.user.created.json"),
    ("razorpay", "razorpay", "razorpay/payment.authorized.json"),
    ("lemonsqueezy", "lemonsqueezy", "lemonsqueezy/order_created.json"),
    ("typeform", "typeform", "typeform/form_response.json"),
    ("calendly", "calendly", "calendly/invitee.created.json"),
    ("pagerduty", "pagerduty", "pagerduty/incident.triggered.json"),
    ("vercel", "vercel", "vercel/deployment.created.json"),
    ("twitch", "twitch", "twitch/stream.online.json"),
    ("gitlab", "gitlab", "gitlab/push-hook.json"),
    ("bitbucket", "bitbucket", "bitbucket/repo-push.json"),
    ("meta", "meta", "meta/whatsapp.messages.json"),
    ("workos", "workos", "workos/user.created.json"),
    ("mux", "mux", "mux/video.asset.ready.json"),
    ("notion", "notion", "notion/page.created.json"),
    ("sentry", "sentry", "sentry/issue.created.json"),
    ("xero", "xero", "xero/contact.create.json"),
    ("dropbox", "dropbox", "dropbox/list_folder.json"),
    ("clerk", None, "clerk/user.created.json"),
    ("resend", None, "resend/email.delivered.json"),
    ("square", "square", None),
    ("twilio", "twilio", None),
    ("hubspot", "hubspot", None),
    ("discord", "discord", None),
    ("sendgrid", "sendgrid", None),
]


def every_preset_input(preset, now, skew, flip, id_, timestamp, path, signature, body):
    """The layout the `every_preset` target splits its input with."""
    parts = [s.encode() for s in (id_, timestamp, path)]
    parts = [p[:0xFF] for p in parts]
    signature = signature.encode()[:0xFFFF]
    out = struct.pack("<BqhH", preset, now, skew, flip)
    for part in parts:
        out += bytes([len(part)]) + part
    return out + struct.pack("<H", len(signature)) + signature + body


def every_preset_seeds():
    from urllib.parse import urlsplit

    for index, (name, vectors, fixture) in enumerate(EVERY_PRESET):
        if fixture is not None:
            body = (ROOT / "tests/fixtures" / fixture).read_bytes()
            for skew in (0, 301, -301):
                write("every_preset", every_preset_input(index, NOW, skew, 5, "", "", "", "", body))
        if vectors is None:
            continue
        data = json.loads((ROOT / f"tests/vectors/{vectors}.json").read_text())
        for v in data["vectors"]:
            body = v["body"].encode() if v.get("body") is not None else b""
            if len(body) > 8192:
                continue
            headers = {k.lower(): str(value) for k, value in (v.get("headers") or {}).items()}
            signature = next(
                (value for key, value in headers.items() if "signature" in key or "token" in key),
                "",
            )
            id_ = next((value for key, value in headers.items() if key.endswith("-id")), "")
            timestamp = next((value for key, value in headers.items() if "timestamp" in key), "")
            path = ""
            if v.get("url"):
                url = urlsplit(v["url"])
                path = url.path + ("?" + url.query if url.query else "")
            now = int(v.get("now") or NOW)
            write(
                "every_preset",
                every_preset_input(index, now, 0, 3, id_, timestamp, path, signature, body),
            )


def event_seeds():
    for path in FIXTURES:
        write("event_decode", path.read_bytes())
    for v in VECTORS:
        body = body_of(v)
        if body.startswith(b"{"):
            write("event_decode", body)
    envelope = '"id":"evt_1","type":"{}","created_at":"2026-11-22T10:00:00Z"'
    for data, event_type in [
        ('{"orderId":1042,"status":"shipped","previousStatus":"paid"}', "order.status_changed"),
        ('{"order_id":"o-1","reason":"fraud","x":[1,2.5,-3e-7,null,true]}', "order.cancelled"),
        ('{"offerId":9.5,"status":"live"}', "offer.updated"),
        ('{"external_reference":"r","commentary":"ok","metadata":{"a":1}}', "creator.approved"),
        ('{"external_reference":"r","error":"boom"}', "commentary.failed"),
        ('{"anything":{"nested":[{"deep":"\\u00e9\\ud83d\\ude00"}]}}', "something.new"),
    ]:
        write("event_decode", ("{" + envelope.format(event_type) + ',"data":' + data + "}").encode())
        # `data` before `type`: the payload is buffered, then decoded.
        write("event_decode", ('{"data":' + data + "," + envelope.format(event_type) + "}").encode())
    write("event_decode", b'{"id":"e","type":"t","createdAt":"c","extra":1}')
    # Found by this target: numbers that are floats beyond u64 (tests/fuzz_regressions.rs).
    write("event_decode", b'{"a":{"d":[1111111111111111111117,true]},"id":"","type":"d","created_at":"1"}')
    write("event_decode", b'{"a":{"d":[1111111111111111111117,true]},"id":"e","type":"d","created_at":"1"}')
    # The provider vectors' bodies (Stripe, Standard Webhooks, Commet, LeadLex, GitHub).
    for name in ("stripe", "standard_webhooks", "commet", "leadlex", "github"):
        for v in json.loads((ROOT / f"tests/vectors/{name}.json").read_text())["vectors"]:
            body = v["body"].encode()
            if body.startswith(b"{") and len(body) <= 8192:
                write("event_decode", body)
    write("event_decode", b'{"id":"e","type":"creator.approved","created_at":"c"}')


def main():
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    header_seeds()
    verify_seeds()
    header_formats_seeds()
    every_preset_seeds()
    event_seeds()
    for target in sorted(p.name for p in SEEDS.iterdir()):
        files = list((SEEDS / target).iterdir())
        size = sum(f.stat().st_size for f in files)
        print(f"{target}: {len(files)} seeds, {size} bytes")


if __name__ == "__main__":
    main()
