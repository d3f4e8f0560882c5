#!/usr/bin/env python3
"""Writes slack.json, twilio.json, square.json, hubspot.json, razorpay.json,
paddle.json, discord.json, sendgrid.json and standard_webhooks_v1a.json:
vectors made with, and checked by, the providers' own Python SDKs.

Run from the repository root, after installing the pinned libraries:

    python3 -m venv /tmp/vectors-venv
    /tmp/vectors-venv/bin/pip install -r tests/vectors/requirements.txt
    /tmp/vectors-venv/bin/python tests/vectors/generate_sdk_providers.py

Who signs (each file's "signer" says it again):
- Slack, HubSpot, Paddle, Twilio: the SDK's own signing function
  (SignatureVerifier.generate_signature, Signature.get_signature,
  PaddleSignature.calculate_hmac, RequestValidator.compute_signature).
- Square and Razorpay: their SDKs only verify, so Python's hmac signs exactly
  what the SDK's verifier computes (the published SDK test vectors are included).
- Discord and Standard Webhooks v1a: PyNaCl (libsodium) Ed25519, from fixed seeds.
- SendGrid: `cryptography` ECDSA P-256/SHA-256 with RFC 6979 deterministic
  nonces, from a fixed private scalar (SendGrid's SDK only verifies).
- Standard Webhooks v1a is verified by a recipe that follows the spec (no
  library verifies v1a); every other verdict comes from the provider's SDK,
  run with its clock pinned to the vector's `now`. The run stops if a verdict
  differs from a conformance vector's `valid`.

Format: tests/vectors/PROVIDERS.md section 9, with these optional fields per
vector where the scheme needs them:
    "method"      the HTTP method (HubSpot, Twilio)
    "url"         the request's full public URL as the receiver verifies it: for a
                  valid vector, the URL the provider signed
    "signed_url"  only where it differs from "url": the URL the signature was
                  actually computed over (the http/https, host, slash, port and
                  query-string negatives)
    "form"        Twilio form posts: the [name, value] pairs as sent, in order
                  ("body" is their form encoding)
    "public_key"  asymmetric schemes: the key as the provider shows it (also in
                  "secrets", which is what a receiver configures)
and, for asymmetric schemes, a top-level "signing_keys" map {public key:
private key} of the deterministic test keys used to sign.
"""

import base64
import hashlib
import hmac
import json
import logging
import pathlib
import sys
import urllib.parse

import provider_libs as libs

if libs.IMPORT_ERROR is not None or libs.SDK_IMPORT_ERROR is not None:
    sys.exit(f"missing provider library ({libs.IMPORT_ERROR or libs.SDK_IMPORT_ERROR}); "
             "see the install commands at the top of this file")

import nacl.signing  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature  # noqa: E402
from hubspot.utils.signature import Signature as HubSpotSignature  # noqa: E402
from paddle_billing.Notifications import PaddleSignature  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from generate_providers import det_bytes, long_body  # noqa: E402

# The SDKs log their refusals (Twilio warns of an unsupported algorithm, Paddle of each failure).
logging.getLogger("twilio").setLevel(logging.ERROR)
logging.getLogger("paddle_billing").setLevel(logging.CRITICAL + 1)

HERE = pathlib.Path(__file__).resolve().parent
GENERATED_BY = "tests/vectors/generate_sdk_providers.py"

NOW = 1790000000
T = NOW - 1
V = libs.sdk_libraries()


def body_fields(body):
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode()}


def body_of(entry):
    if "body" in entry:
        return entry["body"].encode("utf-8")
    return base64.b64decode(entry["body_base64"])


def vec(name, kind, secrets, body, headers, now, valid=None, reason=None, *, method=None, url=None,
        signed_url=None, form=None, public_key=None, timestamp=None, event_id=None):
    entry = {"name": name, "kind": kind, "secrets": list(secrets)}
    entry.update(body_fields(body))
    entry["headers"] = headers
    if method is not None:
        entry["method"] = method
    if url is not None:
        entry["url"] = url
    if signed_url is not None and signed_url != url:
        entry["signed_url"] = signed_url
    if form is not None:
        entry["form"] = [list(pair) for pair in form]
    if public_key is not None:
        entry["public_key"] = public_key
    if timestamp is not None:
        entry["timestamp"] = timestamp
    entry["event_id"] = event_id
    entry["now"] = now
    if kind == "conformance":
        assert valid is not None, name
        entry["valid"] = valid
    else:
        assert kind == "library-edge" and valid is None, name
    if reason:
        entry["reason"] = reason
    return entry


def request_kwargs(entry):
    return {k: entry[k] for k in ("url", "method", "form") if k in entry}


def check(vectors, verifiers):
    """Runs each applicable verifier; conformance vectors must get their `valid` from every enforced one.

    `verifiers` maps a label to (function, applies(vector), enforced(vector)); a verifier that
    applies but is not enforced is recorded only (HubSpot's SDK given an undecoded URI).
    """
    failures = []
    names = set()
    for entry in vectors:
        assert entry["name"] not in names, f"duplicate vector name {entry['name']!r}"
        names.add(entry["name"])
        verdicts = {}
        for label, (verify, applies, enforced) in verifiers.items():
            if not applies(entry):
                continue
            ok, message = verify(entry["secrets"], body_of(entry), entry["headers"], entry["now"], **request_kwargs(entry))
            verdicts[label] = message
            if entry["kind"] == "conformance" and enforced(entry) and ok != entry["valid"]:
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


def always(entry):
    return True


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64(raw):
    return base64.b64encode(raw).decode()


def hmac256(key, msg):
    return hmac.new(key, msg, hashlib.sha256)


UNICODE_TEXT = "Zoë Ångström-Łukasiewicz 山田 — naïve café 👍"


# ---------------------------------------------------------------- Slack

SLACK_SECRET = det_bytes("slack-signing-secret", 16).hex()
SLACK_OLD = det_bytes("slack-signing-secret-old", 16).hex()
# Slack's worked example (api.slack.com/authentication/verifying-requests-from-slack).
SLACK_DOC = {
    "secret": "8f742231b10e8888abcd99yyyzzz85a5",
    "timestamp": "1531420618",
    "body": "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
            "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
            "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
    "signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
}


def slack_sign(secret, ts, body):
    return SignatureVerifier(secret).generate_signature(timestamp=str(ts), body=body)


def slack_headers(ts, signature, content_type="application/json", extra=None):
    h = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
         "X-Slack-Request-Timestamp": str(ts)}
    if signature is not None:
        h["X-Slack-Signature"] = signature
    h.update(extra or {})
    return h


def slack_event(event_id, event, event_time=T - 1):
    return compact({
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "team_id": "T061EG9R6", "api_app_id": "A0PNCHHK2",
        "event": event, "type": "event_callback", "event_id": event_id, "event_time": event_time,
        "authorizations": [{"enterprise_id": None, "team_id": "T061EG9R6", "user_id": "U0LAN0Z89",
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False, "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
    })


def slack_vectors():
    eid = "Ev08MFMKH6"
    mention = {"type": "app_mention", "user": "U061F7AUR", "text": "<@U0LAN0Z89> is it everything a river should be?",
               "ts": "1515449522.000016", "channel": "C123ABC456", "event_ts": "1515449522000016"}
    body = slack_event(eid, mention)
    sig = slack_sign(SLACK_SECRET, T, body)

    def ok(name, secrets, body, headers, now=NOW, t=T, event_id=eid, kind="conformance", reason=None):
        valid = True if kind == "conformance" else None
        return vec(name, kind, secrets, body, headers, now, valid, reason, timestamp=t, event_id=event_id)

    def bad(name, body, headers, reason, secrets=(SLACK_SECRET,), now=NOW, t=T, event_id=eid):
        return vec(name, "conformance", secrets, body, headers, now, False, reason, timestamp=t, event_id=event_id)

    v = [ok("event_callback app_mention", [SLACK_SECRET], body, slack_headers(T, sig))]
    challenge = compact({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
                         "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"})
    v.append(ok("url_verification handshake (signed like any request)", [SLACK_SECRET], challenge,
                slack_headers(T, slack_sign(SLACK_SECRET, T, challenge)), event_id=None,
                reason="answer 200 with the challenge value (text/plain, or JSON {\"challenge\": …})"))
    doc_body = SLACK_DOC["body"].encode()
    assert slack_sign(SLACK_DOC["secret"], SLACK_DOC["timestamp"], doc_body) == SLACK_DOC["signature"]
    v.append(ok("Slack's published example (slash command, form-encoded)", [SLACK_DOC["secret"]], doc_body,
                slack_headers(SLACK_DOC["timestamp"], SLACK_DOC["signature"], "application/x-www-form-urlencoded"),
                now=int(SLACK_DOC["timestamp"]), t=int(SLACK_DOC["timestamp"]), event_id=None))
    slash = urllib.parse.urlencode([
        ("token", "gIkuvaNzQIHg97ATvDxqgjtO"), ("team_id", "T0001"), ("team_domain", "example"),
        ("enterprise_id", "E0001"), ("enterprise_name", "Globular Construct Inc"), ("channel_id", "C2147483705"),
        ("channel_name", "test"), ("user_id", "U2147483697"), ("user_name", "Steve"), ("command", "/weather"),
        ("text", "94070 — Zoë"), ("response_url", "https://hooks.slack.com/commands/1234/5678"),
        ("trigger_id", "13345224609.738474920.8088930838d88f008e0"), ("api_app_id", "A123456")]).encode()
    v.append(ok("slash command, form-encoded, non-ASCII text", [SLACK_SECRET], slash,
                slack_headers(T, slack_sign(SLACK_SECRET, T, slash), "application/x-www-form-urlencoded"), event_id=None))
    interactive = ("payload=" + urllib.parse.quote_plus(json.dumps(
        {"type": "block_actions", "user": {"id": "U061F7AUR", "username": "zoë"}, "api_app_id": "A0PNCHHK2",
         "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "trigger_id": "12466734323.1395872398",
         "actions": [{"action_id": "approve", "block_id": "b1", "type": "button", "value": "yes", "action_ts": "1515449522.000016"}]},
        separators=(",", ":"), ensure_ascii=False))).encode()
    v.append(ok("interactivity payload= (form-encoded JSON)", [SLACK_SECRET], interactive,
                slack_headers(T, slack_sign(SLACK_SECRET, T, interactive), "application/x-www-form-urlencoded"), event_id=None))
    retry_t = T + 60
    v.append(ok("a retry: X-Slack-Retry-Num 1, new timestamp, same event_id", [SLACK_SECRET], body,
                slack_headers(retry_t, slack_sign(SLACK_SECRET, retry_t, body),
                              extra={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}),
                now=retry_t + 1, t=retry_t, reason="retry headers are unsigned; the body's event_id is the dedup key"))
    v.append(ok("rotation: receiver holds the old and the new signing secret", [SLACK_OLD, SLACK_SECRET], body, slack_headers(T, sig)))
    uni = slack_event("Ev08UNIC0D", {"type": "message", "user": "U061F7AUR", "text": UNICODE_TEXT, "ts": "1515449523.000017",
                                     "channel": "C123ABC456", "event_ts": "1515449523.000017", "channel_type": "channel"})
    v.append(ok("non-ASCII body (UTF-8)", [SLACK_SECRET], uni, slack_headers(T, slack_sign(SLACK_SECRET, T, uni)), event_id="Ev08UNIC0D"))
    big = long_body("Ev_long_64k")
    v.append(ok("64 KiB body", [SLACK_SECRET], big, slack_headers(T, slack_sign(SLACK_SECRET, T, big)), event_id=None))
    v.append(ok("timestamp exactly 300 s old", [SLACK_SECRET], body, slack_headers(T, sig), now=T + 300))
    v.append(ok("timestamp exactly 300 s in the future", [SLACK_SECRET], body, slack_headers(T, sig), now=T - 300))

    v.append(bad("wrong secret", body, slack_headers(T, sig), "signed under another secret", secrets=[SLACK_OLD]))
    v.append(bad("tampered body", body.replace(b"river", b"ocean"), slack_headers(T, sig), "the text was changed after signing"))
    v.append(bad("timestamp changed after signing", body, slack_headers(T + 1, sig), "the timestamp is signed", t=T + 1))
    v.append(bad("timestamp 301 s old", body, slack_headers(T, sig), "outside the SDK's 5 minutes", now=T + 301))
    v.append(bad("timestamp 301 s in the future", body, slack_headers(T, sig), "outside the SDK's 5 minutes (both ways)", now=T - 301))
    v.append(bad("X-Slack-Signature absent", body, slack_headers(T, None), "no signature"))
    no_ts = slack_headers(T, sig)
    del no_ts["X-Slack-Request-Timestamp"]
    v.append(bad("X-Slack-Request-Timestamp absent", body, no_ts, "the timestamp is part of what is signed"))
    v.append(bad("v0= with nothing after it", body, slack_headers(T, "v0="), "an empty signature must never match"))
    v.append(bad("empty header value", body, slack_headers(T, ""), "no signature"))
    v.append(bad("hex truncated to 32 digits", body, slack_headers(T, sig[:35]), "a prefix of the right signature"))
    v.append(bad("bare hex without v0=", body, slack_headers(T, sig[3:]), "the header is v0=<hex>"))
    mac = hmac256(SLACK_SECRET.encode(), f"v0:{T}:".encode() + body)
    v.append(bad("the right MAC in base64", body, slack_headers(T, "v0=" + b64(mac.digest())), "the signature is hex"))
    v.append(bad("the right MAC labelled v1=", body, slack_headers(T, "v1=" + mac.hexdigest()), "only v0 exists"))
    v.append(bad("MAC of the body alone", body, slack_headers(T, "v0=" + hmac256(SLACK_SECRET.encode(), body).hexdigest()),
                 "the signed content is v0:{timestamp}:{body}"))
    v.append(bad("MAC over `{t}.{body}` (Stripe's shape)", body,
                 slack_headers(T, "v0=" + hmac256(SLACK_SECRET.encode(), f"{T}.".encode() + body).hexdigest()),
                 "the signed content is v0:{timestamp}:{body}"))
    v.append(bad("key hex-decoded from the secret", body,
                 slack_headers(T, "v0=" + hmac256(bytes.fromhex(SLACK_SECRET), f"v0:{T}:".encode() + body).hexdigest()),
                 "the key is the signing secret's text as shown, not its hex decoding"))
    v.append(bad("fractional timestamp", body, slack_headers(f"{T}.5", slack_sign(SLACK_SECRET, f"{T}.5", body)),
                 "Slack sends integer seconds; the SDK's int() raises on anything else"))

    def edge(name, body, headers, reason, now=NOW, t=T):
        return ok(name, [SLACK_SECRET], body, headers, now=now, t=t, kind="library-edge", reason=reason)

    v.append(edge("upper-case hex", body, slack_headers(T, "v0=" + sig[3:].upper()),
                  "Slack sends lower case; the SDK compares strings, so upper case is refused"))
    v.append(edge("timestamp with a leading zero, signed as sent", body, slack_headers(f"0{T}", slack_sign(SLACK_SECRET, f"0{T}", body)),
                  "the SDK signs the header text verbatim (int() only for the age check), so a receiver that re-renders the number refuses"))
    return v


# ---------------------------------------------------------------- Twilio

TWILIO_TOKEN = det_bytes("twilio-auth-token", 16).hex()
TWILIO_SECONDARY = det_bytes("twilio-auth-token-secondary", 16).hex()
TWILIO_SHARED_KEY = base64.b64encode(det_bytes("twilio-shared-key", 32)).decode()
TWILIO_URL = "https://api.example.com/twilio/sms?tenant=acme&region=eu"
# Twilio's worked example (twilio.com/docs/usage/webhooks/webhooks-security).
TWILIO_DOC = {
    "token": "12345", "url": "https://mycompany.com/myapp.php?foo=1&bar=2",
    "form": [("To", "+18005551212"), ("CallSid", "CA1234567890ABCDE"), ("Digits", "1234"),
             ("From", "+12349013030"), ("Caller", "+12349013030")],
    "signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
}


def twilio_sign(secret, url, form, algorithm=None):
    return RequestValidator(secret).compute_signature(url, MultiDict(form), algorithm)


def twilio_headers(signature, content_type="application/x-www-form-urlencoded", settings=None):
    h = {"Content-Type": content_type}
    if signature is not None:
        h["X-Twilio-Signature"] = signature
    if settings is not None:
        h["X-Twilio-Webhooks-Signature-Settings"] = settings
    return h


def twilio_vectors():
    sms = [("ToCountry", "US"), ("ToState", "CA"), ("SmsMessageSid", "SM7f8a2c1e9b3d4f5a6b7c8d9e0f1a2b3c"),
           ("NumMedia", "0"), ("ToCity", "SAN FRANCISCO"), ("FromZip", "94105"),
           ("SmsSid", "SM7f8a2c1e9b3d4f5a6b7c8d9e0f1a2b3c"), ("FromState", "CA"), ("SmsStatus", "received"),
           ("FromCity", "SAN FRANCISCO"), ("Body", "Hello from Twilio! Reply STOP to opt out."), ("FromCountry", "US"),
           ("To", "+14155550100"), ("ToZip", "94105"), ("NumSegments", "1"), ("MessageSid", "SM7f8a2c1e9b3d4f5a6b7c8d9e0f1a2b3c"),
           ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("From", "+14155550199"), ("ApiVersion", "2010-04-01")]
    mid = "SM7f8a2c1e9b3d4f5a6b7c8d9e0f1a2b3c"
    sig = twilio_sign(TWILIO_TOKEN, TWILIO_URL, sms)

    def entry(name, kind, valid, secrets, form, headers, url=TWILIO_URL, signed_url=None, reason=None,
              body=None, event_id=mid, method="POST"):
        raw = body if body is not None else urllib.parse.urlencode(form).encode()
        return vec(name, kind, secrets, raw, headers, NOW, valid, reason, method=method, url=url,
                   signed_url=signed_url or url, form=form, event_id=event_id)

    def ok(name, secrets, form, headers, **kw):
        return entry(name, "conformance", True, secrets, form, headers, **kw)

    def bad(name, form, headers, reason, secrets=(TWILIO_TOKEN,), **kw):
        return entry(name, "conformance", False, secrets, form, headers, reason=reason, **kw)

    def edge(name, form, headers, reason, secrets=(TWILIO_TOKEN,), **kw):
        return entry(name, "library-edge", None, secrets, form, headers, reason=reason, **kw)

    d = TWILIO_DOC
    assert twilio_sign(d["token"], d["url"], d["form"]) == d["signature"]
    v = [ok("Twilio's published example (fields sent unsorted)", [d["token"]], d["form"], twilio_headers(d["signature"]),
            url=d["url"], event_id="CA1234567890ABCDE")]
    v.append(ok("incoming SMS, query string in the URL", [TWILIO_TOKEN], sms, twilio_headers(sig)))
    status = [("SmsSid", mid), ("SmsStatus", "delivered"), ("MessageStatus", "delivered"), ("To", "+14155550199"),
              ("MessageSid", mid), ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("From", "+14155550100"),
              ("ApiVersion", "2010-04-01"), ("ErrorCode", "")]
    status_url = "https://api.example.com/twilio/status"
    v.append(ok("message status callback, an empty field", [TWILIO_TOKEN], status,
                twilio_headers(twilio_sign(TWILIO_TOKEN, status_url, status)), url=status_url))
    uni = [("Body", UNICODE_TEXT), ("From", "+14155550199"), ("To", "+14155550100"), ("MessageSid", "SMunicode0000000000000000000000001"),
           ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("NumMedia", "1"),
           ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC01/Messages/MM01/Media/ME01"),
           ("MediaContentType0", "image/jpeg")]
    v.append(ok("non-ASCII message body and a media URL", [TWILIO_TOKEN], uni, twilio_headers(twilio_sign(TWILIO_TOKEN, TWILIO_URL, uni)),
                event_id="SMunicode0000000000000000000000001"))
    port_url = TWILIO_URL.replace("api.example.com", "api.example.com:443")
    v.append(ok("signed with an explicit :443, receiver's URL without a port", [TWILIO_TOKEN], sms,
                twilio_headers(twilio_sign(TWILIO_TOKEN, port_url, sms)), signed_url=port_url,
                reason="the SDK tries the URL with and without the default port: 'sig generation on back end is inconsistent'"))
    v.append(ok("rotation: receiver holds the secondary and the primary Auth Token", [TWILIO_SECONDARY, TWILIO_TOKEN], sms, twilio_headers(sig)))
    json_body = compact({"event_type": "com.twilio.messaging.message.delivered", "account_sid": "AC0123456789abcdef0123456789abcdef",
                         "message_sid": mid, "status": "delivered"})
    body_hash = hashlib.sha256(json_body).hexdigest()
    json_url = f"https://api.example.com/twilio/events?bodySHA256={body_hash}"
    json_sig = RequestValidator(TWILIO_TOKEN).compute_signature(json_url, {})
    v.append(ok("JSON body, bodySHA256 in the query string", [TWILIO_TOKEN], None,
                twilio_headers(json_sig, "application/json"), url=json_url, body=json_body))
    settings = "key=webhooks_sharedkey_0123456789abcdef0123456789abcdef,algorithm=HMAC_SHA256"
    sha256_sig = twilio_sign(TWILIO_SHARED_KEY, TWILIO_URL, sms, "HMAC_SHA256")
    v.append(ok("HMAC-SHA256 with a SharedKey (X-Twilio-Webhooks-Signature-Settings)", [TWILIO_SHARED_KEY], sms,
                twilio_headers(sha256_sig, settings=settings)))

    v.append(bad("wrong Auth Token", sms, twilio_headers(sig), "signed under another token", secrets=[TWILIO_SECONDARY]))
    tampered = [(k, "Send me $1000" if k == "Body" else val) for k, val in sms]
    v.append(bad("a field changed after signing", tampered, twilio_headers(sig), "every POST field is signed"))
    v.append(bad("a field added after signing", sms + [("Extra", "1")], twilio_headers(sig), "every POST field is signed"))
    v.append(bad("a field removed after signing", sms[1:], twilio_headers(sig), "every POST field is signed"))
    v.append(bad("http on the receiver, https signed", sms, twilio_headers(sig), "the scheme is signed",
                 url=TWILIO_URL.replace("https://", "http://"), signed_url=TWILIO_URL))
    v.append(bad("another host", sms, twilio_headers(sig), "the host is signed",
                 url=TWILIO_URL.replace("api.example.com", "hooks.example.com"), signed_url=TWILIO_URL))
    v.append(bad("a trailing slash on the path", sms, twilio_headers(sig), "the path is signed as configured",
                 url=TWILIO_URL.replace("/sms?", "/sms/?"), signed_url=TWILIO_URL))
    v.append(bad("a query value changed", sms, twilio_headers(sig), "the query string is signed",
                 url=TWILIO_URL.replace("region=eu", "region=us"), signed_url=TWILIO_URL))
    v.append(bad("query parameters reordered", sms, twilio_headers(sig), "the query string is signed as sent, not sorted",
                 url="https://api.example.com/twilio/sms?region=eu&tenant=acme", signed_url=TWILIO_URL))
    v.append(bad("the query string dropped", sms, twilio_headers(sig), "the query string is signed",
                 url="https://api.example.com/twilio/sms", signed_url=TWILIO_URL))
    mac = hmac.new(TWILIO_TOKEN.encode(), (TWILIO_URL + "".join(k + val for k, val in sorted(sms))).encode(), hashlib.sha1)
    assert b64(mac.digest()) == sig
    v.append(bad("the right MAC in hex", sms, twilio_headers(mac.hexdigest()), "the signature is base64"))
    v.append(bad("base64 truncated", sms, twilio_headers(sig[:20]), "a prefix of the right signature"))
    v.append(bad("empty X-Twilio-Signature", sms, twilio_headers(""), "an empty signature must never match"))
    v.append(bad("X-Twilio-Signature absent", sms, twilio_headers(None), "no signature (the SDK raises TypeError on None)"))
    hex_key = hmac.new(bytes.fromhex(TWILIO_TOKEN), (TWILIO_URL + "".join(k + val for k, val in sorted(sms))).encode(), hashlib.sha1)
    v.append(bad("key hex-decoded from the Auth Token", sms, twilio_headers(b64(hex_key.digest())),
                 "the key is the Auth Token's text as shown"))
    unsorted = hmac.new(TWILIO_TOKEN.encode(), (TWILIO_URL + "".join(k + val for k, val in sms)).encode(), hashlib.sha1)
    v.append(bad("fields concatenated in the order sent, not sorted", sms, twilio_headers(b64(unsorted.digest())),
                 "the fields are sorted by name before signing"))
    url_only = hmac.new(TWILIO_TOKEN.encode(), TWILIO_URL.encode(), hashlib.sha1)
    v.append(bad("MAC of the URL alone, fields left out", sms, twilio_headers(b64(url_only.digest())),
                 "the POST fields are part of the signed string"))
    v.append(bad("SHA-256 signature without the settings header", sms, twilio_headers(sha256_sig),
                 "absent X-Twilio-Webhooks-Signature-Settings means HMAC-SHA1 with the Auth Token", secrets=[TWILIO_SHARED_KEY]))
    v.append(bad("settings header names an unsupported algorithm", sms,
                 twilio_headers(sha256_sig, settings=settings.replace("HMAC_SHA256", "HMAC_SHA512")),
                 "the SDK refuses any algorithm but HMAC_SHA1 and HMAC_SHA256", secrets=[TWILIO_SHARED_KEY]))
    v.append(bad("JSON body changed after signing", None, twilio_headers(json_sig, "application/json"),
                 "bodySHA256 (signed, in the URL) no longer matches the body", url=json_url,
                 body=json_body.replace(b"delivered\"}", b"failed\"}")))
    v.append(bad("bodySHA256 in upper-case hex", None, twilio_headers(
        RequestValidator(TWILIO_TOKEN).compute_signature(json_url.replace(body_hash, body_hash.upper()), {}), "application/json"),
        "the SDK compares the hex strings (Twilio sends lower case)", url=json_url.replace(body_hash, body_hash.upper()), body=json_body))
    bare_url = "https://api.example.com/twilio/events"
    v.append(bad("JSON body, no bodySHA256 in the URL", None,
                 twilio_headers(RequestValidator(TWILIO_TOKEN).compute_signature(bare_url, {}), "application/json"),
                 "nothing signed covers the body (the SDK raises TypeError)", url=bare_url, body=json_body))

    alt_port = TWILIO_URL.replace("api.example.com", "api.example.com:8443")
    v.append(edge("receiver's URL on port 8443, signature over the URL without a port", sms, twilio_headers(sig),
                  "the SDK strips any port, not only the default one, so a signature for another port's URL passes",
                  url=alt_port, signed_url=TWILIO_URL))
    dup = [("To", "+14155550100"), ("From", "+14155550199"), ("Body", "hi"), ("Tag", "b"), ("Tag", "a"), ("Tag", "a")]
    v.append(edge("a repeated field, one name=value pair twice", dup, twilio_headers(twilio_sign(TWILIO_TOKEN, TWILIO_URL, dup)),
                  "the SDK sorts a name's values and drops duplicate pairs (sorted(set(values))); Twilio's own rule for repeats is unpublished",
                  event_id=None))
    naive = hmac.new(TWILIO_TOKEN.encode(), (TWILIO_URL + "".join(k + val for k, val in sorted(dup))).encode(), hashlib.sha1)
    v.append(edge("a repeated field, signature over both copies", dup, twilio_headers(b64(naive.digest())),
                  "a signer that keeps duplicate pairs (sorted, both concatenated) is refused by the SDK, which drops them",
                  event_id=None))
    return v


# ---------------------------------------------------------------- Square

SQUARE_KEY = base64.urlsafe_b64encode(det_bytes("square-signature-key", 16)).decode().rstrip("=")
SQUARE_OLD = base64.urlsafe_b64encode(det_bytes("square-signature-key-old", 16)).decode().rstrip("=")
SQUARE_URL = "https://api.example.com/square/webhooks"
# square-python-sdk's own test vector (tests/utils/test_webhooks_helper.py, also in its Java, Node, PHP, Ruby, Go SDKs).
SQUARE_SDK = {
    "body": '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f",'
            '"created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
    "signature": "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=",
    "key": "Ibxx_5AKakO-3qeNVR61Dw",
    "url": "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9",
}


def square_sign(key, url, body):
    """What the SDK's verify_signature computes: base64(HMAC-SHA256(key as text, url + body))."""
    return b64(hmac256(key.encode(), url.encode() + body).digest())


def square_headers(signature, extra=None):
    h = {"Content-Type": "application/json", "square-environment": "Production"}
    if signature is not None:
        h["x-square-hmacsha256-signature"] = signature
    h.update(extra or {})
    return h


def square_event(event_id, event_type, data, created="2026-09-21T14:13:19.123Z"):
    return compact({"merchant_id": "6SSW7HV8K2ST5", "type": event_type, "event_id": event_id,
                    "created_at": created, "data": data})


def square_vectors():
    eid = "b2a6f8c4-5e1d-4a3b-9c7d-0e2f4a6b8c1d"
    body = square_event(eid, "payment.updated", {"type": "payment", "id": "KkAkhdMsgzn59SM8A89WgKwekxLZY", "object": {"payment": {
        "id": "KkAkhdMsgzn59SM8A89WgKwekxLZY", "amount_money": {"amount": 100, "currency": "USD"}, "status": "COMPLETED",
        "source_type": "CARD", "location_id": "S8GWD5R9QB376", "order_id": "03O3USaPaAaFnI6kkwB1JxGgBsUZY",
        "updated_at": "2026-09-21T14:13:18.456Z", "version": 4}}})
    sig = square_sign(SQUARE_KEY, SQUARE_URL, body)

    def entry(name, kind, valid, secrets, body, headers, url=SQUARE_URL, signed_url=None, reason=None, event_id=eid):
        return vec(name, kind, secrets, body, headers, NOW, valid, reason, url=url, signed_url=signed_url or url, event_id=event_id)

    def ok(name, secrets, body, headers, **kw):
        return entry(name, "conformance", True, secrets, body, headers, **kw)

    def bad(name, body, headers, reason, secrets=(SQUARE_KEY,), **kw):
        return entry(name, "conformance", False, secrets, body, headers, reason=reason, **kw)

    s = SQUARE_SDK
    v = [ok("Square's SDK test vector (webhooks.test_notification)", [s["key"]], s["body"].encode(), square_headers(s["signature"]),
            url=s["url"], event_id="ac3ac95b-f97d-458c-a6e6-18981597e05f")]
    v.append(ok("payment.updated", [SQUARE_KEY], body, square_headers(sig)))
    cust_id = "5f3b2c1a-9e8d-4c7b-a6f5-e4d3c2b1a098"
    cust = square_event(cust_id, "customer.created", {"type": "customer", "id": "QPTXM8PQNX3Q726ZYHPMNP46XC", "object": {"customer": {
        "id": "QPTXM8PQNX3Q726ZYHPMNP46XC", "given_name": "Zoë", "family_name": "Ångström 山田", "email_address": "zoe@example.com",
        "created_at": "2026-09-21T14:13:17Z", "creation_source": "THIRD_PARTY", "version": 0}}})
    v.append(ok("customer.created, non-ASCII names", [SQUARE_KEY], cust, square_headers(square_sign(SQUARE_KEY, SQUARE_URL, cust)), event_id=cust_id))
    v.append(ok("a retry: the same bytes and signature", [SQUARE_KEY], body, square_headers(sig),
                reason="nothing time-dependent is signed: a retry is byte-identical; event_id is the dedup key"))
    v.append(ok("rotation: receiver holds the old and the new signature key", [SQUARE_OLD, SQUARE_KEY], body, square_headers(sig)))
    big = long_body("square_long_64k")
    v.append(ok("64 KiB body", [SQUARE_KEY], big, square_headers(square_sign(SQUARE_KEY, SQUARE_URL, big)), event_id=None))

    v.append(bad("wrong signature key", body, square_headers(sig), "signed under another key", secrets=[SQUARE_OLD]))
    v.append(bad("tampered body", body.replace(b'"amount":100', b'"amount":900'), square_headers(sig), "the amount was changed after signing"))
    v.append(bad("http on the receiver, https signed", body, square_headers(sig), "the notification URL is signed as configured",
                 url=SQUARE_URL.replace("https://", "http://"), signed_url=SQUARE_URL))
    v.append(bad("another host", body, square_headers(sig), "the notification URL is signed as configured",
                 url=SQUARE_URL.replace("api.example.com", "hooks.example.com"), signed_url=SQUARE_URL))
    v.append(bad("a trailing slash", body, square_headers(sig), "the notification URL is signed as configured",
                 url=SQUARE_URL + "/", signed_url=SQUARE_URL))
    v.append(bad("an explicit :443", body, square_headers(sig), "the SDK compares the URL as text: no port normalisation",
                 url=SQUARE_URL.replace("api.example.com", "api.example.com:443"), signed_url=SQUARE_URL))
    v.append(bad("a query string added", body, square_headers(sig), "the notification URL is signed as configured",
                 url=SQUARE_URL + "?tenant=acme", signed_url=SQUARE_URL))
    v.append(bad("x-square-hmacsha256-signature absent", body, square_headers(None), "no signature (the SDK raises on None)"))
    legacy = b64(hmac.new(SQUARE_KEY.encode(), SQUARE_URL.encode() + body, hashlib.sha1).digest())
    v.append(bad("only the legacy x-square-signature (HMAC-SHA1)", body, square_headers(None, {"x-square-signature": legacy}),
                 "the SDK reads only the SHA-256 header"))
    v.append(bad("empty signature", body, square_headers(""), "an empty signature must never match"))
    v.append(bad("base64 truncated", body, square_headers(sig[:24]), "a prefix of the right signature"))
    v.append(bad("base64 without its padding", body, square_headers(sig.rstrip("=")), "the SDK compares the padded base64 text"))
    mac = hmac256(SQUARE_KEY.encode(), SQUARE_URL.encode() + body)
    v.append(bad("the right MAC in hex", body, square_headers(mac.hexdigest()), "the signature is base64"))
    decoded_key = base64.urlsafe_b64decode(SQUARE_KEY + "==")
    v.append(bad("key base64url-decoded from the signature key", body,
                 square_headers(b64(hmac256(decoded_key, SQUARE_URL.encode() + body).digest())), "the key is the text as shown"))
    v.append(bad("MAC of the body alone", body, square_headers(b64(hmac256(SQUARE_KEY.encode(), body).digest())),
                 "the signed content is the notification URL followed by the body"))
    v.append(bad("MAC over body + URL (wrong order)", body,
                 square_headers(b64(hmac256(SQUARE_KEY.encode(), body + SQUARE_URL.encode()).digest())), "URL first, then body"))
    v.append(entry("empty body with the right MAC", "library-edge", None, [SQUARE_KEY], b"",
                   square_headers(square_sign(SQUARE_KEY, SQUARE_URL, b"")), event_id=None,
                   reason="the SDK returns False for an empty body before computing anything; Square never sends one"))
    return v


# ---------------------------------------------------------------- HubSpot

HUBSPOT_SECRET = "5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
HUBSPOT_OLD = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"
HUBSPOT_URL = "https://api.example.com/hubspot/webhooks"
TMS = T * 1000 + 123


def hubspot_sign(secret, method, uri, body, timestamp):
    return HubSpotSignature.get_signature(secret, body.decode("utf-8"), "v3", uri, method, str(timestamp))


def hubspot_headers(signature, timestamp, secret=HUBSPOT_SECRET, body=None, extra=None):
    h = {"Content-Type": "application/json", "X-HubSpot-Request-Timestamp": str(timestamp)}
    if signature is not None:
        h["X-HubSpot-Signature-v3"] = signature
    if body is not None:
        h["X-HubSpot-Signature"] = HubSpotSignature.get_signature(secret, body.decode("utf-8"), "v1")
        h["X-HubSpot-Signature-Version"] = "v1"
    h.update(extra or {})
    return h


def hubspot_vectors():
    events = [{"eventId": 1839273829, "subscriptionId": 2881778, "portalId": 62515, "appId": 1160452, "occurredAt": TMS - 2000,
               "subscriptionType": "contact.propertyChange", "attemptNumber": 0, "objectId": 1246965, "propertyName": "email",
               "propertyValue": "zoe@example.com", "changeSource": "CRM", "sourceId": "userId:4200"},
              {"eventId": 1839273830, "subscriptionId": 2881779, "portalId": 62515, "appId": 1160452, "occurredAt": TMS - 1500,
               "subscriptionType": "deal.creation", "attemptNumber": 0, "objectId": 9012873, "changeFlag": "CREATED",
               "changeSource": "CRM", "sourceId": "userId:4200"}]
    body = compact(events)
    sig = hubspot_sign(HUBSPOT_SECRET, "POST", HUBSPOT_URL, body, TMS)

    def entry(name, kind, valid, secrets, body, headers, url=HUBSPOT_URL, signed_url=None, method="POST", now=NOW,
              t=TMS, reason=None, event_id="1839273829"):
        return vec(name, kind, secrets, body, headers, now, valid, reason, method=method, url=url,
                   signed_url=signed_url or url, timestamp=t, event_id=event_id)

    def ok(name, secrets, body, headers, **kw):
        return entry(name, "conformance", True, secrets, body, headers, **kw)

    def bad(name, body, headers, reason, secrets=(HUBSPOT_SECRET,), **kw):
        return entry(name, "conformance", False, secrets, body, headers, reason=reason, **kw)

    def edge(name, body, headers, reason, secrets=(HUBSPOT_SECRET,), **kw):
        return entry(name, "library-edge", None, secrets, body, headers, reason=reason, **kw)

    v = [ok("webhook batch: contact.propertyChange and deal.creation", [HUBSPOT_SECRET], body, hubspot_headers(sig, TMS, body=body))]
    card_url = "https://api.example.com/hubspot/crm-card?userId=4200&portalId=62515&associatedObjectId=1246965"
    v.append(ok("GET (CRM card fetch), empty body, query string", [HUBSPOT_SECRET], b"",
                hubspot_headers(hubspot_sign(HUBSPOT_SECRET, "GET", card_url, b"", TMS), TMS), method="GET", url=card_url, event_id=None))
    retry = compact([dict(events[0], attemptNumber=1)])
    retry_t = TMS + 60_000
    v.append(ok("a retry: attemptNumber 1, new timestamp (the body changes too)", [HUBSPOT_SECRET], retry,
                hubspot_headers(hubspot_sign(HUBSPOT_SECRET, "POST", HUBSPOT_URL, retry, retry_t), retry_t, body=retry),
                t=retry_t, now=NOW + 61, reason="eventId is the dedup key; attemptNumber is signed and changes"))
    v.append(ok("rotation: receiver holds two client secrets", [HUBSPOT_OLD, HUBSPOT_SECRET], body, hubspot_headers(sig, TMS)))
    uni = compact([dict(events[0], propertyName="firstname", propertyValue=UNICODE_TEXT)])
    v.append(ok("non-ASCII property value", [HUBSPOT_SECRET], uni, hubspot_headers(hubspot_sign(HUBSPOT_SECRET, "POST", HUBSPOT_URL, uni, TMS), TMS)))
    v.append(ok("timestamp 299 s old", [HUBSPOT_SECRET], body, hubspot_headers(sig, TMS), now=T + 299))
    enc_url = "https://api.example.com/hubspot/webhooks?tags=a%2Cb&next=%2Fhome%3Fx%3A1"
    decoded = libs.hubspot_decode_uri(enc_url)
    assert decoded == "https://api.example.com/hubspot/webhooks?tags=a,b&next=/home?x:1", decoded
    v.append(ok("URL with percent-encoded reserved characters, signed decoded", [HUBSPOT_SECRET], body,
                hubspot_headers(hubspot_sign(HUBSPOT_SECRET, "POST", decoded, body, TMS), TMS), url=enc_url, signed_url=decoded,
                reason="HubSpot's docs: decode %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B in the URI before signing; "
                       "the SDK decodes nothing, so its caller must (recorded, not enforced)"))

    v.append(bad("wrong client secret", body, hubspot_headers(sig, TMS), "signed under another secret", secrets=[HUBSPOT_OLD]))
    v.append(bad("tampered body", body.replace(b"zoe@", b"eve@"), hubspot_headers(sig, TMS), "the email was changed after signing"))
    v.append(bad("timestamp changed after signing", body, hubspot_headers(sig, TMS + 1), "the timestamp is signed", t=TMS + 1))
    v.append(bad("timestamp 301 s old", body, hubspot_headers(sig, TMS), "older than 5 minutes", now=T + 301))
    v.append(bad("X-HubSpot-Signature-v3 absent (v1 present)", body, hubspot_headers(None, TMS, body=body),
                 "the v1 signature has no timestamp and no URL: never accept it in place of v3"))
    no_ts = hubspot_headers(sig, TMS)
    del no_ts["X-HubSpot-Request-Timestamp"]
    v.append(bad("X-HubSpot-Request-Timestamp absent", body, no_ts, "the timestamp is signed and checked", t=None))
    v.append(bad("empty signature", body, hubspot_headers("", TMS), "an empty signature must never match"))
    mac = hmac256(HUBSPOT_SECRET.encode(), f"POST{HUBSPOT_URL}".encode() + body + str(TMS).encode())
    assert b64(mac.digest()) == sig
    v.append(bad("the right MAC in hex", body, hubspot_headers(mac.hexdigest(), TMS), "the signature is base64"))
    v.append(bad("base64 truncated", body, hubspot_headers(sig[:24], TMS), "a prefix of the right signature"))
    v1_in_v3 = HubSpotSignature.get_signature(HUBSPOT_SECRET, body.decode(), "v1")
    v.append(bad("the v1 value (SHA-256 of secret + body) in the v3 header", body, hubspot_headers(v1_in_v3, TMS),
                 "v3 is an HMAC keyed with the secret, base64"))
    v.append(bad("method changed: signed GET, received POST", body, hubspot_headers(hubspot_sign(HUBSPOT_SECRET, "GET", HUBSPOT_URL, body, TMS), TMS),
                 "the method is signed"))
    v.append(bad("http on the receiver, https signed", body, hubspot_headers(sig, TMS), "the URI is signed with its scheme",
                 url=HUBSPOT_URL.replace("https://", "http://"), signed_url=HUBSPOT_URL))
    v.append(bad("another host", body, hubspot_headers(sig, TMS), "the URI is signed with its host",
                 url=HUBSPOT_URL.replace("api.example.com", "hooks.example.com"), signed_url=HUBSPOT_URL))
    v.append(bad("a trailing slash", body, hubspot_headers(sig, TMS), "the URI is signed as requested", url=HUBSPOT_URL + "/", signed_url=HUBSPOT_URL))
    v.append(bad("an explicit :443", body, hubspot_headers(sig, TMS), "the URI is signed as requested",
                 url=HUBSPOT_URL.replace("api.example.com", "api.example.com:443"), signed_url=HUBSPOT_URL))
    v.append(bad("a query string added", body, hubspot_headers(sig, TMS), "the URI is signed with its query",
                 url=HUBSPOT_URL + "?portalId=62515", signed_url=HUBSPOT_URL))
    path_only = b64(hmac256(HUBSPOT_SECRET.encode(), b"POST/hubspot/webhooks" + body + str(TMS).encode()).digest())
    v.append(bad("signed over the path alone", body, hubspot_headers(path_only, TMS), "requestUri is the full URL: https://host/path?query"))
    secs = hubspot_sign(HUBSPOT_SECRET, "POST", HUBSPOT_URL, body, T)
    v.append(bad("timestamp in seconds, not milliseconds", body, hubspot_headers(secs, T), "milliseconds: a seconds value reads as 1970", t=T))

    v.append(edge("timestamp exactly 300 s old", body, hubspot_headers(sig, TMS), "the SDK needs age < 300 s (strict), the docs say 'older than 5 minutes'",
                  now=T + 300))
    almost = (T - 299) * 1000 - 1
    v.append(edge("timestamp 299.001 s old, floored to seconds", body,
                  hubspot_headers(hubspot_sign(HUBSPOT_SECRET, "POST", HUBSPOT_URL, body, almost), almost), t=almost, now=T,
                  reason="the SDK floors the milliseconds to seconds before comparing, so this one counts as 300 s and is refused"))
    future = TMS + 3_600_000
    v.append(edge("timestamp an hour in the future", body, hubspot_headers(hubspot_sign(HUBSPOT_SECRET, "POST", HUBSPOT_URL, body, future), future),
                  "the SDK bounds only the age; HubSpot's docs say nothing of the future", t=future))
    v.append(edge("URL with percent-encoded characters, signed as received (undecoded)", body,
                  hubspot_headers(hubspot_sign(HUBSPOT_SECRET, "POST", enc_url, body, TMS), TMS), url=enc_url,
                  reason="the docs say HubSpot signs the decoded URI; a signature over the encoded one is what the SDK alone accepts"))
    return v


# ---------------------------------------------------------------- Razorpay

RAZORPAY_SECRET = "rzp_whsec_" + det_bytes("razorpay-webhook-secret", 12).hex()
RAZORPAY_OLD = "rzp_whsec_" + det_bytes("razorpay-webhook-secret-old", 12).hex()


# razorpay-python's test fixture tests/mocks/fake_payment_authorized_webhook.json (2.0.1), read as text,
# signed in tests/test_client_utility.py with secret 'key_secret'.
RAZORPAY_SDK_BODY = "{\n  \"event\": \"payment.authorized\",\n  \"entity\": \"event\",\n  \"contains\": [\n    \"payment\"\n  ],\n  \"payload\": {\n    \"payment\": {\n      \"entity\": {\n        \"id\": \"pay_6koWN7bvxujzxM\",\n        \"entity\": \"payment\",\n        \"amount\": 1000000,\n        \"currency\": \"INR\",\n        \"status\": \"captured\",\n        \"order_id\": \"order_100000000order\",\n        \"international\": false,\n        \"method\": \"card\",\n        \"amount_refunded\": 0,\n        \"refund_status\": null,\n        \"captured\": true,\n        \"description\": \"random description\",\n        \"card_id\": \"card_6koWNAT6LASUqy\",\n        \"bank\": null,\n        \"wallet\": null,\n        \"vpa\": null,\n        \"email\": \"a@b.com\",\n        \"contact\": \"+919999999999\",\n        \"notes\": {\n          \"merchant_order_id\": \"random order id\"\n        },\n        \"fee\": 23000,\n        \"service_tax\": 3000,\n        \"error_code\": null,\n        \"error_description\": null,\n        \"created_at\": 1479978483\n      }\n    }\n  },\n  \"created_at\": 1400826760\n}\n"


def razorpay_sign(secret, body):
    """What the SDK's verify_signature computes: hex HMAC-SHA256(secret as text, body)."""
    return hmac256(secret.encode(), body).hexdigest()


def razorpay_headers(signature, event_id="Ls8Pz9HqzK9xQa", extra=None):
    h = {"Content-Type": "application/json", "X-Razorpay-Event-Id": event_id}
    if signature is not None:
        h["X-Razorpay-Signature"] = signature
    h.update(extra or {})
    return h


def razorpay_vectors():
    eid = "Ls8Pz9HqzK9xQa"
    payment = {"id": "pay_Ls8Pw3cJ1Xk2Yz", "entity": "payment", "amount": 50000, "currency": "INR", "status": "captured",
               "order_id": "order_Ls8PqN3fGkT9vW", "invoice_id": None, "international": False, "method": "upi",
               "amount_refunded": 0, "refund_status": None, "captured": True, "description": "Order #4711",
               "email": "zoe@example.com", "contact": "+919000090000", "notes": {"customer": "Zoë"}, "fee": 1180, "tax": 180,
               "created_at": T - 30}
    body = compact({"entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": "payment.captured",
                    "contains": ["payment"], "payload": {"payment": {"entity": payment}}, "created_at": T - 5})
    sig = razorpay_sign(RAZORPAY_SECRET, body)

    def ok(name, secrets, body, headers, event_id=eid, kind="conformance", reason=None):
        return vec(name, kind, secrets, body, headers, NOW, True if kind == "conformance" else None, reason, event_id=event_id)

    def bad(name, body, headers, reason, secrets=(RAZORPAY_SECRET,)):
        return vec(name, "conformance", secrets, body, headers, NOW, False, reason, event_id=eid)

    sdk_body = RAZORPAY_SDK_BODY.encode()
    v = [ok("razorpay-python's SDK test vector (payment.authorized, secret key_secret)", ["key_secret"], sdk_body,
            razorpay_headers("d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9", "sdk_test"), event_id="sdk_test")]
    v.append(ok("payment.captured", [RAZORPAY_SECRET], body, razorpay_headers(sig)))
    order = compact({"entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": "order.paid", "contains": ["payment", "order"],
                     "payload": {"payment": {"entity": payment}, "order": {"entity": {"id": "order_Ls8PqN3fGkT9vW", "entity": "order",
                     "amount": 50000, "amount_paid": 50000, "amount_due": 0, "currency": "INR", "receipt": "rcpt_4711", "status": "paid",
                     "attempts": 1, "notes": [], "created_at": T - 60}}}, "created_at": T - 4})
    v.append(ok("order.paid (two entities)", [RAZORPAY_SECRET], order, razorpay_headers(razorpay_sign(RAZORPAY_SECRET, order), "Ls8PzAbCdEfGhI"),
                event_id="Ls8PzAbCdEfGhI"))
    v.append(ok("a retry: same bytes, same signature, same X-Razorpay-Event-Id", [RAZORPAY_SECRET], body, razorpay_headers(sig),
                reason="nothing time-dependent is signed; X-Razorpay-Event-Id (unsigned) is the documented dedup key"))
    v.append(ok("rotation: receiver holds the old and the new secret", [RAZORPAY_OLD, RAZORPAY_SECRET], body, razorpay_headers(sig)))
    big = long_body("razorpay_long_64k")
    v.append(ok("64 KiB body", [RAZORPAY_SECRET], big, razorpay_headers(razorpay_sign(RAZORPAY_SECRET, big))))

    v.append(bad("wrong secret", body, razorpay_headers(sig), "signed under another secret", secrets=[RAZORPAY_OLD]))
    v.append(bad("tampered body", body.replace(b'"amount":50000', b'"amount":5000000', 1), razorpay_headers(sig), "the amount was changed after signing"))
    v.append(bad("X-Razorpay-Signature absent", body, razorpay_headers(None), "no signature (the SDK raises TypeError on None)"))
    v.append(bad("empty signature", body, razorpay_headers(""), "an empty signature must never match"))
    v.append(bad("hex truncated to 32 digits", body, razorpay_headers(sig[:32]), "a prefix of the right signature"))
    v.append(bad("the right MAC in base64", body, razorpay_headers(b64(bytes.fromhex(sig))), "the signature is hex"))
    v.append(bad("sha256= prefix (GitHub's form)", body, razorpay_headers("sha256=" + sig), "Razorpay sends the bare hex"))
    v.append(bad("signed with the API key secret, not the webhook secret", body,
                 razorpay_headers(razorpay_sign("api_key_secret_9f8e7d6c5b4a", body)),
                 "webhooks are signed with the secret set on the webhook, not the API key secret"))
    v.append(bad("MAC over `{created_at}.{body}` (Stripe's shape)", body,
                 razorpay_headers(hmac256(RAZORPAY_SECRET.encode(), f"{T - 5}.".encode() + body).hexdigest()), "Razorpay signs the body alone"))
    v.append(ok("upper-case hex", [RAZORPAY_SECRET], body, razorpay_headers(sig.upper()), kind="library-edge",
                reason="Razorpay sends lower case; the SDK compares strings, so upper case is refused"))
    return v


# ---------------------------------------------------------------- Paddle

PADDLE_SECRET = "pdl_ntfset_01" + base64.b32encode(det_bytes("paddle-ntfset", 15)).decode().lower() + "_" + \
    base64.b64encode(det_bytes("paddle-secret", 24)).decode()
PADDLE_OLD = "pdl_ntfset_01" + base64.b32encode(det_bytes("paddle-ntfset", 15)).decode().lower() + "_" + \
    base64.b64encode(det_bytes("paddle-secret-old", 24)).decode()
# paddle-python-sdk's own test (tests/Unit/Notification/test_Verifier.py): three secrets, a dummy h1 first.
PADDLE_SDK = {
    "header": "ts=1696195954;h1=dummy;h1=d96299976a6eb066f484d7fde011ac56fc32b38fc9940bc419d6e537fdc6ef02",
    "body": "hello-world",
    "secrets": ["pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_TjIG2BXbm83HPXqNfziwe506sBEdqL/4",
                "pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_vB/yIOnTOCWIvpBadM5jzBZPHc7OmdSo",
                "pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_WvRO0eL4Bj9rgYYIBZY6wZhG4EHy9jzh"],
    "ts": 1696195954,
}


def paddle_h1(secret, ts, body):
    return PaddleSignature.calculate_hmac(secret, f"{ts}:".encode() + body).hexdigest()


def paddle_headers(value):
    h = {"Content-Type": "application/json"}
    if value is not None:
        h["Paddle-Signature"] = value
    return h


def paddle_vectors():
    eid = "evt_01k5xq3n8b2c4d6e8f0g2h4j6k"
    body = compact({"event_id": eid, "event_type": "transaction.completed", "occurred_at": "2026-09-21T14:13:18.734512Z",
                    "notification_id": "ntf_01k5xq3nb9c1d3e5f7g9h1j3k5", "data": {
                        "id": "txn_01k5xq2w4e6r8t0y2u4i6o8p0a", "status": "completed", "customer_id": "ctm_01k5xq1a2s3d4f5g6h7j8k9l0z",
                        "currency_code": "EUR", "origin": "web", "subscription_id": "sub_01k5xq3m1n2b3v4c5x6z7a8s9d",
                        "details": {"totals": {"subtotal": "2000", "tax": "380", "total": "2380", "currency_code": "EUR"}},
                        "custom_data": {"account": "Zoë"}}})
    h1 = paddle_h1(PADDLE_SECRET, T, body)

    def entry(name, kind, valid, secrets, body, header_value, now=NOW, t=T, reason=None, event_id=eid):
        return vec(name, kind, secrets, body, paddle_headers(header_value), now, valid, reason, timestamp=t, event_id=event_id)

    def ok(name, secrets, body, header_value, **kw):
        return entry(name, "conformance", True, secrets, body, header_value, **kw)

    def bad(name, body, header_value, reason, secrets=(PADDLE_SECRET,), **kw):
        return entry(name, "conformance", False, secrets, body, header_value, reason=reason, **kw)

    def edge(name, body, header_value, reason, secrets=(PADDLE_SECRET,), **kw):
        return entry(name, "library-edge", None, secrets, body, header_value, reason=reason, **kw)

    p = PADDLE_SDK
    v = [ok("paddle-python-sdk's test: a dummy h1 first, three secrets", p["secrets"], p["body"].encode(), p["header"],
            now=p["ts"], t=p["ts"], event_id=None)]
    v.append(ok("transaction.completed", [PADDLE_SECRET], body, f"ts={T};h1={h1}"))
    old_h1 = paddle_h1(PADDLE_OLD, T, body)
    v.append(ok("rotation: two h1 (new and old secret), receiver has the old one", [PADDLE_OLD], body, f"ts={T};h1={h1};h1={old_h1}"))
    v.append(ok("rotation: receiver holds both secrets, signed under the old one", [PADDLE_SECRET, PADDLE_OLD], body, f"ts={T};h1={old_h1}"))
    v.append(ok("timestamp exactly 5 s old (the SDK's default skew)", [PADDLE_SECRET], body, f"ts={T};h1={h1}", now=T + 5))
    v.append(ok("timestamp exactly 5 s in the future", [PADDLE_SECRET], body, f"ts={T};h1={h1}", now=T - 5))
    uni = compact({"event_id": "evt_01k5xq4unic0de0000000000000", "event_type": "customer.updated",
                   "occurred_at": "2026-09-21T14:13:19.000000Z", "notification_id": "ntf_01k5xq4unic0de0000000000000",
                   "data": {"id": "ctm_01k5xq1a2s3d4f5g6h7j8k9l0z", "name": UNICODE_TEXT, "email": "zoe@example.com"}})
    v.append(ok("non-ASCII body (UTF-8)", [PADDLE_SECRET], uni, f"ts={T};h1={paddle_h1(PADDLE_SECRET, T, uni)}",
                event_id="evt_01k5xq4unic0de0000000000000"))
    big = long_body("paddle_long_64k")
    v.append(ok("64 KiB body", [PADDLE_SECRET], big, f"ts={T};h1={paddle_h1(PADDLE_SECRET, T, big)}", event_id=None))

    v.append(bad("wrong secret", body, f"ts={T};h1={h1}", "signed under another secret", secrets=[PADDLE_OLD]))
    v.append(bad("tampered body", body.replace(b'"2380"', b'"0"'), f"ts={T};h1={h1}", "the total was changed after signing"))
    v.append(bad("ts changed after signing", body, f"ts={T + 1};h1={h1}", "the timestamp is signed", t=T + 1))
    v.append(bad("timestamp 6 s old", body, f"ts={T};h1={h1}", "outside the SDK's default 5 s", now=T + 6))
    v.append(bad("timestamp 6 s in the future", body, f"ts={T};h1={h1}", "outside the SDK's default 5 s (both ways)", now=T - 6))
    v.append(bad("Paddle-Signature absent", body, None, "no signature"))
    v.append(bad("empty header value", body, "", "no signature"))
    v.append(bad("h1= with nothing after it", body, f"ts={T};h1=", "an empty signature must never match"))
    v.append(bad("no ts item", body, f"h1={h1}", "the timestamp is signed (the SDK reads a missing ts as 0: too old)", t=None))
    v.append(bad("hex truncated to 32 digits", body, f"ts={T};h1={h1[:32]}", "a prefix of the right signature"))
    v.append(bad("the right MAC in base64", body, f"ts={T};h1={b64(bytes.fromhex(h1))}", "the signature is hex"))
    v.append(bad("MAC over `{ts}.{body}` (Stripe's shape)", body, f"ts={T};h1={hmac256(PADDLE_SECRET.encode(), f'{T}.'.encode() + body).hexdigest()}",
                 "the signed content is {ts}:{body}"))
    v.append(bad("MAC of the body alone", body, f"ts={T};h1={hmac256(PADDLE_SECRET.encode(), body).hexdigest()}",
                 "the signed content is {ts}:{body}"))
    tail = PADDLE_SECRET.rsplit("_", 1)[1]
    v.append(bad("key = only the part after the last underscore", body, f"ts={T};h1={hmac256(tail.encode(), f'{T}:'.encode() + body).hexdigest()}",
                 "the key is the whole secret as shown, pdl_ntfset_… included"))
    v.append(bad("comma separators (Stripe's syntax)", body, f"ts={T},h1={h1}", "items are separated by ';' (the SDK raises ValueError)"))

    v.append(edge("an unknown item (h2=…) beside a good h1", body, f"ts={T};h1={h1};h2=abcdef",
                  "the SDK raises ValueError('Unrecognized Paddle-Signature key') instead of ignoring it"))
    v.append(edge("a space after the semicolon", body, f"ts={T}; h1={h1}", "the SDK does not trim: ' h1' is an unknown key and it raises"))
    v.append(edge("upper-case hex", body, f"ts={T};h1={h1.upper()}", "Paddle sends lower case; the SDK compares strings"))
    return v


# ---------------------------------------------------------------- Discord

DISCORD_SEED = det_bytes("discord-app-ed25519-seed", 32)
DISCORD_OTHER_SEED = det_bytes("discord-other-app-ed25519-seed", 32)
L_ED25519 = 2 ** 252 + 27742317777372353535851937790883648493


def discord_key(seed):
    signer = nacl.signing.SigningKey(seed)
    return signer, bytes(signer.verify_key).hex()


def discord_headers(signature, timestamp):
    h = {"Content-Type": "application/json"}
    if signature is not None:
        h["X-Signature-Ed25519"] = signature
    if timestamp is not None:
        h["X-Signature-Timestamp"] = str(timestamp)
    return h


def discord_vectors():
    signer, public = discord_key(DISCORD_SEED)
    other_signer, other_public = discord_key(DISCORD_OTHER_SEED)

    def sign(body, ts=T, key=signer):
        return key.sign(str(ts).encode() + body).signature.hex()

    def entry(name, kind, valid, body, headers, secrets=(public,), now=NOW, t=T, reason=None, event_id=None):
        return vec(name, kind, secrets, body, headers, now, valid, reason, public_key=public, timestamp=t, event_id=event_id)

    def ok(name, body, headers, **kw):
        return entry(name, "conformance", True, body, headers, **kw)

    def bad(name, body, headers, reason, **kw):
        return entry(name, "conformance", False, body, headers, reason=reason, **kw)

    def edge(name, body, headers, reason, **kw):
        return entry(name, "library-edge", None, body, headers, reason=reason, **kw)

    ping = b'{"type":1}'
    v = [ok("PING {\"type\":1}", ping, discord_headers(sign(ping), T),
            reason="answer 200 with {\"type\":1} (PONG); any request that fails verification gets 401")]
    app_id = "1281634752438747218"
    full_ping = compact({"app_permissions": "562949953601536", "application_id": app_id, "authorizing_integration_owners": {},
                         "entitlements": [], "id": "1287402859134582825", "token": "aW50ZXJhY3Rpb246MTI4NzQwMjg1OTEzNDU4MjgyNTp0ZXN0",
                         "type": 1, "user": {"avatar": None, "discriminator": "0", "global_name": "Discord", "id": "643945264868098049",
                                             "public_flags": 1, "system": True, "username": "discord"}, "version": 1})
    v.append(ok("PING as Discord sends it (endpoint registration check)", full_ping, discord_headers(sign(full_ping), T),
                reason="answer 200 {\"type\":1}", event_id="1287402859134582825"))
    cmd = compact({"app_permissions": "2248473465835073", "application_id": app_id, "channel_id": "1281634976938868766",
                   "data": {"id": "1281637166575661107", "name": "greet", "type": 1,
                            "options": [{"name": "who", "type": 3, "value": UNICODE_TEXT}]},
                   "entitlements": [], "guild_id": "1281634975983374356", "guild_locale": "en-US", "id": "1287402967823593523",
                   "locale": "en-GB", "member": {"nick": None, "permissions": "2248473465835073", "roles": [],
                                                 "user": {"global_name": "Zoë", "id": "228014593018871808", "username": "zoe"}},
                   "token": "aW50ZXJhY3Rpb246MTI4NzQwMjk2NzgyMzU5MzUyMzp0ZXN0", "type": 2, "version": 1})
    v.append(ok("APPLICATION_COMMAND, non-ASCII option", cmd, discord_headers(sign(cmd), T), event_id="1287402967823593523"))
    v.append(ok("receiver holds two applications' public keys", cmd, discord_headers(sign(cmd), T), secrets=[other_public, public],
                event_id="1287402967823593523"))
    v.append(ok("public key configured in upper-case hex", ping, discord_headers(sign(ping), T), secrets=[public.upper()]))

    good = sign(cmd)
    v.append(bad("wrong public key", cmd, discord_headers(good, T), "another application's key", secrets=[other_public]))
    v.append(bad("tampered body", cmd.replace(b'"greet"', b'"admin"'), discord_headers(good, T), "the command was changed after signing"))
    v.append(bad("timestamp changed after signing", cmd, discord_headers(good, T + 1), "the timestamp is signed", t=T + 1))
    v.append(bad("X-Signature-Ed25519 absent", cmd, discord_headers(None, T), "no signature"))
    v.append(bad("X-Signature-Timestamp absent", cmd, discord_headers(good, None), "the timestamp is signed", t=None))
    v.append(bad("empty signature", cmd, discord_headers("", T), "an empty signature must never match"))
    v.append(bad("signature truncated to 126 hex digits", cmd, discord_headers(good[:126], T), "Ed25519 signatures are 64 bytes"))
    v.append(bad("the right signature in base64", cmd, discord_headers(b64(bytes.fromhex(good)), T), "the signature is hex"))
    v.append(bad("signed over the body alone", cmd, discord_headers(signer.sign(cmd).signature.hex(), T),
                 "the signed content is the timestamp followed by the body"))
    v.append(bad("signed over `{timestamp}.{body}`", cmd, discord_headers(signer.sign(f"{T}.".encode() + cmd).signature.hex(), T),
                 "no separator between the timestamp and the body"))
    raw = bytes.fromhex(good)
    s = int.from_bytes(raw[32:], "little") + L_ED25519
    malleated = raw[:32] + s.to_bytes(32, "little")
    v.append(bad("non-canonical S (S + ℓ), same R", cmd, discord_headers(malleated.hex(), T),
                 "RFC 8032 requires S < ℓ; libsodium refuses the malleated form"))
    v.append(bad("all-zero signature", cmd, discord_headers("00" * 64, T), "not a signature"))
    v.append(bad("signed by the other application's private key", cmd, discord_headers(sign(cmd, key=other_signer), T), "wrong key"))

    v.append(edge("upper-case hex signature", cmd, discord_headers(good.upper(), T),
                  "the SDK decodes hex with bytes.fromhex, which takes either case; Discord sends lower case"))
    spaced = " ".join(good[i:i + 2] for i in range(0, len(good), 2))
    v.append(edge("hex signature with spaces between bytes", cmd, discord_headers(spaced, T),
                  "bytes.fromhex skips whitespace between bytes, so the SDK accepts this"))
    v.append(edge("timestamp a day old", cmd, discord_headers(sign(cmd), T), "Discord documents no tolerance and the SDK checks no time",
                  now=T + 86400))
    v.append(edge("timestamp a day in the future", cmd, discord_headers(sign(cmd), T), "the SDK checks no time", now=T - 86400))
    v.append(edge("public key configured in base64", ping, discord_headers(sign(ping), T), secrets=[b64(bytes.fromhex(public))],
                  reason="Discord shows the key in hex; the SDK's bytes.fromhex fails on base64"))
    return v, {public: DISCORD_SEED.hex(), other_public: DISCORD_OTHER_SEED.hex()}


# ---------------------------------------------------------------- SendGrid

P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def p256_key(label):
    scalar = int.from_bytes(det_bytes(label, 32), "big") % (P256_N - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def spki_b64(private):
    return b64(private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def pkcs8_b64(private):
    return b64(private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def sendgrid_headers(signature, timestamp):
    h = {"Content-Type": "application/json"}
    if signature is not None:
        h["X-Twilio-Email-Event-Webhook-Signature"] = signature
    if timestamp is not None:
        h["X-Twilio-Email-Event-Webhook-Timestamp"] = str(timestamp)
    return h


def sendgrid_vectors():
    key = p256_key("sendgrid-event-webhook-key")
    old = p256_key("sendgrid-event-webhook-key-old")
    public, old_public = spki_b64(key), spki_b64(old)

    def der_sig(body, ts=T, private=key):
        return private.sign(str(ts).encode() + body, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))

    def sign(body, ts=T, private=key):
        return b64(der_sig(body, ts, private))

    events = [{"email": "zoe@example.com", "timestamp": T - 40, "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
               "event": "processed", "category": ["receipts"], "sg_event_id": "rbtnWrG1DVDGGGFHFyun0A==",
               "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"},
              {"email": "zoe@example.com", "timestamp": T - 20, "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
               "event": "delivered", "category": ["receipts"], "sg_event_id": "rWVYmVk90MjZJ9iohOBa3w==",
               "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", "response": "250 OK"}]
    body = compact(events) + b"\r\n"
    good = sign(body)

    def entry(name, kind, valid, body, headers, secrets=(public,), now=NOW, t=T, reason=None, event_id="rbtnWrG1DVDGGGFHFyun0A=="):
        return vec(name, kind, secrets, body, headers, now, valid, reason, public_key=public, timestamp=t, event_id=event_id)

    def ok(name, body, headers, **kw):
        return entry(name, "conformance", True, body, headers, **kw)

    def bad(name, body, headers, reason, **kw):
        return entry(name, "conformance", False, body, headers, reason=reason, **kw)

    def edge(name, body, headers, reason, **kw):
        return entry(name, "library-edge", None, body, headers, reason=reason, **kw)

    v = [ok("processed and delivered, body ending in CRLF", body, sendgrid_headers(good, T))]
    click = compact([{"email": "zoe@example.com", "timestamp": T - 5, "event": "click", "url": "https://example.com/café?ref=zoë",
                      "useragent": "Mozilla/5.0", "ip": "203.0.113.7", "sg_event_id": "Q2xpY2tFdmVudElkMDAwMQ==",
                      "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", "subject": UNICODE_TEXT}]) + b"\r\n"
    v.append(ok("click, non-ASCII fields", click, sendgrid_headers(sign(click), T), event_id="Q2xpY2tFdmVudElkMDAwMQ=="))
    r, s = decode_dss_signature(der_sig(body))
    high = encode_dss_signature(r, P256_N - s)
    v.append(ok("the same signature in its other (r, n - s) form", body, sendgrid_headers(b64(high), T),
                reason="ECDSA signatures are malleable; nothing says SendGrid normalises s, so both forms must verify"))
    v.append(ok("rotation: receiver holds the old and the new public key", body, sendgrid_headers(good, T), secrets=[old_public, public]))

    v.append(bad("wrong public key", body, sendgrid_headers(good, T), "another key pair", secrets=[old_public]))
    v.append(bad("tampered body", body.replace(b'"delivered"', b'"bounce"'), sendgrid_headers(good, T), "an event was changed after signing"))
    v.append(bad("timestamp changed after signing", body, sendgrid_headers(good, T + 1), "the timestamp is signed", t=T + 1))
    v.append(bad("body without its trailing CRLF", body[:-2], sendgrid_headers(good, T), "SendGrid signs the body with its CRLF"))
    v.append(bad("signature header absent", body, sendgrid_headers(None, T), "no signature (the SDK raises TypeError)"))
    v.append(bad("timestamp header absent", body, sendgrid_headers(good, None), "the timestamp is signed (the SDK raises TypeError)", t=None))
    v.append(bad("empty signature", body, sendgrid_headers("", T), "an empty signature must never match"))
    v.append(bad("signature truncated", body, sendgrid_headers(good[:40], T), "not a whole DER signature"))
    raw_rs = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    v.append(bad("raw r||s (IEEE P1363) instead of DER", body, sendgrid_headers(b64(raw_rs), T), "the signature is base64 of DER"))
    v.append(bad("DER signature in hex", body, sendgrid_headers(der_sig(body).hex(), T), "the signature is base64"))
    v.append(bad("signed over the body alone", body, sendgrid_headers(b64(key.sign(body, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))), T),
                 "the signed content is the timestamp followed by the body"))
    v.append(bad("signed over `{timestamp}.{body}`", body,
                 sendgrid_headers(b64(key.sign(f"{T}.".encode() + body, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))), T),
                 "no separator between the timestamp and the body"))
    v.append(bad("signed with SHA-512", body,
                 sendgrid_headers(b64(key.sign(str(T).encode() + body, ec.ECDSA(hashes.SHA512(), deterministic_signing=True))), T),
                 "the hash is SHA-256"))

    v.append(edge("timestamp a day old", body, sendgrid_headers(good, T), "SendGrid defines no tolerance and the SDK checks no time", now=T + 86400))
    v.append(edge("timestamp a day in the future", body, sendgrid_headers(good, T), "the SDK checks no time", now=T - 86400))
    junk = good[:10] + "!*" + good[10:]
    v.append(edge("signature with stray non-base64 characters", body, sendgrid_headers(junk, T),
                  "the SDK's base64.b64decode is not validating: it drops the stray characters and verifies"))
    pem = "-----BEGIN PUBLIC KEY-----\n" + public + "\n-----END PUBLIC KEY-----"
    v.append(edge("public key configured as PEM", body, sendgrid_headers(good, T), secrets=[pem],
                  reason="SendGrid shows bare base64 DER; the SDK wraps whatever it gets in PEM armour, so a PEM key fails to load"))
    return v, {public: pkcs8_b64(key), old_public: pkcs8_b64(old)}


# ------------------------------------------------ Standard Webhooks v1a

# Svix's server test (svix-webhooks server/svix-server/src/worker.rs, test_asymmetric_key_signing):
# whsk_ = base64(seed || public key), the published example message, and its v1a signature.
SVIX_V1A = {
    "whsk": "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==",
    "whpk": "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=",
    "id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "timestamp": 1614265330, "body": '{"test": 2432232314}',
    "signature": "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==",
}


def whsk_pair(seed):
    signer = nacl.signing.SigningKey(seed)
    pk = bytes(signer.verify_key)
    return signer, "whsk_" + b64(seed + pk), "whpk_" + b64(pk)


def v1a_sign(signer, msg_id, ts, body):
    return "v1a," + b64(signer.sign(f"{msg_id}.{ts}.".encode() + body).signature)


def sw_headers(msg_id, ts, signature):
    h = {"Content-Type": "application/json", "webhook-id": msg_id, "webhook-timestamp": str(ts)}
    if signature is not None:
        h["webhook-signature"] = signature
    return h


def v1a_vectors():
    signer, whsk, whpk = whsk_pair(det_bytes("sw-v1a-seed", 32))
    old_signer, old_whsk, old_whpk = whsk_pair(det_bytes("sw-v1a-seed-old", 32))
    msg = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    body = compact({"type": "invoice.paid", "timestamp": "2026-09-21T14:13:19.000Z",
                    "data": {"id": "inv_4f9a2c", "amount": 4200, "currency": "USD"}})
    sig = v1a_sign(signer, msg, T, body)

    def entry(name, kind, valid, body, headers, secrets=(whpk,), now=NOW, t=T, reason=None, msg_id=msg, public=whpk):
        return vec(name, kind, secrets, body, headers, now, valid, reason, public_key=public, timestamp=t, event_id=msg_id)

    def ok(name, body, headers, **kw):
        return entry(name, "conformance", True, body, headers, **kw)

    def bad(name, body, headers, reason, **kw):
        return entry(name, "conformance", False, body, headers, reason=reason, **kw)

    sx = SVIX_V1A
    sx_signer = nacl.signing.SigningKey(base64.b64decode(sx["whsk"][5:])[:32])
    assert "whpk_" + b64(bytes(sx_signer.verify_key)) == sx["whpk"]
    assert v1a_sign(sx_signer, sx["id"], sx["timestamp"], sx["body"].encode()) == sx["signature"]
    v = [ok("Svix's server test vector (its published example message)", sx["body"].encode(),
            sw_headers(sx["id"], sx["timestamp"], sx["signature"]), secrets=[sx["whpk"]], now=sx["timestamp"], t=sx["timestamp"],
            msg_id=sx["id"], public=sx["whpk"])]
    v.append(ok("invoice.paid", body, sw_headers(msg, T, sig)))
    hmac_sig = "v1," + b64(hmac256(det_bytes("sw-key-32", 32), f"{msg}.{T}.".encode() + body).digest())
    v.append(ok("a v1 (HMAC) signature before the v1a, receiver has only whpk_", body, sw_headers(msg, T, f"{hmac_sig} {sig}"),
                reason="the spec allows symmetric and asymmetric signatures side by side"))
    old_sig = v1a_sign(old_signer, msg, T, body)
    v.append(ok("rotation: two v1a signatures, receiver has the old key", body, sw_headers(msg, T, f"{sig} {old_sig}"), secrets=[old_whpk]))
    v.append(ok("rotation: receiver holds both public keys, signed under the old one", body, sw_headers(msg, T, old_sig),
                secrets=[whpk, old_whpk]))
    uni = compact({"type": "user.updated", "data": {"name": UNICODE_TEXT}})
    v.append(ok("non-ASCII body (UTF-8)", uni, sw_headers(msg, T, v1a_sign(signer, msg, T, uni))))
    big = long_body("msg_v1a_long_64k")
    v.append(ok("64 KiB body", big, sw_headers(msg, T, v1a_sign(signer, msg, T, big))))
    v.append(ok("timestamp exactly 300 s old", body, sw_headers(msg, T, sig), now=T + 300))
    v.append(ok("timestamp exactly 300 s in the future", body, sw_headers(msg, T, sig), now=T - 300))

    v.append(bad("wrong public key", body, sw_headers(msg, T, sig), "another key pair", secrets=[old_whpk]))
    v.append(bad("tampered body", body.replace(b"4200", b"9900"), sw_headers(msg, T, sig), "the amount was changed after signing"))
    v.append(bad("tampered webhook-id", body, sw_headers(msg + "X", T, sig), "the id is signed", msg_id=msg + "X"))
    v.append(bad("tampered webhook-timestamp", body, sw_headers(msg, T + 1, sig), "the timestamp is signed", t=T + 1))
    v.append(bad("timestamp 301 s old", body, sw_headers(msg, T, sig), "outside 5 minutes", now=T + 301))
    v.append(bad("timestamp 301 s in the future", body, sw_headers(msg, T, sig), "outside 5 minutes", now=T - 301))
    for missing in ("id", "timestamp", "signature"):
        headers = sw_headers(msg, T, sig)
        del headers[f"webhook-{missing}"]
        v.append(bad(f"webhook-{missing} absent", body, headers, f"webhook-{missing} is required"))
    v.append(bad("v1a, with an empty signature", body, sw_headers(msg, T, "v1a,"), "an empty signature must never match"))
    v.append(bad("base64 truncated to 40 characters", body, sw_headers(msg, T, sig[:44]), "Ed25519 signatures are 64 bytes"))
    raw = base64.b64decode(sig[4:])
    v.append(bad("the right signature in hex", body, sw_headers(msg, T, "v1a," + raw.hex()), "the signature is base64"))
    v.append(bad("the right signature labelled v1", body, sw_headers(msg, T, "v1," + sig[4:]), "v1 is HMAC-SHA256; v1a is Ed25519"))
    v.append(bad("only a v1 (HMAC) signature", body, sw_headers(msg, T, hmac_sig), "a whpk_ key verifies only v1a"))
    v.append(bad("signed over the body alone", body, sw_headers(msg, T, "v1a," + b64(signer.sign(body).signature)),
                 "the signed content is {id}.{timestamp}.{body}"))
    v.append(bad("public key configured without whpk_", body, sw_headers(msg, T, sig), "keys are serialised whpk_ + base64",
                 secrets=[whpk[len("whpk_"):]]))
    return v, {whpk: whsk, old_whpk: old_whsk, sx["whpk"]: sx["whsk"]}


def main():
    slack_label = f"slack-sdk {V['slack-sdk']} (Python): SignatureVerifier.is_valid_request"
    twilio_label = f"twilio {V['twilio']} (Python): RequestValidator.validate"
    square_label = f"squareup {V['squareup']} (Python): square.utils.webhooks_helper.verify_signature"
    hubspot_label = f"hubspot-api-client {V['hubspot-api-client']} (Python): Signature.is_valid v3, URI decoded per HubSpot's table by the caller"
    hubspot_raw_label = f"hubspot-api-client {V['hubspot-api-client']} (Python): Signature.is_valid v3, URI as received"
    razorpay_label = f"razorpay {V['razorpay']} (Python): Utility.verify_webhook_signature"
    paddle_label = f"paddle-python-sdk {V['paddle-python-sdk']} (Python): Verifier().verify (5 s skew)"
    discord_label = f"discord-interactions {V['discord-interactions']} (Python, PyNaCl {V['PyNaCl']}): verify_key"
    sendgrid_label = f"sendgrid {V['sendgrid']} (Python, cryptography {V['cryptography']}): EventWebhook.verify_signature"
    v1a_label = f"Standard Webhooks spec recipe (PyNaCl {V['PyNaCl']}; no library verifies v1a)"

    def has_percent(entry):
        return "%" in entry.get("url", "")

    def plain(entry):
        return not has_percent(entry)

    v = slack_vectors()
    check(v, {slack_label: (libs.slack_verify, always, always)})
    write("slack.json", {
        "scheme": "X-Slack-Signature: v0=<hex HMAC-SHA256 of v0:{X-Slack-Request-Timestamp}:{body}>, key = the signing secret as shown",
        "signature_header": "X-Slack-Signature", "tolerance_seconds": 300,
        "signer": f"slack-sdk {V['slack-sdk']} (Python): SignatureVerifier.generate_signature",
        "libraries": {"slack-sdk (PyPI)": V["slack-sdk"]},
        "event_id": "Events API: the body's event_id (signed), the same on retries; slash commands and interactivity carry none",
    }, v)

    v = twilio_vectors()
    check(v, {twilio_label: (libs.twilio_verify, always, always)})
    write("twilio.json", {
        "scheme": "X-Twilio-Signature: base64 HMAC-SHA1(Auth Token as text, URL + sorted POST name+value pairs); "
                  "JSON bodies: bodySHA256=<hex SHA-256 of the body> in the signed URL; HMAC-SHA256 with a SharedKey "
                  "when X-Twilio-Webhooks-Signature-Settings says so",
        "signature_header": "X-Twilio-Signature",
        "signer": f"twilio {V['twilio']} (Python): RequestValidator.compute_signature",
        "libraries": {"twilio (PyPI)": V["twilio"], "Werkzeug (MultiDict for form fields)": V["Werkzeug"]},
        "event_id": "none signed for dedup in general: MessageSid/CallSid (+ status) in the form; unconfirmed",
    }, v)

    v = square_vectors()
    check(v, {square_label: (libs.square_verify, always, always)})
    write("square.json", {
        "scheme": "x-square-hmacsha256-signature: base64 HMAC-SHA256(signature key as text, notification URL + body)",
        "signature_header": "x-square-hmacsha256-signature",
        "signer": "Python hmac computing exactly what the SDK's verify_signature computes (the SDK has no signer); "
                  "the first vector is the SDK's own test vector",
        "libraries": {"squareup (PyPI)": V["squareup"]},
        "event_id": "the body's event_id (signed), stable across retries",
    }, v)

    v = hubspot_vectors()
    check(v, {hubspot_label: (lambda *a, **k: libs.hubspot_verify(*a, decode_uri=True, **k), always, always),
              hubspot_raw_label: (libs.hubspot_verify, has_percent, lambda e: False)})
    write("hubspot.json", {
        "scheme": "X-HubSpot-Signature-v3: base64 HMAC-SHA256(client secret, method + URI + body + X-HubSpot-Request-Timestamp (ms))",
        "signature_header": "X-HubSpot-Signature-v3", "tolerance_seconds": 300,
        "signer": f"hubspot-api-client {V['hubspot-api-client']} (Python): Signature.get_signature(…, 'v3', …)",
        "libraries": {"hubspot-api-client (PyPI)": V["hubspot-api-client"]},
        "event_id": "each event's eventId in the batch body (signed); attemptNumber changes on retries",
    }, v)

    v = razorpay_vectors()
    check(v, {razorpay_label: (libs.razorpay_verify, always, always)})
    write("razorpay.json", {
        "scheme": "X-Razorpay-Signature: hex HMAC-SHA256(webhook secret as text, body)",
        "signature_header": "X-Razorpay-Signature",
        "signer": "Python hmac computing exactly what the SDK's verify_signature computes (the SDK has no signer); "
                  "the first vector is the SDK's own test vector",
        "libraries": {"razorpay (PyPI)": V["razorpay"]},
        "event_id": "the X-Razorpay-Event-Id header (unsigned); the body has no event id",
    }, v)

    v = paddle_vectors()
    check(v, {paddle_label: (libs.paddle_verify, always, always)})
    write("paddle.json", {
        "scheme": "Paddle-Signature: ts=<unix>;h1=<hex HMAC-SHA256(secret as shown, {ts}:{body})>[;h1=…]",
        "signature_header": "Paddle-Signature", "tolerance_seconds": 5,
        "signer": f"paddle-python-sdk {V['paddle-python-sdk']} (Python): PaddleSignature.calculate_hmac",
        "libraries": {"paddle-python-sdk (PyPI)": V["paddle-python-sdk"]},
        "event_id": "the body's event_id (evt_…, signed); notification_id (ntf_…) names the notification",
    }, v)

    v, keys = discord_vectors()
    check(v, {discord_label: (libs.discord_verify, always, always)})
    write("discord.json", {
        "scheme": "X-Signature-Ed25519: hex Ed25519 signature of {X-Signature-Timestamp}{body}; key = the application's public key (hex)",
        "signature_header": "X-Signature-Ed25519",
        "signer": f"PyNaCl {V['PyNaCl']} (libsodium) Ed25519 from fixed seeds (signing_keys: public key hex -> 32-byte seed hex)",
        "libraries": {"discord-interactions (PyPI)": V["discord-interactions"], "PyNaCl (PyPI)": V["PyNaCl"]},
        "event_id": "the interaction's id in the body (signed); interactions are not retried",
        "signing_keys": keys,
    }, v)

    v, keys = sendgrid_vectors()
    check(v, {sendgrid_label: (libs.sendgrid_verify, always, always)})
    write("sendgrid.json", {
        "scheme": "X-Twilio-Email-Event-Webhook-Signature: base64 DER ECDSA P-256/SHA-256 of "
                  "{X-Twilio-Email-Event-Webhook-Timestamp}{body}; key = base64 DER SubjectPublicKeyInfo as SendGrid shows it",
        "signature_header": "X-Twilio-Email-Event-Webhook-Signature",
        "signer": f"cryptography {V['cryptography']} ECDSA P-256/SHA-256, RFC 6979 deterministic nonces, fixed scalars "
                  "(signing_keys: public key -> base64 DER PKCS#8 private key)",
        "libraries": {"sendgrid (PyPI)": V["sendgrid"], "cryptography (PyPI)": V["cryptography"]},
        "event_id": "each event's sg_event_id in the batch body (signed)",
        "signing_keys": keys,
    }, v)

    v, keys = v1a_vectors()
    check(v, {v1a_label: (libs.standard_webhooks_v1a_verify, always, always)})
    write("standard_webhooks_v1a.json", {
        "scheme": "Standard Webhooks asymmetric: webhook-signature: v1a,<base64 Ed25519 of {id}.{timestamp}.{body}>; "
                  "keys whpk_ + base64(32-byte public key), whsk_ + base64(seed || public key)",
        "signature_header": "webhook-signature", "tolerance_seconds": 300,
        "signer": f"PyNaCl {V['PyNaCl']} Ed25519 following spec/standard-webhooks.md (no library signs v1a; "
                  "Svix's server test vector reproduced)",
        "libraries": {"PyNaCl (PyPI)": V["PyNaCl"]},
        "event_id": "the webhook-id header (signed); retries keep it",
        "signing_keys": keys,
    }, v)


if __name__ == "__main__":
    main()
