#!/usr/bin/env python3
"""Prints the Stripe vectors of tests/conformance.rs, computed by Stripe's own
Python library rather than by this crate or by Python's `hmac` directly:

    python3 -m venv /tmp/stripe && /tmp/stripe/bin/pip install stripe==16.1.0
    /tmp/stripe/bin/python tests/vectors/stripe_sdk.py

Each header is signed with `stripe.WebhookSignature._compute_signature` and
checked with `stripe.WebhookSignature.verify_header`. The payload and the
secret `whsec_test_secret` are those of Stripe's SDK tests (stripe-python,
stripe-go, stripe-java); `webhook_secret` is the secret of async-stripe's
published test vector, and `secret` is shorter still.
"""

import stripe

PAYLOAD = '{\n  "id": "evt_test_webhook",\n  "object": "event"\n}'
TIMESTAMP = 1790000000

print(f"stripe {stripe.VERSION}")
for secret in ["whsec_test_secret", "webhook_secret", "secret"]:
    signature = stripe.WebhookSignature._compute_signature(f"{TIMESTAMP}.{PAYLOAD}", secret)
    header = f"t={TIMESTAMP},v1={signature}"
    assert stripe.WebhookSignature.verify_header(PAYLOAD, header, secret, tolerance=None)
    print(f'("{secret}", "{header}"),')
