#!/usr/bin/env python3
"""Checks deliveries signed by this crate against the providers' own Python libraries.

    python3 tests/vectors/verify_deliveries.py DELIVERIES.json
    python3 tests/vectors/verify_deliveries.py --vectors tests/vectors/stripe.json ...

Install the libraries first (pinned; see tests/vectors/requirements.txt):

    python3 -m venv /tmp/vectors-venv
    /tmp/vectors-venv/bin/pip install -r tests/vectors/requirements.txt

Input: a JSON array of deliveries, each an object with

    provider   "stripe" | "unleeshed" | "standard_webhooks" | "svix" | "commet"
               | "leadlex" | "github" | "slack" | "twilio" | "square" | "hubspot"
               | "razorpay" | "paddle" | "discord" | "sendgrid"
               | "standard_webhooks_v1a" | a provider of generate_recipes.py or
               generate_more.mjs (listed below)
    secret     the secret as the user configures it (or "secrets": [..], any
               of which may match, for rotation); for Discord, SendGrid and
               Standard Webhooks v1a, the public key as the provider shows it
               (hex; base64 DER; whpk_…)
    body       the raw body as text, or "body_base64" when it is not UTF-8
    headers    {name: value}, exactly as sent (names in any case)
    url        Twilio, Square, HubSpot: the full public URL of the request
               (the one the provider signs; HubSpot's is decoded per its table
               before verifying, as its docs say)
    method     HubSpot (default "POST")
    form       Twilio form posts: [[name, value], ...] as sent ("body" is their
               encoding; the validator reads the fields, as a framework would)
    now        optional, Unix seconds: pins the libraries' clocks (default:
               the real clock, so fresh deliveries need no "now")
    expect     optional, "accepted" (default) or "refused": lets a caller
               include a tampered delivery to prove this check can fail
    name       optional label for the report

Which library checks what:

    stripe             stripe.WebhookSignature.verify_header, Stripe-Signature, tolerance 300 s
    unleeshed          the same, reading X-Unleeshed-Signature (the same scheme; no Unleeshed library exists)
    standard_webhooks  standardwebhooks.Webhook.verify and svix.Webhook.verify, both must accept
    svix               svix.Webhook.verify (svix-* or webhook-* headers)
    commet             commet.resources.webhooks.verify_signature (X-Commet-Signature)
    leadlex            LeadLex's documented recipe in Python's hmac: no LeadLex library exists
    github             skipped here (GitHub publishes no Python library): checked by
                       tests/vectors/node/verify_deliveries.mjs with @octokit/webhooks-methods
    slack              slack_sdk SignatureVerifier.is_valid_request (±300 s)
    twilio             twilio RequestValidator.validate (X-Twilio-Webhooks-Signature-Settings
                       picks HMAC-SHA256 and the SharedKey secret)
    square             squareup square.utils.webhooks_helper.verify_signature
    hubspot            hubspot-api-client Signature.is_valid, v3 (age < 300 s), URI decoded
    razorpay           razorpay Utility.verify_webhook_signature
    paddle             paddle-python-sdk Verifier().verify (5 s either way)
    discord            discord-interactions verify_key (PyNaCl)
    sendgrid           sendgrid EventWebhook.verify_signature (cryptography)
    standard_webhooks_v1a  the spec's recipe with PyNaCl (no library verifies v1a), ±300 s
    intercom, lemonsqueezy, typeform, calendly, pagerduty, vercel, bitbucket, meta, xero,
    dropbox, sentry    the providers' documented recipes, from generate_recipes.py (no library
                       exists); POST deliveries only (the GET handshakes of meta and dropbox
                       are not deliveries)
    linear, zoom, shopify, twitch, gitlab, gitlab_signing_token, workos, mux, notion
                       skipped here: checked by node/verify_deliveries.mjs with their Node libraries

With --vectors, the files written by generate_providers.py and
generate_sdk_providers.py are read instead,
and each "conformance" vector is a delivery expected to be accepted exactly
when it is `valid`: a self-test of this script and of the vectors.

Exit status: 0 when every delivery checked here got its expected verdict
(and at least one was checked), 1 when any did not, 2 on bad input, 77 when
the libraries a delivery needs are not installed (a caller may then skip,
loudly): the original group (stripe, standardwebhooks, svix, commet-sdk) and
the SDK group (slack … sendgrid, PyNaCl) are checked separately.
"""

import argparse
import base64
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import generate_recipes as recipes  # noqa: E402
import provider_libs as libs  # noqa: E402

SKIP = 77


SDK_PROVIDERS = {"slack", "twilio", "square", "hubspot", "razorpay", "paddle", "discord", "sendgrid",
                 "standard_webhooks_v1a"}
SDK_FILES = {f"{name}.json": name for name in SDK_PROVIDERS}
# Providers whose vectors come from generate_recipes.py: (secrets, body, headers, now) -> (ok, message).
RECIPES = {
    "intercom": recipes.body_mac_verifier("X-Hub-Signature", "sha1=", recipes.hashlib.sha1, "hex"),
    "lemonsqueezy": recipes.body_mac_verifier("X-Signature", "", recipes.hashlib.sha256, "hex"),
    "typeform": recipes.body_mac_verifier("Typeform-Signature", "sha256=", recipes.hashlib.sha256, "base64"),
    "calendly": recipes.calendly_verify,
    "pagerduty": recipes.pagerduty_verify,
    "vercel": recipes.body_mac_verifier("x-vercel-signature", "", recipes.hashlib.sha1, "hex"),
    "bitbucket": recipes.body_mac_verifier("X-Hub-Signature", "sha256=", recipes.hashlib.sha256, "hex"),
    "meta": recipes.meta_verify,
    "xero": recipes.body_mac_verifier("x-xero-signature", "", recipes.hashlib.sha256, "base64"),
    "dropbox": recipes.dropbox_verify,
    "sentry": recipes.body_mac_verifier("Sentry-Hook-Signature", "", recipes.hashlib.sha256, "hex"),
}
RECIPES = {name: (lambda f: lambda s, b, h, n, **_request: f(s, b, h, n if n is not None else recipes.NOW_REAL(), {}))(f) for name, f in RECIPES.items()}
NODE_ONLY = ("linear", "zoom", "shopify", "twitch", "gitlab", "gitlab_signing_token", "workos", "mux", "notion")


def verifiers_for(provider):
    """The (label, function) pairs that must all give the expected verdict, or None to leave it to Node."""
    v = libs.libraries() if libs.IMPORT_ERROR is None else {k: None for k in ("stripe", "standardwebhooks", "svix", "commet-sdk")}
    table = {
        "stripe": [(f"stripe {v['stripe']}", libs.stripe_verify)],
        "unleeshed": [
            (f"stripe {v['stripe']} on X-Unleeshed-Signature",
             lambda s, b, h, n: libs.stripe_verify(s, b, h, n, header_name="X-Unleeshed-Signature")),
        ],
        "standard_webhooks": [
            (f"standardwebhooks {v['standardwebhooks']}", libs.standardwebhooks_verify),
            (f"svix {v['svix']}", libs.svix_verify),
        ],
        "svix": [(f"svix {v['svix']}", libs.svix_verify)],
        "commet": [(f"commet-sdk {v['commet-sdk']}", libs.commet_verify)],
        "leadlex": [("LeadLex's documented recipe (no library exists)", libs.leadlex_recipe_verify)],
        "github": None,
        **{name: None for name in NODE_ONLY},
        **{name: [(f"recipe: {recipes.RECIPE_DOCS[name]}", recipe)] for name, recipe in RECIPES.items()},
    }
    s = libs.sdk_libraries() if libs.SDK_IMPORT_ERROR is None else {}
    table.update({
        "slack": [(f"slack-sdk {s.get('slack-sdk')}", libs.slack_verify)],
        "twilio": [(f"twilio {s.get('twilio')}", libs.twilio_verify)],
        "square": [(f"squareup {s.get('squareup')}", libs.square_verify)],
        "hubspot": [(f"hubspot-api-client {s.get('hubspot-api-client')}, URI decoded per HubSpot's table",
                     lambda *a, **k: libs.hubspot_verify(*a, decode_uri=True, **k))],
        "razorpay": [(f"razorpay {s.get('razorpay')}", libs.razorpay_verify)],
        "paddle": [(f"paddle-python-sdk {s.get('paddle-python-sdk')}", libs.paddle_verify)],
        "discord": [(f"discord-interactions {s.get('discord-interactions')}", libs.discord_verify)],
        "sendgrid": [(f"sendgrid {s.get('sendgrid')}", libs.sendgrid_verify)],
        "standard_webhooks_v1a": [(f"Standard Webhooks v1a spec recipe (PyNaCl {s.get('PyNaCl')})",
                                   libs.standard_webhooks_v1a_verify)],
    })
    if provider not in table:
        raise ValueError(f"unknown provider {provider!r} (known: {', '.join(sorted(table))})")
    return table[provider]


def body_of(entry):
    if ("body" in entry) == ("body_base64" in entry):
        raise ValueError("exactly one of body and body_base64")
    if "body" in entry:
        return entry["body"].encode("utf-8")
    return base64.b64decode(entry["body_base64"], validate=True)


def secrets_of(entry):
    if ("secret" in entry) == ("secrets" in entry):
        raise ValueError("exactly one of secret and secrets")
    secrets = [entry["secret"]] if "secret" in entry else entry["secrets"]
    if not secrets or not all(isinstance(s, str) for s in secrets):
        raise ValueError("secrets must be a non-empty list of strings")
    return secrets


def deliveries_from_vectors(paths):
    provider_of = {"stripe.json": "stripe", "standard_webhooks.json": "standard_webhooks",
                   "commet.json": "commet", "leadlex.json": "leadlex", "github.json": "github", **SDK_FILES}
    provider_of.update({f"{name}.json": name for name in (*RECIPES, *NODE_ONLY)})
    out = []
    for path in paths:
        name = pathlib.Path(path).name
        if name not in provider_of:
            raise ValueError(f"{path}: not a provider vector file")
        document = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
        for v in document["vectors"]:
            if v["kind"] != "conformance" or v.get("method", "POST") != "POST":
                continue
            provider = provider_of[name]
            # svix-* headers are read by the svix library alone.
            if provider == "standard_webhooks" and any(k.lower().startswith("svix-") for k in v["headers"]):
                provider = "svix"
            delivery = {k: v[k] for k in ("secrets", "headers", "now", "url", "method", "form") if k in v}
            delivery.update({k: v[k] for k in ("body", "body_base64") if k in v})
            delivery["provider"] = provider
            delivery["expect"] = "accepted" if v["valid"] else "refused"
            delivery["name"] = f"{name}: {v['name']}"
            out.append(delivery)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--vectors", action="store_true", help="read provider vector files instead of deliveries")
    args = parser.parse_args()

    try:
        if args.vectors:
            deliveries = deliveries_from_vectors(args.files)
        else:
            deliveries = []
            for path in args.files:
                loaded = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
                if not isinstance(loaded, list):
                    raise ValueError(f"{path}: expected a JSON array of deliveries")
                deliveries.extend(loaded)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    needed = {d.get("provider") for d in deliveries if isinstance(d, dict)}
    missing = []
    if libs.IMPORT_ERROR is not None and needed - SDK_PROVIDERS - {"github"}:
        missing.append(str(libs.IMPORT_ERROR))
    if libs.SDK_IMPORT_ERROR is not None and needed & SDK_PROVIDERS:
        missing.append(str(libs.SDK_IMPORT_ERROR))
    if missing:
        print(f"SKIP: provider libraries not installed ({'; '.join(missing)}); "
              "pip install -r tests/vectors/requirements.txt", file=sys.stderr)
        return SKIP

    checked = failed = skipped = 0
    for index, delivery in enumerate(deliveries):
        label = delivery.get("name") or f"delivery {index}"
        try:
            if not isinstance(delivery, dict):
                raise ValueError("a delivery is a JSON object")
            verifiers = verifiers_for(delivery.get("provider"))
            secrets, body = secrets_of(delivery), body_of(delivery)
            headers = delivery["headers"]
            if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
                raise ValueError("headers must map names to strings")
            expect = delivery.get("expect", "accepted")
            if expect not in ("accepted", "refused"):
                raise ValueError(f"expect must be accepted or refused, not {expect!r}")
        except (KeyError, ValueError, TypeError) as error:
            print(f"error: {label}: {error}", file=sys.stderr)
            return 2
        if verifiers is None:
            skipped += 1
            print(f"skip  {label}: no Python library for {delivery['provider']}; see node/verify_deliveries.mjs")
            continue
        request = {k: delivery[k] for k in ("url", "method", "form") if k in delivery}
        for library, verify in verifiers:
            try:
                ok, message = verify(secrets, body, headers, delivery.get("now"), **request)
            except (KeyError, ValueError, TypeError) as error:
                print(f"error: {label}: {error}", file=sys.stderr)
                return 2
            checked += 1
            good = ok == (expect == "accepted")
            failed += not good
            print(f"{'ok  ' if good else 'FAIL'}  {label} [{delivery['provider']}, {library}]: "
                  f"expected {expect}, library: {message}")

    print(f"{checked - failed} passed, {failed} failed, {skipped} skipped (left to the Node check)")
    if checked == 0:
        print("error: no delivery was checked", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
