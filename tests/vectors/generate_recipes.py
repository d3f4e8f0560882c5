#!/usr/bin/env python3
"""Writes the vector files of providers that publish no verifying library, from their documented recipes.

    python3 tests/vectors/generate_recipes.py

Standard library only. Files: intercom.json, lemonsqueezy.json, typeform.json, calendly.json,
pagerduty.json, vercel.json, bitbucket.json, meta.json, xero.json, dropbox.json, sentry.json.

Each provider has a signer and a verifier written from its own documentation (the URL is in
RECIPE_DOCS and in every vector's "library" label, "recipe: <URL>"): these vectors confirm our
reading of the docs, not the provider's code. Every vector is checked by the verifier and a
"conformance" vector's `valid` must match it: the run stops otherwise. Deterministic (fixed
secrets, bodies, ids and clocks). The facts behind each file are in tests/vectors/facts/<name>.md.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import sys
import uuid as uuidlib
from datetime import datetime, timezone

HERE = pathlib.Path(__file__).resolve().parent
NOW = 1790000000  # 2026-09-21T14:13:20Z

RECIPE_DOCS = {
    "intercom": "https://developers.intercom.com/docs/webhooks/setting-up-webhooks",
    "lemonsqueezy": "https://docs.lemonsqueezy.com/help/webhooks/signing-requests",
    "typeform": "https://www.typeform.com/developers/webhooks/secure-your-webhooks/",
    "calendly": "https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures",
    "pagerduty": "https://developer.pagerduty.com/docs/webhooks/webhook-signatures/",
    "vercel": "https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks",
    "bitbucket": "https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks",
    "meta": "https://developers.facebook.com/docs/graph-api/webhooks/getting-started/",
    "xero": "https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/",
    "dropbox": "https://www.dropbox.com/developers/reference/webhooks",
    "sentry": "https://docs.sentry.io/integrations/integration-platform/webhooks/",
}

failures = []


def NOW_REAL():  # noqa: N802 (the receiver's clock when a delivery pins none)
    import time

    return int(time.time())


def mac(alg, key, data, encoding="hex"):
    if isinstance(key, str):
        key = key.encode()
    if isinstance(data, str):
        data = data.encode()
    digest = hmac.new(key, data, alg)
    return digest.hexdigest() if encoding == "hex" else base64.b64encode(digest.digest()).decode()


def iso(seconds, millis=True):
    text = datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (".000Z" if millis else "Z")


def uuid(label):
    return str(uuidlib.UUID(hashlib.sha256(label.encode()).hexdigest()[:32], version=4))


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def tamper(text, old, new):
    if old not in text:
        raise ValueError(f"tamper: {old!r} not in body")
    return text.replace(old, new, 1)


class Collector:
    """Builds vectors in the PROVIDERS.md section 9 format (plus method, url, timestamp, answer)."""

    def __init__(self, **defaults):
        self.defaults = defaults
        self.vectors = []

    def _add(self, kind, name, fields):
        f = {**self.defaults, **fields}
        body = f["body"]
        entry = {"name": name, "kind": kind, "secrets": f["secrets"]}
        raw = body if isinstance(body, bytes) else body.encode()
        try:
            entry["body"] = raw.decode("utf-8")
        except UnicodeDecodeError:
            entry["body_base64"] = base64.b64encode(raw).decode()
        entry["headers"] = f["headers"]
        for optional in ("method", "url", "timestamp"):
            if optional in f:
                entry[optional] = f[optional]
        entry["event_id"] = f.get("event_id")
        entry["now"] = f.get("now", NOW)
        if kind == "conformance":
            entry["valid"] = f["valid"]
        if f.get("reason"):
            entry["reason"] = f["reason"]
        if "answer" in f:
            entry["answer"] = f["answer"]
        self.vectors.append(entry)

    def ok(self, name, **fields):
        self._add("conformance", name, {"valid": True, **fields})

    def bad(self, name, reason, **fields):
        self._add("conformance", name, {"valid": False, "reason": reason, **fields})

    def edge(self, name, reason, **fields):
        self._add("library-edge", name, {"reason": reason, **fields})


def body_of(entry):
    return entry["body"].encode() if "body" in entry else base64.b64decode(entry["body_base64"])


def check_and_write(name, provider, vectors, verify, document):
    label = f"recipe: {RECIPE_DOCS[provider]}"
    for entry in vectors:
        ok, message = verify(entry["secrets"], body_of(entry), entry["headers"], entry["now"], entry)
        entry["library"] = {label: "accepted" if ok else f"recipe: {message}"}
        if entry["kind"] == "conformance" and ok != entry["valid"]:
            failures.append(f"{name}: {entry['name']}: recipe says {message!r}, vector says valid={entry['valid']}")
    doc = {**document, "libraries": {}, "generated_by": "tests/vectors/generate_recipes.py", "vectors": vectors}
    (HERE / name).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    counts = {}
    for v in vectors:
        key = v["kind"] if v["kind"] != "conformance" else ("valid" if v["valid"] else "invalid")
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote tests/vectors/{name}: {len(vectors)} vectors {json.dumps(counts)}")


def any_secret(secrets, expected_for, given):
    """Accepted when the header value equals the expected value under any secret (constant time)."""
    if given is None:
        return False, "no signature header"
    for secret in secrets:
        if hmac.compare_digest(given.encode(), expected_for(secret).encode()):
            return True, "accepted"
    return False, "signature mismatch"


def body_mac_verifier(header_name, prefix, alg, encoding):
    """Recipe: header = prefix + HMAC(secret, raw body) in the given encoding, compared whole."""

    def verify(secrets, body, headers, now, entry):
        return any_secret(secrets, lambda s: prefix + mac(alg, s, body, encoding), header(headers, header_name))

    return verify


def standard_negatives(c, *, body, headers, header_name, good, secret, other, prefix, alg, encoding, tamper_from, tamper_to, extra=None):
    """The usual refusals for a body-only MAC scheme."""
    raw = good[len(prefix):]
    h = lambda value: {**headers, header_name: value}  # noqa: E731
    c.bad("tampered body", "changed after signing", body=tamper(body, tamper_from, tamper_to), headers=headers)
    c.bad("wrong secret", "signed under another secret", secrets=[other], body=body, headers=headers)
    missing = {k: v for k, v in headers.items() if k != header_name}
    c.bad(f"{header_name} absent", "no signature", body=body, headers=missing)
    c.bad(f"{header_name}: {prefix or '(empty)'} with nothing after it" if prefix else f"{header_name} empty", "an empty signature must never match", body=body, headers=h(prefix))
    c.bad("signature missing its last character", "a prefix of the right signature", body=body, headers=h(good[:-1]))
    if prefix:
        c.bad(f"bare signature without {prefix}", f"the provider sends {prefix}…", body=body, headers=h(raw))
    other_encoding = "base64" if encoding == "hex" else "hex"
    c.bad(f"{other_encoding} of the right MAC", f"the provider sends {encoding}", body=body, headers=h(prefix + mac(alg, secret, body, other_encoding)))
    wrong_alg = hashlib.sha1 if alg is hashlib.sha256 else hashlib.sha256
    wrong_name = "SHA-1" if alg is hashlib.sha256 else "SHA-256"
    right_name = "SHA-256" if alg is hashlib.sha256 else "SHA-1"
    c.bad(f"HMAC-{wrong_name} of the body", f"the MAC is HMAC-{right_name}", body=body, headers=h(prefix + mac(wrong_alg, secret, body, encoding)))
    foreign = "v1=" if prefix != "v1=" else "sha256="
    c.bad(f"{foreign}<right MAC> (another provider's prefix)", f"the prefix is {prefix or 'none'}", body=body, headers=h(foreign + raw))
    if encoding == "hex":
        c.edge("upper-case hex", "the provider sends lower case; the recipe compares strings and refuses, a receiver that decodes hex accepts", body=body, headers=h(prefix + raw.upper()))
    for args in extra or []:
        args()


# ------------------------------------------------------------------ Intercom


def intercom():
    secret, other = "9a3f1c7e5b2d8e4a6c0f1b3d5e7a9c2e", "0123456789abcdef0123456789abcdef"
    notif = compact({
        "type": "notification_event",
        "app_id": "ecahpwf5",
        "data": {"type": "notification_event_data", "item": {
            "type": "conversation", "id": "147", "created_at": NOW - 5, "updated_at": NOW - 2, "state": "open",
            "source": {"type": "conversation", "id": "403918316", "delivered_as": "customer_initiated", "body": "<p>Bonjour, où est ma commande ?</p>",
                       "author": {"type": "user", "id": "5310d8e8598c9a0b24000005", "name": "Zoë", "email": "zoe@example.com"}},
        }},
        "links": {},
        "id": "notif_ccd8a4d2-c1a7-4e3a-8f1b-2d6e0c9a7b11",
        "topic": "conversation.user.created",
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": NOW - 1,
        "created_at": NOW - 2,
        "self": None,
    })
    ping = compact({"type": "notification_event", "app_id": "ecahpwf5", "data": {"type": "notification_event_data", "item": {"type": "ping", "message": "something something interzen"}},
                    "links": {}, "id": None, "topic": "ping", "delivery_status": None, "delivery_attempts": 1, "delivered_at": 0, "first_sent_at": NOW - 1, "created_at": NOW - 1, "self": None})
    hdr = lambda body, s=secret: {"Content-Type": "application/json", "User-Agent": "intercom-parrot-service-client/1.0", "Accept": "application/json", "X-Hub-Signature": "sha1=" + mac(hashlib.sha1, s, body)}  # noqa: E731
    c = Collector(secrets=[secret], event_id="notif_ccd8a4d2-c1a7-4e3a-8f1b-2d6e0c9a7b11")
    c.ok("conversation.user.created, non-ASCII text (UTF-8)", body=notif, headers=hdr(notif))
    c.ok("ping (sent when the webhook is saved)", body=ping, headers=hdr(ping), event_id=None)
    c.ok("rotation: receiver holds the old and the new client secret", secrets=[other, secret], body=notif, headers=hdr(notif))
    good = hdr(notif)["X-Hub-Signature"]
    standard_negatives(c, body=notif, headers=hdr(notif), header_name="X-Hub-Signature", good=good, secret=secret, other=other,
                       prefix="sha1=", alg=hashlib.sha1, encoding="hex", tamper_from="où est", tamper_to="voici")
    c.bad("sha256=<HMAC-SHA256 hex> (GitHub's and Bitbucket's format)", "Intercom signs with HMAC-SHA1 under sha1=", body=notif,
          headers={**hdr(notif), "X-Hub-Signature": "sha256=" + mac(hashlib.sha256, secret, notif)})
    check_and_write("intercom.json", "intercom", c.vectors, body_mac_verifier("X-Hub-Signature", "sha1=", hashlib.sha1, "hex"), {
        "scheme": "X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>, key = the app's client_secret",
        "signature_header": "X-Hub-Signature",
        "signer": "Python hmac following Intercom's documented recipe: Intercom publishes no verifying library",
        "event_id": "body id (notif_…, signed)",
    })


# ------------------------------------------------------------------ Lemon Squeezy


def lemonsqueezy():
    secret, other = "ls-signing-8f2a6c", "another-secret-123"
    order = compact({
        "meta": {"test_mode": True, "event_name": "order_created", "custom_data": {"user_id": "42"}, "webhook_id": "b8a1c3e5-7d9f-4b1d-8e3a-5c7e9a1b3d5f"},
        "data": {"type": "orders", "id": "1", "attributes": {"store_id": 1, "customer_id": 1, "identifier": "104e18a2-d755-4d4b-80c4-a6c1dcbe1c10", "order_number": 1,
                 "user_name": "Darlene Daugherty", "user_email": "gernser@yahoo.com", "currency": "EUR", "total": 999, "total_formatted": "9,99 €", "status": "paid",
                 "created_at": iso(NOW - 3, millis=False), "test_mode": True}, "relationships": {}, "links": {"self": "https://api.lemonsqueezy.com/v1/orders/1"}},
    })
    sub = compact({
        "meta": {"test_mode": False, "event_name": "subscription_payment_success", "webhook_id": "b8a1c3e5-7d9f-4b1d-8e3a-5c7e9a1b3d5f"},
        "data": {"type": "subscription-invoices", "id": "7", "attributes": {"store_id": 1, "subscription_id": 3, "billing_reason": "renewal", "status": "paid", "total": 1999, "created_at": iso(NOW - 3, millis=False)}},
    })
    hdr = lambda body, event, s=secret: {"Content-Type": "application/json", "X-Event-Name": event, "X-Signature": mac(hashlib.sha256, s, body)}  # noqa: E731
    c = Collector(secrets=[secret], event_id=None)
    c.ok("order_created (test mode), custom_data", body=order, headers=hdr(order, "order_created"))
    c.ok("subscription_payment_success", body=sub, headers=hdr(sub, "subscription_payment_success"))
    c.ok("six-character secret (the docs allow 6 to 40)", secrets=["abcdef"], body=order, headers=hdr(order, "order_created", "abcdef"))
    c.ok("rotation: receiver holds two secrets", secrets=[other, secret], body=order, headers=hdr(order, "order_created"))
    good = hdr(order, "order_created")["X-Signature"]
    standard_negatives(c, body=order, headers=hdr(order, "order_created"), header_name="X-Signature", good=good, secret=secret, other=other,
                       prefix="", alg=hashlib.sha256, encoding="hex", tamper_from='"total":999', tamper_to='"total":1')
    check_and_write("lemonsqueezy.json", "lemonsqueezy", c.vectors, body_mac_verifier("X-Signature", "", hashlib.sha256, "hex"), {
        "scheme": "X-Signature: <hex HMAC-SHA256 of the raw body>, key = the webhook's signing secret (6-40 characters, chosen by the user)",
        "signature_header": "X-Signature",
        "signer": "Python hmac following Lemon Squeezy's documented recipe: @lemonsqueezy/lemonsqueezy.js 4.0.0 has no webhook verifier",
        "event_id": None,
    })


# ------------------------------------------------------------------ Typeform


def typeform():
    secret, other = "tf-webhook-secret-4e7a9c1b", "tf-webhook-secret-old-0000"
    resp = compact({
        "event_id": "01K5TQM2X8Y4Z6A8B0C2D4E6F8",
        "event_type": "form_response",
        "form_response": {"form_id": "lT4Z3j", "token": "a3a12ec67a1365927098a606107fac15", "submitted_at": iso(NOW - 2, millis=False), "landed_at": iso(NOW - 60, millis=False),
                          "definition": {"id": "lT4Z3j", "title": "Webhooks example", "fields": [{"id": "DlXFaesGBpoF", "title": "Votre prénom ?", "type": "short_text", "ref": "name"}]},
                          "answers": [{"type": "text", "text": "Zoë", "field": {"id": "DlXFaesGBpoF", "type": "short_text", "ref": "name"}}]},
    })
    hdr = lambda body, s=secret: {"Content-Type": "application/json", "User-Agent": "Typeform Webhooks", "Typeform-Signature": "sha256=" + mac(hashlib.sha256, s, body, "base64")}  # noqa: E731
    c = Collector(secrets=[secret], event_id="01K5TQM2X8Y4Z6A8B0C2D4E6F8")
    c.ok("form_response, non-ASCII answer (UTF-8)", body=resp, headers=hdr(resp))
    c.ok("rotation: receiver holds two secrets", secrets=[other, secret], body=resp, headers=hdr(resp))
    hex40 = "5f0c8e2a7b9d1f3e4a6c8b0d2f4e6a8c1b3d5f7e"
    c.ok("secret of 40 hex digits (the docs' SecureRandom.hex(20))", secrets=[hex40], body=resp, headers=hdr(resp, hex40))
    good = hdr(resp)["Typeform-Signature"]
    standard_negatives(c, body=resp, headers=hdr(resp), header_name="Typeform-Signature", good=good, secret=secret, other=other,
                       prefix="sha256=", alg=hashlib.sha256, encoding="base64", tamper_from='"Zoë"', tamper_to='"Eve"')
    c.edge("unpadded base64", "Typeform sends padded base64; the recipe compares strings and refuses, a lenient decoder accepts",
           body=resp, headers={**hdr(resp), "Typeform-Signature": good.rstrip("=")})
    check_and_write("typeform.json", "typeform", c.vectors, body_mac_verifier("Typeform-Signature", "sha256=", hashlib.sha256, "base64"), {
        "scheme": "Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>, key = the webhook's secret",
        "signature_header": "Typeform-Signature",
        "signer": "Python hmac following Typeform's documented recipe: @typeform/api-client 2.10.4 has no webhook verifier",
        "event_id": "body event_id (signed)",
    })


# ------------------------------------------------------------------ Calendly

CALENDLY_TOLERANCE = 180


def calendly_verify(secrets, body, headers, now, entry):
    value = header(headers, "Calendly-Webhook-Signature")
    if value is None:
        return False, "no Calendly-Webhook-Signature header"
    items = dict(item.split("=", 1) for item in value.split(",") if "=" in item)
    t, v1 = items.get("t"), items.get("v1")
    if t is None or v1 is None:
        return False, "t or v1 missing"
    if not t.isdigit():
        return False, "t is not an integer"
    ok, message = any_secret(secrets, lambda s: mac(hashlib.sha256, s, t.encode() + b"." + body), v1)
    if not ok:
        return ok, message
    if int(t) < now - CALENDLY_TOLERANCE:
        return False, f"t older than {CALENDLY_TOLERANCE} s"
    return True, "accepted"


def calendly():
    key, other = "cal-signing-key-2b9e4f7a1c3d5e8f", "cal-signing-key-old-00000000"
    T = NOW - 2
    created = compact({
        "created_at": iso(NOW - 2), "created_by": "https://api.calendly.com/users/AAAAAAAAAAAAAAAA", "event": "invitee.created",
        "payload": {"uri": "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA", "email": "renee@example.com", "name": "Renée Øster",
                    "status": "active", "timezone": "Europe/Paris", "event": "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2", "rescheduled": False,
                    "created_at": iso(NOW - 3), "updated_at": iso(NOW - 3)},
    })
    canceled = tamper(created, '"invitee.created"', '"invitee.canceled"').replace('"status":"active"', '"status":"canceled"')
    sig = lambda t, body, k=key: mac(hashlib.sha256, k, f"{t}.{body}")  # noqa: E731
    hdr = lambda value: {"Content-Type": "application/json; charset=utf-8", "Calendly-Webhook-Signature": value}  # noqa: E731
    c = Collector(secrets=[key], event_id=None, timestamp=str(T))
    c.ok("invitee.created, non-ASCII name (UTF-8)", body=created, headers=hdr(f"t={T},v1={sig(T, created)}"))
    c.ok("invitee.canceled", body=canceled, headers=hdr(f"t={T},v1={sig(T, canceled)}"))
    c.ok("t exactly 180 s old", body=created, headers=hdr(f"t={NOW - 180},v1={sig(NOW - 180, created)}"), timestamp=str(NOW - 180),
         reason="the docs' example refuses t older than three minutes")
    c.ok("rotation: receiver holds two signing keys", secrets=[other, key], body=created, headers=hdr(f"t={T},v1={sig(T, created)}"))
    good = sig(T, created)
    c.bad("tampered body", "changed after signing", body=tamper(created, "renee@example.com", "mallory@example.com"), headers=hdr(f"t={T},v1={good}"))
    c.bad("wrong signing key", "signed under another key", secrets=[other], body=created, headers=hdr(f"t={T},v1={good}"))
    c.bad("t 181 s old", "older than the docs' three minutes", body=created, headers=hdr(f"t={NOW - 181},v1={sig(NOW - 181, created)}"), timestamp=str(NOW - 181))
    c.bad("t changed after signing", "t is signed", body=created, headers=hdr(f"t={T + 1},v1={good}"), timestamp=str(T + 1))
    c.bad("Calendly-Webhook-Signature absent", "no signature", body=created, headers={"Content-Type": "application/json; charset=utf-8"})
    c.bad("v1= with nothing after it", "an empty signature must never match", body=created, headers=hdr(f"t={T},v1="))
    c.bad("no t item", "no timestamp", body=created, headers=hdr(f"v1={good}"))
    c.bad("hex missing its last digit", "a prefix of the right signature", body=created, headers=hdr(f"t={T},v1={good[:-1]}"))
    c.bad("v1=<base64 of the right MAC>", "Calendly sends hex", body=created, headers=hdr(f"t={T},v1={mac(hashlib.sha256, key, f'{T}.{created}', 'base64')}"))
    c.bad("v1=<HMAC-SHA1 hex>", "Calendly's MAC is HMAC-SHA256", body=created, headers=hdr(f"t={T},v1={mac(hashlib.sha1, key, f'{T}.{created}')}"))
    c.bad("MAC of the body alone", "the signed message is {t}.{body}", body=created, headers=hdr(f"t={T},v1={mac(hashlib.sha256, key, created)}"))
    c.bad("sha256=<right hex> instead of t=…,v1=…", "the header is t=…,v1=…", body=created, headers=hdr(f"sha256={good}"))
    c.edge("t an hour in the future", "the docs' example bounds only the age", body=created, headers=hdr(f"t={NOW + 3600},v1={sig(NOW + 3600, created)}"), timestamp=str(NOW + 3600))
    c.edge("upper-case hex", "Calendly sends lower case; the recipe compares strings and refuses, a receiver that decodes hex accepts", body=created, headers=hdr(f"t={T},v1={good.upper()}"))
    check_and_write("calendly.json", "calendly", c.vectors, calendly_verify, {
        "scheme": "Calendly-Webhook-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of \"{t}.{body}\">, key = the webhook signing key; the docs' example refuses t older than 3 minutes",
        "signature_header": "Calendly-Webhook-Signature",
        "tolerance_seconds": CALENDLY_TOLERANCE,
        "signer": "Python hmac following Calendly's documented recipe: Calendly publishes no verifying library",
        "event_id": None,
    })


# ------------------------------------------------------------------ PagerDuty


def pagerduty_verify(secrets, body, headers, now, entry):
    value = header(headers, "X-PagerDuty-Signature")
    if value is None:
        return False, "no X-PagerDuty-Signature header"
    given = [item for item in value.split(",")]
    for secret in secrets:
        expected = "v1=" + mac(hashlib.sha256, secret, body)
        if any(hmac.compare_digest(item.encode(), expected.encode()) for item in given):
            return True, "accepted"
    return False, "no v1 signature matches"


def pagerduty():
    secret, other = "pd-webhook-secret-6c2e8a4f0b1d3e5a7c9e1f3b5d7a9c0e", "pd-webhook-secret-old-1111111111111111"
    ev = compact({"event": {
        "id": "01DEN10IA8RF2SMOZ09XZVPBV2", "event_type": "incident.triggered", "resource_type": "incident", "occurred_at": iso(NOW - 2, millis=False).replace("Z", ".123Z"),
        "agent": {"html_url": "https://acme.pagerduty.com/users/PLH1HKV", "id": "PLH1HKV", "self": "https://api.pagerduty.com/users/PLH1HKV", "summary": "Tenex Engineer", "type": "user_reference"},
        "client": None,
        "data": {"id": "PGR0VU2", "type": "incident", "self": "https://api.pagerduty.com/incidents/PGR0VU2", "html_url": "https://acme.pagerduty.com/incidents/PGR0VU2",
                 "number": 2, "status": "triggered", "incident_key": "d3640fbd41094207a1c11e58e46b1662", "title": "Base de données indisponible", "urgency": "high",
                 "created_at": iso(NOW - 3, millis=False), "service": {"id": "PF9KMXH", "type": "service_reference", "summary": "API Service"}},
    }})
    sub_id = "PY1OQU3"
    base_headers = {"Content-Type": "application/json", "User-Agent": "PagerDuty-Webhook/V3.0", "X-Webhook-Id": uuid("pagerduty-delivery-1"), "X-Webhook-Subscription": sub_id}
    hdr = lambda value: {**base_headers, "X-PagerDuty-Signature": value}  # noqa: E731
    good = "v1=" + mac(hashlib.sha256, secret, ev)
    c = Collector(secrets=[secret], event_id="01DEN10IA8RF2SMOZ09XZVPBV2")
    c.ok("incident.triggered, non-ASCII title (UTF-8)", body=ev, headers=hdr(good))
    c.ok("two v1 signatures (PagerDuty rotating its secret), the second right", body=ev, headers=hdr("v1=" + mac(hashlib.sha256, other, ev) + "," + good))
    c.ok("two v1 signatures, the first right", body=ev, headers=hdr(good + ",v1=" + mac(hashlib.sha256, other, ev)))
    c.ok("rotation: receiver holds two secrets", secrets=[other, secret], body=ev, headers=hdr(good))
    standard_negatives(c, body=ev, headers=hdr(good), header_name="X-PagerDuty-Signature", good=good, secret=secret, other=other,
                       prefix="v1=", alg=hashlib.sha256, encoding="hex", tamper_from='"urgency":"high"', tamper_to='"urgency":"low"')
    c.bad("v2=<right hex>", "only v1 signatures are defined", body=ev, headers=hdr("v2=" + good[3:]))
    c.edge("two v1 signatures separated by \", \"", "PagerDuty's docs show items joined by a bare comma; a receiver that does not trim refuses the second item", body=ev,
           headers=hdr("v1=" + mac(hashlib.sha256, other, ev) + ", " + good))
    check_and_write("pagerduty.json", "pagerduty", c.vectors, pagerduty_verify, {
        "scheme": "X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>[,v1=<hex>…], key = the webhook subscription's secret; any v1 matching passes",
        "signature_header": "X-PagerDuty-Signature",
        "signer": "Python hmac following PagerDuty's documented recipe: @pagerduty/pdjs 2.2.4 has no webhook verifier",
        "event_id": "body event.id (signed); X-Webhook-Id header (unsigned)",
    })


# ------------------------------------------------------------------ Vercel


def vercel():
    secret, other = "vercel-wh-Zk3X9qLm2Vn8Rb4Tc7Hd1Jf6", "vercel-wh-old-0000000000000000"
    dep = compact({"id": "uev_1a2b3c4d5e6f7g8h9i0j", "type": "deployment.created", "createdAt": NOW * 1000 - 1500, "region": "cdg1",
                   "payload": {"team": {"id": "team_1a2b3c4d5e6f7g8h9i0j1k2l"}, "user": {"id": "2b3c4d5e6f7g8h9i0j1k2l3m"},
                               "deployment": {"id": "dpl_2euZBFqxYdDMDG1jTrHFnNZ2eUVa", "meta": {}, "url": "my-app-abc123.vercel.app", "name": "my-app"},
                               "links": {"deployment": "https://vercel.com/acme/my-app/2euZBFqxYdDMDG1jTrHFnNZ2eUVa", "project": "https://vercel.com/acme/my-app"},
                               "target": "production", "project": {"id": "prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB"}, "plan": "pro", "regions": ["cdg1"]}})
    hdr = lambda body, s=secret: {"Content-Type": "application/json", "x-vercel-signature": mac(hashlib.sha1, s, body)}  # noqa: E731
    c = Collector(secrets=[secret], event_id="uev_1a2b3c4d5e6f7g8h9i0j")
    c.ok("deployment.created", body=dep, headers=hdr(dep))
    c.ok("rotation: receiver holds two secrets", secrets=[other, secret], body=dep, headers=hdr(dep))
    project = compact({"id": "uev_9z8y7x6w5v4u3t2s1r0q", "type": "project.created", "createdAt": NOW * 1000 - 700, "region": "cdg1",
                       "payload": {"team": {"id": "team_1a2b3c4d5e6f7g8h9i0j1k2l"}, "user": {"id": "2b3c4d5e6f7g8h9i0j1k2l3m"},
                                   "project": {"id": "prj_7mQx2Lr9Vb3Nc8Td1Hf6Jk4S", "name": "café-menü"}}})
    c.ok("project.created, non-ASCII name (UTF-8)", body=project, headers=hdr(project), event_id="uev_9z8y7x6w5v4u3t2s1r0q")
    good = hdr(dep)["x-vercel-signature"]
    standard_negatives(c, body=dep, headers=hdr(dep), header_name="x-vercel-signature", good=good, secret=secret, other=other,
                       prefix="", alg=hashlib.sha1, encoding="hex", tamper_from='"target":"production"', tamper_to='"target":"preview"')
    c.bad("sha1=<right hex> (Intercom's format)", "Vercel sends bare hex", body=dep, headers={**hdr(dep), "x-vercel-signature": "sha1=" + good})
    check_and_write("vercel.json", "vercel", c.vectors, body_mac_verifier("x-vercel-signature", "", hashlib.sha1, "hex"), {
        "scheme": "x-vercel-signature: <hex HMAC-SHA1 of the raw body>, key = the webhook's secret (account webhooks) or the integration's client secret",
        "signature_header": "x-vercel-signature",
        "signer": "Python hmac following Vercel's documented recipe: @vercel/sdk 1.28.35 has no webhook verifier",
        "event_id": "body id (signed)",
    })


# ------------------------------------------------------------------ Bitbucket Cloud


def bitbucket():
    secret, other = "bb-webhook-secret-7d3f9a1c5e2b8d4f", "bb-webhook-secret-old-000000000"
    push_actor = {"type": "user", "display_name": "Émilie Dupont", "uuid": "{d301aafa-d676-4ee0-88be-962be7417567}", "account_id": "557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443"}
    push_repository = {"type": "repository", "full_name": "acme/widgets", "name": "widgets", "uuid": "{21fa9bf8-b5b2-4891-97ed-d590bad0f871}", "is_private": True}
    push = compact({
        "actor": push_actor,
        "repository": push_repository,
        "push": {"changes": [{"new": {"type": "branch", "name": "main", "target": {"type": "commit", "hash": "709d658dc5b6d6afcd46049c2f332ee3f515a67d", "message": "Corrige l'accent\n", "date": iso(NOW - 5, millis=False).replace("Z", "+00:00")}},
                              "old": {"type": "branch", "name": "main", "target": {"type": "commit", "hash": "1e65c05c1d5171631d92438a13901ca7dae9618c"}}, "created": False, "forced": False, "closed": False, "truncated": False}]},
    })
    base = {"Content-Type": "application/json", "User-Agent": "Bitbucket-Webhooks/2.0", "X-Event-Key": "repo:push", "X-Hook-UUID": "{cb9a2c1e-4f3d-4e5a-9b8c-7d6e5f4a3b2c}",
            "X-Request-UUID": uuid("bitbucket-request-1"), "X-Attempt-Number": "1"}
    hdr = lambda body, s=secret: {**base, "X-Hub-Signature": "sha256=" + mac(hashlib.sha256, s, body)}  # noqa: E731
    c = Collector(secrets=[secret], event_id=base["X-Request-UUID"])
    c.ok("repo:push, non-ASCII names (UTF-8)", body=push, headers=hdr(push))
    c.ok("rotation: receiver holds two secrets", secrets=[other, secret], body=push, headers=hdr(push))
    pr = compact({
        "actor": push_actor, "repository": push_repository,
        "pullrequest": {"type": "pullrequest", "id": 42, "title": "Ajoute le menu", "state": "OPEN",
                        "source": {"branch": {"name": "menu"}}, "destination": {"branch": {"name": "main"}}},
    })
    pr_headers = {**base, "X-Event-Key": "pullrequest:created", "X-Request-UUID": uuid("bitbucket-request-2"),
                  "X-Hub-Signature": "sha256=" + mac(hashlib.sha256, secret, pr)}
    c.ok("pullrequest:created", body=pr, headers=pr_headers, event_id=pr_headers["X-Request-UUID"])
    good = hdr(push)["X-Hub-Signature"]
    standard_negatives(c, body=push, headers=hdr(push), header_name="X-Hub-Signature", good=good, secret=secret, other=other,
                       prefix="sha256=", alg=hashlib.sha256, encoding="hex", tamper_from='"forced":false', tamper_to='"forced":true')
    c.bad("sha1=<HMAC-SHA1 hex> (GitHub's legacy X-Hub-Signature)", "Bitbucket's X-Hub-Signature is sha256=", body=push,
          headers={**hdr(push), "X-Hub-Signature": "sha1=" + mac(hashlib.sha1, secret, push)})
    c.bad("the right value under X-Hub-Signature-256 only (GitHub's header name)", "Bitbucket sends X-Hub-Signature", body=push,
          headers={**base, "X-Hub-Signature-256": good})
    check_and_write("bitbucket.json", "bitbucket", c.vectors, body_mac_verifier("X-Hub-Signature", "sha256=", hashlib.sha256, "hex"), {
        "scheme": "X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>, key = the webhook's secret (Bitbucket Cloud)",
        "signature_header": "X-Hub-Signature",
        "signer": "Python hmac following Bitbucket Cloud's documented recipe: Atlassian publishes no verifying library",
        "event_id": "X-Request-UUID header (unsigned)",
    })


# ------------------------------------------------------------------ Meta (Graph API, WhatsApp)


def meta_verify(secrets, body, headers, now, entry):
    if entry.get("method") == "GET":
        query = entry["url"].split("?", 1)[1]
        params = dict(p.split("=", 1) for p in query.split("&"))
        ok = params.get("hub.mode") == "subscribe" and params.get("hub.verify_token") in entry.get("verify_tokens", [])
        return (True, "accepted") if ok else (False, "hub.verify_token differs")
    return any_secret(secrets, lambda s: "sha256=" + mac(hashlib.sha256, s, body), header(headers, "X-Hub-Signature-256"))


def meta():
    app_secret, other = "6f8e2a4c1b3d5e7f9a0b2c4d6e8f0a1b", "00112233445566778899aabbccddeeff"
    msg = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Renée"}, "wa_id": "33612345678"}],
        "messages": [{"from": "33612345678", "id": "wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQTRBMDU1RTFEQjM3RDk5QjA3NQA=", "timestamp": str(NOW - 3), "type": "text", "text": {"body": "Où est ma commande ? 📦"}}]}}]}]}
    escaped = json.dumps(msg, separators=(",", ":"), ensure_ascii=True)  # what Meta sends: non-ASCII escaped as \\uXXXX
    sig = lambda body, s=app_secret: "sha256=" + mac(hashlib.sha256, s, body)  # noqa: E731
    hdr = lambda body, s=app_secret: {"Content-Type": "application/json", "User-Agent": "facebookexternalua", "X-Hub-Signature": "sha1=" + mac(hashlib.sha1, s, body), "X-Hub-Signature-256": sig(body, s)}  # noqa: E731
    wamid = msg["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    c = Collector(secrets=[app_secret], event_id=wamid, method="POST")
    c.ok("WhatsApp messages notification (non-ASCII escaped as \\uXXXX, as Meta sends it)", body=escaped, headers=hdr(escaped))
    c.ok("rotation: receiver holds the old and the new app secret", secrets=[other, app_secret], body=escaped, headers=hdr(escaped))
    page = json.dumps({"object": "page", "entry": [{"id": "104776551234567", "time": NOW - 2, "messaging": [{
        "sender": {"id": "6783201947124357"}, "recipient": {"id": "104776551234567"}, "timestamp": (NOW - 2) * 1000,
        "message": {"mid": "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P", "text": "Ça marche 👍"}}]}]},
                      separators=(",", ":"), ensure_ascii=True)
    c.ok("Messenger page notification (messaging, no changes)", body=page, headers=hdr(page), event_id=None)
    good = sig(escaped)
    standard_negatives(c, body=escaped, headers=hdr(escaped), header_name="X-Hub-Signature-256", good=good, secret=app_secret, other=other,
                       prefix="sha256=", alg=hashlib.sha256, encoding="hex", tamper_from='"106540352242922"', tamper_to='"106540352242923"')
    only_sha1 = {k: v for k, v in hdr(escaped).items() if k != "X-Hub-Signature-256"}
    c.bad("only the legacy X-Hub-Signature (sha1=), though it is right", "a SHA-1 signature alone must not be accepted", body=escaped, headers=only_sha1)
    unescaped = compact(msg)
    c.bad("body re-encoded as UTF-8 (\\uXXXX unescaped) under the signature of the escaped body", "Meta signs the bytes it sends (escaped); re-encoding changes them",
          body=unescaped, headers=hdr(escaped))
    challenge = "1158201444"
    c.ok("GET verification request: answer hub.challenge when hub.verify_token matches", secrets=[app_secret], body="", headers={}, method="GET",
         url=f"https://example.com/webhooks/meta?hub.mode=subscribe&hub.challenge={challenge}&hub.verify_token=meatyhamhock", answer=challenge, event_id=None,
         reason="unsigned; the verify token (chosen in the App Dashboard) is compared, not the app secret")
    c.bad("GET verification request with another verify token", "hub.verify_token differs: answer 403", secrets=[app_secret], body="", headers={}, method="GET",
          url=f"https://example.com/webhooks/meta?hub.mode=subscribe&hub.challenge={challenge}&hub.verify_token=wrong", event_id=None)
    for v in c.vectors:
        if v.get("method") == "GET":
            v["verify_tokens"] = ["meatyhamhock"]
    check_and_write("meta.json", "meta", c.vectors, meta_verify, {
        "scheme": "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body as sent (non-ASCII escaped)>, key = the app secret; GET hub.challenge handshake with the verify token",
        "signature_header": "X-Hub-Signature-256",
        "signer": "Python hmac following Meta's documented recipe (Graph API webhooks, WhatsApp Cloud API)",
        "event_id": "none per delivery; inside the body, e.g. WhatsApp messages[].id (signed)",
        "fields": {"verify_tokens": "GET handshake vectors only: the verify tokens the receiver configured (not secrets)"},
    })


# ------------------------------------------------------------------ Xero


def xero():
    key, other = "OSd0eLlVIY9ZhViEqlDUh4+6n6M+Lo+eDaEJheJ6OCCgWwIz2D3JIAU6jPMipHRbgKTLz2uJ+xiACXGDBLrgdA==", "AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKKKllllMMMMnnnnOOOOpppp0000111122223333444455=="
    ev = compact({"events": [{"resourceUrl": "https://api.xero.com/api.xro/2.0/Contacts/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777", "resourceId": "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777",
                              "eventDateUtc": "2026-09-21T14:13:17.283", "eventType": "CREATE", "eventCategory": "CONTACT", "tenantId": "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f", "tenantType": "ORGANISATION"}],
                  "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "S0m3r4Nd0mt3xt"})
    itr = compact({"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": "YSXPMLQEHDMFPQXDZBBF"})
    hdr = lambda body, k=key: {"Content-Type": "application/json; charset=utf-8", "x-xero-signature": mac(hashlib.sha256, k, body, "base64")}  # noqa: E731
    c = Collector(secrets=[key], event_id=None)
    c.ok("CONTACT CREATE", body=ev, headers=hdr(ev))
    c.ok("Intent to Receive, correctly signed: answer 200 with an empty body", body=itr, headers=hdr(itr), answer={"status": 200})
    c.bad("Intent to Receive, wrongly signed: answer 401", "Xero checks that a wrong signature gets 401", body=itr, headers=hdr(itr, other), answer={"status": 401})
    c.ok("the key as shown (base64 text) is the HMAC key, not its decoded bytes", body=ev, headers=hdr(ev), reason="the key string's UTF-8 bytes")
    good = hdr(ev)["x-xero-signature"]
    standard_negatives(c, body=ev, headers=hdr(ev), header_name="x-xero-signature", good=good, secret=key, other=other,
                       prefix="", alg=hashlib.sha256, encoding="base64", tamper_from='"CREATE"', tamper_to='"DELETE"')
    c.bad("HMAC under the base64-decoded key", "the key is used as the text shown, not decoded", body=ev,
          headers={**hdr(ev), "x-xero-signature": mac(hashlib.sha256, base64.b64decode(key), ev, "base64")})
    check_and_write("xero.json", "xero", c.vectors, body_mac_verifier("x-xero-signature", "", hashlib.sha256, "base64"), {
        "scheme": "x-xero-signature: <base64 HMAC-SHA256 of the raw body>, key = the app's webhook key as shown (its UTF-8 bytes); Intent to Receive: 200 for right, 401 for wrong signatures",
        "signature_header": "x-xero-signature",
        "signer": "Python hmac following Xero's documented recipe: xero-node 20.0.0 has no webhook verifier",
        "event_id": None,
    })


# ------------------------------------------------------------------ Dropbox


def dropbox_verify(secrets, body, headers, now, entry):
    if entry.get("method") == "GET":
        return True, "accepted"
    return any_secret(secrets, lambda s: mac(hashlib.sha256, s, body), header(headers, "X-Dropbox-Signature"))


def dropbox():
    secret, other = "k3f9a2m7q1z8x4c6", "0a1b2c3d4e5f6g7h"
    note = compact({"list_folder": {"accounts": ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc", "dbid:AAAu-cXnBl7cw2k3Dm9Ej3R8ncQ_fLCQA9Q"]},
                    "delta": {"users": [12345, 67890]}})
    hdr = lambda body, s=secret: {"Content-Type": "application/json", "User-Agent": "DropboxWebhooks/1.0", "X-Dropbox-Signature": mac(hashlib.sha256, s, body)}  # noqa: E731
    c = Collector(secrets=[secret], event_id=None, method="POST")
    c.ok("list_folder notification", body=note, headers=hdr(note))
    c.ok("rotation: receiver holds two app secrets", secrets=[other, secret], body=note, headers=hdr(note))
    one = compact({"list_folder": {"accounts": ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]}, "delta": {"users": [12345]}})
    c.ok("one account changed", body=one, headers=hdr(one))
    c.ok("GET verification request: echo the challenge (text/plain, X-Content-Type-Options: nosniff)", body="", headers={}, method="GET",
         url="https://example.com/webhooks/dropbox?challenge=8a7c3e1b9d4f2a6c", answer="8a7c3e1b9d4f2a6c", reason="unsigned; Dropbox checks the echo within 10 s")
    good = hdr(note)["X-Dropbox-Signature"]
    standard_negatives(c, body=note, headers=hdr(note), header_name="X-Dropbox-Signature", good=good, secret=secret, other=other,
                       prefix="", alg=hashlib.sha256, encoding="hex", tamper_from="12345", tamper_to="12346")
    check_and_write("dropbox.json", "dropbox", c.vectors, dropbox_verify, {
        "scheme": "X-Dropbox-Signature: <hex HMAC-SHA256 of the raw body>, key = the app secret; GET ?challenge= echo handshake",
        "signature_header": "X-Dropbox-Signature",
        "signer": "Python hmac following Dropbox's documented recipe",
        "event_id": None,
    })


# ------------------------------------------------------------------ Sentry


def sentry():
    secret, other = "5b9f1d3e7a2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f", "0000000000000000000000000000000000000000000000000000000000000000"
    issue = compact({"action": "created", "installation": {"uuid": "a8e5d37a-696c-4c54-adb5-b3f28d64c7de"},
                     "data": {"issue": {"id": "1117540176", "shortId": "IPE-1", "title": "Error: Something went wrong — «é»", "culprit": "raiseError(app/main)",
                                        "level": "error", "status": "unresolved", "project": {"id": "1", "name": "ipe", "slug": "ipe", "platform": "node"},
                                        "firstSeen": iso(NOW - 10), "lastSeen": iso(NOW - 10)}},
                     "actor": {"type": "application", "id": "sentry", "name": "Sentry"}})
    hdr = lambda body, s=secret: {"Content-Type": "application/json", "Request-ID": uuid("sentry-request-1"), "Sentry-Hook-Resource": "issue",  # noqa: E731
                                  "Sentry-Hook-Timestamp": str(NOW - 1), "Sentry-Hook-Signature": mac(hashlib.sha256, s, body)}
    c = Collector(secrets=[secret], event_id=uuid("sentry-request-1"))
    c.ok("issue created, non-ASCII title (UTF-8)", body=issue, headers=hdr(issue))
    c.ok("rotation: receiver holds two client secrets", secrets=[other, secret], body=issue, headers=hdr(issue))
    c.ok("Sentry-Hook-Timestamp an hour old: still accepted", body=issue, headers={**hdr(issue), "Sentry-Hook-Timestamp": str(NOW - 3600)},
         reason="the timestamp header is not signed; the recipe checks no time")
    good = hdr(issue)["Sentry-Hook-Signature"]
    standard_negatives(c, body=issue, headers=hdr(issue), header_name="Sentry-Hook-Signature", good=good, secret=secret, other=other,
                       prefix="", alg=hashlib.sha256, encoding="hex", tamper_from='"level":"error"', tamper_to='"level":"info"')
    pretty = json.dumps(json.loads(issue), indent=2, ensure_ascii=False)
    c.edge("pretty-printed body signed as sent", "Sentry's docs sample signs JSON.stringify(request.body) (a re-serialization); a raw-body verifier accepts this, the sample does not", body=pretty, headers=hdr(pretty))
    check_and_write("sentry.json", "sentry", c.vectors, body_mac_verifier("Sentry-Hook-Signature", "", hashlib.sha256, "hex"), {
        "scheme": "Sentry-Hook-Signature: <hex HMAC-SHA256 of the body>, key = the integration's client secret; Sentry-Hook-Timestamp is not signed",
        "signature_header": "Sentry-Hook-Signature",
        "signer": "Python hmac following Sentry's documented recipe (integration platform webhooks)",
        "event_id": "Request-ID header (unsigned)",
    })


def main():
    for build in (intercom, lemonsqueezy, typeform, calendly, pagerduty, vercel, bitbucket, meta, xero, dropbox, sentry):
        build()
    if failures:
        print("recipe verdicts differ from the vectors:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
